internal import CharterCore
public import CharterData

/// A source table reduced to what drift needs, kept by the registry when a certificate is published:
/// for each numeric column its empirical CDF at the 1st to 99th percentiles, for each other column
/// the share of each category. The minimum, the maximum and single rows are never kept.
///
/// ``drift(of:)`` compares a table read today with it: the Kolmogorov–Smirnov distance for a
/// numeric column, evaluated at the kept percentiles (a lower bound of the exact two-sample D: exact
/// at each kept point, and just below one only as far as certain given the certified CDF's bracket
/// there; it misses D by at most the mass between two kept points, about 0.01), and the
/// total-variation distance ½ Σ |p − q| between category shares otherwise (Levin, Peres & Wilmer,
/// *Markov Chains and Mixing Times*, §4.1). Both lie in [0, 1]; 0 is no change.
public struct SourceProfile: Sendable, Equatable {
    /// One column's sketch.
    public enum Sketch: Sendable, Equatable {
        /// `points` ascending and distinct; `cumulative[i]` is the share of present values ≤ `points[i]`.
        case numeric(points: [Double], cumulative: [Double])
        /// Category → share of the present values, sorted by category.
        case categorical(shares: [String: Double])
    }

    /// One column.
    public struct ColumnProfile: Sendable, Equatable {
        public var name: String
        public var sketch: Sketch
        /// Present values.
        public var present: Int
        /// Missing values.
        public var missing: Int
    }

    /// Rows profiled.
    public var rows: Int
    /// The columns, in table order.
    public var columns: [ColumnProfile]

    /// The percentiles kept for a numeric column: 1 % to 99 %.
    public static let percentiles: [Double] = (1...99).map { Double($0) / 100 }

    /// Profiles `table`.
    /// - Complexity: O(n log n) per numeric column (a sort), O(n) per other column.
    public init(table: Table) {
        rows = table.rowCount
        columns = table.columns.map { column in
            let missing = column.values.missingCount
            switch column.values {
            case .numeric(let values):
                let sorted = values.present.filter(\.isFinite).sorted()
                var points: [Double] = []
                for p in Self.percentiles where !sorted.isEmpty {
                    // Type 7 quantile (R's default, numpy's "linear").
                    let h = Double(sorted.count - 1) * p
                    let low = Int(h.rounded(.down))
                    let high = min(low + 1, sorted.count - 1)
                    let value = sorted[low] + (h - Double(low)) * (sorted[high] - sorted[low])
                    if points.last != value { points.append(value) }
                }
                return ColumnProfile(
                    name: column.name,
                    sketch: .numeric(points: points, cumulative: points.map { Self.share(sorted, atMost: $0) }),
                    present: sorted.count, missing: missing)
            default:
                let texts = (0..<column.values.count).compactMap { column.values.text(at: $0) }
                return ColumnProfile(
                    name: column.name, sketch: .categorical(shares: Self.shares(texts)), present: texts.count,
                    missing: missing)
            }
        }
    }

    /// The share of `sorted` that is ≤ `value` (binary search).
    static func share(_ sorted: [Double], atMost value: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] <= value { low = middle + 1 } else { high = middle }
        }
        return Double(low) / Double(sorted.count)
    }

    /// The share of values strictly below `value`.
    static func share(_ sorted: [Double], below value: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < value { low = middle + 1 } else { high = middle }
        }
        return Double(low) / Double(sorted.count)
    }

    static func shares(_ texts: [String]) -> [String: Double] {
        var counts: [String: Int] = [:]
        for text in texts { counts[text, default: 0] += 1 }
        return counts.mapValues { Double($0) / Double(max(texts.count, 1)) }
    }

    /// One column's drift.
    public struct ColumnDrift: Sendable, Equatable {
        public var column: String
        /// `ks` (numeric) or `tv` (categorical).
        public var measure: String
        /// In [0, 1].
        public var distance: Double
        /// Where it was largest: the value (numeric) or the category whose share moved most.
        public var location: String?
        /// Why a column could not be compared, when it could not.
        public var note: String?
    }

    /// How far `table` has moved from this profile, column by column, in profile order. A column the
    /// table lacks, or one that changed kind (numbers to text), has distance 1.
    /// - Complexity: O(n log n) per numeric column.
    public func drift(of table: Table) -> [ColumnDrift] {
        columns.map { profile in
            guard let column = table.column(named: profile.name) else {
                return ColumnDrift(
                    column: profile.name, measure: "absent", distance: 1, location: nil,
                    note: "the column is no longer in the source")
            }
            switch (profile.sketch, column.values) {
            case (.numeric(let points, let cumulative), .numeric(let values)):
                let sorted = values.present.filter(\.isFinite).sorted()
                guard !sorted.isEmpty, !points.isEmpty else {
                    return ColumnDrift(
                        column: profile.name, measure: "ks", distance: sorted.isEmpty == points.isEmpty ? 0 : 1,
                        location: nil, note: "no present values on one side")
                }
                var distance = 0.0
                var location = points[0]
                for (index, point) in points.enumerated() {
                    // At the point F is known exactly. Just below it the certified F lies somewhere in
                    // [F(previous point), F(point)]: only the distance to that interval is certain.
                    let right = abs(Self.share(sorted, atMost: point) - cumulative[index])
                    let previous = index == 0 ? 0 : cumulative[index - 1]
                    let below = Self.share(sorted, below: point)
                    let left = max(0, previous - below, below - cumulative[index])
                    let largest = max(right, left)
                    if largest > distance {
                        distance = largest
                        location = point
                    }
                }
                // Mass past the last kept percentile: the baseline holds at most 1 − its last share there.
                let tail =
                    (1 - Self.share(sorted, atMost: points[points.count - 1])) - (1 - cumulative[cumulative.count - 1])
                if tail > distance {
                    distance = tail
                    location = points[points.count - 1]
                }
                return ColumnDrift(
                    column: profile.name, measure: "ks", distance: min(1, distance),
                    location: GateNumber.format(location), note: nil)
            case (.categorical(let shares), _):
                let texts = (0..<column.values.count).compactMap { column.values.text(at: $0) }
                let now = Self.shares(texts)
                var total = 0.0
                var location: String?
                var largest = -1.0
                for category in Set(shares.keys).union(now.keys).sorted() {
                    let change = abs((shares[category] ?? 0) - (now[category] ?? 0))
                    total += change
                    if change > largest {
                        largest = change
                        location = category
                    }
                }
                return ColumnDrift(
                    column: profile.name, measure: "tv", distance: min(1, total / 2), location: location, note: nil)
            case (.numeric, _):
                return ColumnDrift(
                    column: profile.name, measure: "ks", distance: 1, location: nil,
                    note: "the column held numbers when certified and holds text now")
            }
        }
    }
}

/// Numbers as the lifecycle reports write them: up to 6 significant digits, no exponent for
/// ordinary magnitudes.
enum GateNumber {
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        var text = String(value)
        if text.count > 12, let dot = text.firstIndex(of: ".") {
            let digits = text.distance(from: dot, to: text.endIndex) - 1
            if digits > 6 { text = String(text.prefix(text.distance(from: text.startIndex, to: dot) + 7)) }
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }
}
