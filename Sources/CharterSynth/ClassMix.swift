public import CharterCore
public import CharterData

/// A requested class distribution of the synthetic rows (`output.class_mix`, read by the plan into
/// the generator parameter `class_mix: {"column": target, "shares": {class: share}}`), and the
/// exact rejection sampling every built-in generator honours it with.
///
/// **Method.** The fitted model draws rows as it always does; each drawn row is kept while its class
/// still has room, in the order drawn, until every class has its quota. The kept rows of a class are
/// therefore draws from the model conditioned on that class (rejection sampling), and each class
/// gets exactly its quota: `round(share × rows)` by largest remainder, the classes not named sharing
/// what is left as the model draws them. A batch that does not fill every quota is discarded whole
/// and a larger one drawn afresh (so the kept rows come from one batch of independent draws), up to
/// ``maximumDrawFactor`` times the requested rows in all; a class the model draws too rarely to
/// fill its quota within that bound is an error (CH724) that says how often it was drawn.
///
/// Sampling from the fitted model is post-processing, so a differentially private generator spends
/// nothing more: the model is fitted once, only the sampling repeats.
public struct ClassMix: Sendable, Equatable {
    /// The class column (the request's `source.target`).
    public var column: String
    /// Class (CSV text) → share, in (0, 1], summing to at most 1.
    public var shares: [String: Double]

    /// At most this many times the requested rows are drawn from the model before giving up.
    public static let maximumDrawFactor = 64

    /// An external tool is run once, asked for this many times the requested rows when a mix is asked.
    public static let externalDrawFactor = 8

    /// The parameter key the plan writes.
    public static let parameter = "class_mix"

    /// Creates a mix.
    public init(column: String, shares: [String: Double]) {
        self.column = column
        self.shares = shares
    }

    /// The mix in `parameters`, `nil` when none is asked, or the error for a malformed one.
    public init?(_ parameters: [String: JSONValue]) throws(GeneratorError) {
        guard let value = parameters[Self.parameter] else { return nil }
        guard let column = value["column"]?.stringValue, let object = value["shares"]?.objectValue, !object.isEmpty
        else {
            throw GeneratorError(
                .generatorInvalidParameter,
                "parameter 'class_mix' must be {\"column\": name, \"shares\": {class: share}}")
        }
        var shares: [String: Double] = [:]
        for (label, share) in object {
            guard let number = share.doubleValue, number > 0, number <= 1 else {
                throw GeneratorError(
                    .generatorInvalidParameter, "class_mix share of '\(label)' must be a number in (0, 1]")
            }
            shares[label] = number
        }
        guard shares.values.reduce(0, +) <= 1 + 1e-9 else {
            throw GeneratorError(.generatorInvalidParameter, "class_mix shares add up to more than 1")
        }
        self.init(column: column, shares: shares)
    }

    /// How many rows of each named class (sorted by class text) and of the unnamed rest: the
    /// largest-remainder rounding of `share × rowCount`, summing to `rowCount`.
    public func quotas(rowCount: Int) -> (named: [(label: String, rows: Int)], rest: Int) {
        let labels = shares.keys.sorted()
        let restShare = max(0, 1 - shares.values.reduce(0, +))
        var exact = labels.map { shares[$0, default: 0] * Double(rowCount) }
        exact.append(restShare < 1e-12 ? 0 : restShare * Double(rowCount))
        var counts = exact.map { Int($0.rounded(.down)) }
        var left = rowCount - counts.reduce(0, +)
        let order = exact.indices.sorted {
            (exact[$0] - Double(counts[$0]), -$0) > (exact[$1] - Double(counts[$1]), -$1)
        }
        for index in order where left > 0 && (index < labels.count || restShare >= 1e-12) {
            counts[index] += 1
            left -= 1
        }
        // Shares summing to 1 within rounding: any row still unassigned goes to the largest class.
        if left > 0, let largest = labels.indices.max(by: { exact[$0] < exact[$1] }) { counts[largest] += left }
        return (zip(labels, counts).map { ($0, $1) }, counts[labels.count])
    }

    /// `rowCount` rows with the mix, drawn with `draw(rows, attempt)` (attempt 0, 1, … in batches of
    /// growing size), and what the certificate's lineage records of it. With `drawRows` dividing
    /// `rowCount`, the rows are `rowCount / drawRows` consecutive draws and each has the mix exactly.
    public func sample(
        rowCount: Int, drawRows: Int? = nil, draw: (Int, Int) throws(GeneratorError) -> Table
    ) throws(GeneratorError) -> (table: Table, lineage: JSONValue) {
        let blockRows = drawRows.flatMap { $0 > 0 && rowCount % $0 == 0 ? $0 : nil } ?? rowCount
        let blocks = rowCount / blockRows
        let (perDraw, restPerDraw) = quotas(rowCount: blockRows)
        let named = perDraw.map { (label: $0.label, rows: $0.rows * blocks) }
        let restQuota = restPerDraw * blocks
        let index = Dictionary(uniqueKeysWithValues: named.enumerated().map { ($1.label, $0) })
        let bound = Self.maximumDrawFactor * rowCount
        var drawn = 0
        var batch = min(bound, 2 * rowCount)
        var attempt = 0
        var seen = [Int](repeating: 0, count: named.count)
        var seenRest = 0
        while true {
            let table = try draw(batch, attempt)
            let drawnNow = max(1, table.rowCount)
            drawn += table.rowCount
            guard let column = table.column(named: self.column) else {
                throw GeneratorError(
                    .generatorUnknownTarget, "class_mix names column '\(self.column)', which the synthetic rows lack")
            }
            var room = named.map(\.rows)
            var restRoom = restQuota
            // Kept rows per class (the rest last), in the order drawn.
            var kept = [[Int]](repeating: [], count: named.count + 1)
            seen = [Int](repeating: 0, count: named.count)
            seenRest = 0
            for row in 0..<table.rowCount {
                if let k = column.values.text(at: row).flatMap({ index[$0] }) {
                    seen[k] += 1
                    if room[k] > 0 {
                        room[k] -= 1
                        kept[k].append(row)
                    }
                } else {
                    seenRest += 1
                    if restRoom > 0 {
                        restRoom -= 1
                        kept[named.count].append(row)
                    }
                }
            }
            if kept.map(\.count).reduce(0, +) == rowCount {
                // Draw b takes the b-th run of each class's kept rows, in the order drawn.
                let perDrawRows = perDraw.map(\.rows) + [restPerDraw]
                var rows: [Int] = []
                rows.reserveCapacity(rowCount)
                for b in 0..<blocks {
                    var block: [Int] = []
                    for (k, quota) in perDrawRows.enumerated() { block += kept[k][(b * quota)..<((b + 1) * quota)] }
                    rows += block.sorted()
                }
                let lineage: JSONValue = [
                    "column": .string(self.column),
                    "requested": .object(shares.mapValues { .number($0) }),
                    "rows": .object(
                        Dictionary(uniqueKeysWithValues: perDraw.map { ($0.label, JSONValue.integer($0.rows)) })),
                    "other_classes_rows": .integer(restPerDraw),
                    "drawn_rows": .integer(drawn),
                    "method": .string(
                        "exact rejection: rows drawn from the fitted model and kept per class until each class has round(share x rows); at most \(Self.maximumDrawFactor)x the rows drawn; sampling only, no further fitting"
                    ),
                ]
                return (table.selectingRows(rows), lineage)
            }
            guard drawn < bound else { break }
            attempt += 1
            // Enough for the scarcest class at the rate it was drawn, with a margin; at least double.
            var need = 2 * batch
            for (k, entry) in named.enumerated() where entry.rows > 0 {
                let rate = Double(seen[k]) / Double(drawnNow)
                if rate > 0 { need = max(need, Int((Double(entry.rows) / rate * 1.25).rounded(.up))) }
            }
            if restQuota > 0, seenRest > 0 {
                need = max(need, Int((Double(restQuota) / (Double(seenRest) / Double(drawnNow)) * 1.25).rounded(.up)))
            }
            batch = max(1, min(need, bound - drawn))
        }
        let short = named.enumerated().filter { seen[$0.offset] < $0.element.rows }
            .map {
                "'\($0.element.label)' drawn \(seen[$0.offset]) times in the last \(batch) rows, needs \($0.element.rows)"
            }
        let rest = seenRest < restQuota ? ["the other classes drawn \(seenRest) times, need \(restQuota)"] : []
        throw GeneratorError(
            .generatorClassMixUnreachable,
            "output.class_mix on '\(column)' is unreachable within \(drawn) drawn rows (\(Self.maximumDrawFactor)x the "
                + "\(rowCount) asked): " + (short + rest).joined(separator: "; ")
                + "; the model almost never draws the class; lower its share or ask for fewer rows")
    }
}

extension ClassMix {
    /// `rowCount` rows from `draw`: with the mix in the settings' parameters when there is one (and its lineage, each draw of `drawRows` holding it),
    /// else one plain draw of `rowCount` rows (attempt 0), exactly as without a mix.
    static func sampling(
        rowCount: Int, settings: GeneratorSettings, draw: (Int, Int) throws(GeneratorError) -> Table
    ) throws(GeneratorError) -> (table: Table, lineage: JSONValue?) {
        guard let mix = try ClassMix(settings.parameters) else { return (try draw(rowCount, 0), nil) }
        let (table, lineage) = try mix.sample(rowCount: rowCount, drawRows: settings.drawRows, draw: draw)
        return (table, lineage)
    }

    /// The sampling seed of `attempt`: the plan's seed for attempt 0, SplitMix64's `attempt`-th value
    /// from it after.
    static func seed(_ base: UInt64, attempt: Int) -> UInt64 {
        attempt > 0 ? SplitMix64.value(seed: base, call: attempt) : base
    }
}

extension JSONValue {
    /// The lineage object with the class mix's record under `class_mix` (unchanged without one).
    func addingClassMix(_ record: JSONValue?) -> JSONValue {
        guard let record, case .object(var object) = self else { return self }
        object[ClassMix.parameter] = record
        return .object(object)
    }
}
