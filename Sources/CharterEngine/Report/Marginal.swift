public import CharterCore
public import CharterData

/// One column's distribution in the real training rows and in the synthetic rows, as shares of the
/// present values per bin (numbers) or per category, for the report's plots.
public struct Marginal: Sendable, Equatable {
    /// The column.
    public var column: String
    /// `numeric` or `categorical`.
    public var kind: String
    /// Bin labels (`[21, 24)`) or categories.
    public var labels: [String]
    /// Shares of the real rows' present values; sums to 1 unless every value is missing.
    public var real: [Double]
    /// Shares of the synthetic rows' present values.
    public var synthetic: [Double]
    /// The joint range the bins cover, for a numeric column.
    public var range: (lower: Double, upper: Double)?

    public static func == (lhs: Marginal, rhs: Marginal) -> Bool {
        lhs.column == rhs.column && lhs.kind == rhs.kind && lhs.labels == rhs.labels && lhs.real == rhs.real
            && lhs.synthetic == rhs.synthetic && lhs.range?.lower == rhs.range?.lower
            && lhs.range?.upper == rhs.range?.upper
    }

    /// Numeric columns with at most this many distinct values are drawn as categories (0/1 flags,
    /// grades coded as numbers).
    public static let discreteLimit = 12

    /// The number of equal-width bins a numeric column gets.
    public static let binCount = 20
    /// The most categories drawn; the rarest beyond are pooled as `(other)`.
    public static let categoryLimit = 12

    /// The marginal of `column` in both tables; `nil` when either lacks it.
    /// - Complexity: O(n) in the rows of both tables, plus sorting the categories.
    public init?(column: String, real realTable: Table, synthetic syntheticTable: Table) {
        guard let real = realTable.column(named: column)?.values,
            let synthetic = syntheticTable.column(named: column)?.values
        else { return nil }
        self.column = column
        if case .numeric(let r) = real, case .numeric(let s) = synthetic,
            Set(r.present).count > Self.discreteLimit
        {
            kind = "numeric"
            (labels, self.real, self.synthetic) = Self.histogram(r.present, s.present)
            let all = r.present + s.present
            if let low = all.min(), let high = all.max() { range = (low, high) }
        } else if case .numeric(let r) = real, case .numeric(let s) = synthetic {
            // Few distinct real values: one bar per real value, synthetic values rounded to the nearest.
            kind = "categorical"
            let levels = Set(r.present).sorted()
            func nearest(_ value: Double) -> String {
                let closest = levels.min { abs($0 - value) < abs($1 - value) } ?? value
                return GateCheck.format(closest)
            }
            (labels, self.real, self.synthetic) = Self.categories(r.present.map(nearest), s.present.map(nearest))
        } else {
            kind = "categorical"
            (labels, self.real, self.synthetic) = Self.categories(Self.texts(real), Self.texts(synthetic))
        }
    }

    static func texts(_ values: ColumnValues) -> [String] {
        (0..<values.count).compactMap { values.text(at: $0) }
    }

    static func histogram(_ real: [Double], _ synthetic: [Double]) -> ([String], [Double], [Double]) {
        let all = real + synthetic
        guard let low = all.min(), let high = all.max() else { return ([], [], []) }
        let width = high > low ? (high - low) / Double(binCount) : 1
        let bins = high > low ? binCount : 1
        func shares(_ values: [Double]) -> [Double] {
            var counts = [Double](repeating: 0, count: bins)
            for value in values {
                let index = min(bins - 1, max(0, Int((value - low) / width)))
                counts[index] += 1
            }
            return values.isEmpty ? counts : counts.map { $0 / Double(values.count) }
        }
        let labels = (0..<bins).map { index in
            let from = low + Double(index) * width
            let to = index == bins - 1 ? high : low + Double(index + 1) * width
            return "[\(GateCheck.format(from)), \(GateCheck.format(to))\(index == bins - 1 ? "]" : ")")"
        }
        return (labels, shares(real), shares(synthetic))
    }

    static func categories(_ real: [String], _ synthetic: [String]) -> ([String], [Double], [Double]) {
        var realCounts: [String: Int] = [:]
        for value in real { realCounts[value, default: 0] += 1 }
        var syntheticCounts: [String: Int] = [:]
        for value in synthetic { syntheticCounts[value, default: 0] += 1 }
        let all = Set(realCounts.keys).union(syntheticCounts.keys).sorted {
            let (a, b) = (realCounts[$0, default: 0], realCounts[$1, default: 0])
            return a != b ? a > b : $0 < $1
        }
        let shown = all.count > categoryLimit ? Array(all.prefix(categoryLimit - 1)) : all
        let pooled = all.count > categoryLimit ? Array(all.dropFirst(categoryLimit - 1)) : []
        func shares(_ counts: [String: Int], total: Int) -> [Double] {
            var result = shown.map { Double(counts[$0, default: 0]) }
            if !pooled.isEmpty { result.append(Double(pooled.reduce(0) { $0 + counts[$1, default: 0] })) }
            return total == 0 ? result : result.map { $0 / Double(total) }
        }
        let labels = shown + (pooled.isEmpty ? [] : ["(other)"])
        return (labels, shares(realCounts, total: real.count), shares(syntheticCounts, total: synthetic.count))
    }

    /// The marginal as JSON.
    public var json: JSONValue {
        [
            "column": .string(column), "kind": .string(kind), "labels": .array(labels.map(JSONValue.string)),
            "real": .array(real.map(JSONValue.number)), "synthetic": .array(synthetic.map(JSONValue.number)),
        ]
    }
}
