/// A summary of one column: type, missing share, range, distinct values and a histogram.
public struct ColumnProfile: Sendable, Equatable {
    /// One histogram bar: a numeric bin `[lower, upper)` (the last bin closed) or a category.
    public struct Bin: Sendable, Equatable {
        /// The category text, or `nil` for a numeric bin.
        public var label: String?
        /// The lower edge of a numeric bin.
        public var lower: Double?
        /// The upper edge of a numeric bin.
        public var upper: Double?
        /// The number of rows in the bin.
        public var count: Int
    }

    /// The column name.
    public var name: String
    /// The physical type.
    public var type: ColumnType
    /// The number of rows.
    public var rowCount: Int
    /// The number of missing rows.
    public var missingCount: Int
    /// The smallest present value (numeric columns with a present value).
    public var minimum: Double?
    /// The largest present value (numeric columns with a present value).
    public var maximum: Double?
    /// The number of distinct present values.
    public var distinctCount: Int
    /// Numeric: 10 equal-width bins over [min, max] (numpy's `histogram` rule; min = max widens to
    /// ±0.5). Categorical and boolean: one bar per value, most frequent first, ties by text.
    public var histogram: [Bin]

    /// The share of missing rows, 0 for an empty column (documented: an empty column has no
    /// missing share to report, and 0 keeps the value finite).
    public var missingShare: Double { rowCount == 0 ? 0 : Double(missingCount) / Double(rowCount) }

    /// Whether every present value is the same (or there is at most one present value).
    public var isConstant: Bool { distinctCount <= 1 }
}

/// Profiles of every column of a table.
public struct TableProfile: Sendable, Equatable {
    /// The number of rows.
    public var rowCount: Int
    /// One profile per column, in table order.
    public var columns: [ColumnProfile]

    /// The number of histogram bins for numeric columns.
    public static let numericBins = 10

    /// Profiles `table`.
    /// - Complexity: O(rows × columns) plus a sort of each numeric column's distinct values.
    public init(_ table: Table) {
        rowCount = table.rowCount
        columns = table.columns.map(Self.profile)
    }

    static func profile(_ column: Column) -> ColumnProfile {
        switch column.values {
        case .numeric(let values):
            let present = values.present.sorted()
            var distinct = 0
            for (i, value) in present.enumerated() where i == 0 || value != present[i - 1] { distinct += 1 }
            var histogram: [ColumnProfile.Bin] = []
            if let low = present.first, let high = present.last {
                let (lo, hi) = low == high ? (low - 0.5, high + 0.5) : (low, high)
                let step = (hi - lo) / Double(numericBins)
                var counts = [Int](repeating: 0, count: numericBins)
                for value in present {
                    let bin = min(Int((value - lo) / step), numericBins - 1)
                    counts[max(bin, 0)] += 1
                }
                for i in 0..<numericBins {
                    let upper = i == numericBins - 1 ? hi : lo + Double(i + 1) * step
                    histogram.append(.init(label: nil, lower: lo + Double(i) * step, upper: upper, count: counts[i]))
                }
            }
            return ColumnProfile(
                name: column.name, type: .numeric, rowCount: values.values.count,
                missingCount: values.values.count - present.count, minimum: present.first, maximum: present.last,
                distinctCount: distinct, histogram: histogram)
        case .categorical(let values):
            var counts = [Int](repeating: 0, count: values.levels.count)
            var missing = 0
            for code in values.codes {
                if code < 0 { missing += 1 } else { counts[Int(code)] += 1 }
            }
            return categoricalProfile(column, labels: values.levels, counts: counts, missing: missing)
        case .boolean(let values):
            var counts = [0, 0]
            var missing = 0
            for (value, isMissing) in zip(values.values, values.isMissing) {
                if isMissing { missing += 1 } else { counts[value ? 1 : 0] += 1 }
            }
            return categoricalProfile(column, labels: ["false", "true"], counts: counts, missing: missing)
        }
    }

    private static func categoricalProfile(
        _ column: Column, labels: [String], counts: [Int], missing: Int
    ) -> ColumnProfile {
        let bins = zip(labels, counts).filter { $0.1 > 0 }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
            .map { ColumnProfile.Bin(label: $0.0, lower: nil, upper: nil, count: $0.1) }
        return ColumnProfile(
            name: column.name, type: column.type, rowCount: column.count, missingCount: missing, minimum: nil,
            maximum: nil, distinctCount: bins.count, histogram: bins)
    }
}
