public import CharterData

/// The rows of a table grouped by their values over some columns (a missing value is a value of
/// its own): the classes k-anonymity is judged on.
public struct EquivalenceClasses: Sendable, Equatable {
    /// The columns grouped on, in the order given.
    public var columns: [String]
    /// The size of each class, largest first.
    public var sizes: [Int]
    /// The number of rows.
    public var rowCount: Int

    /// Groups the rows of `table` on `columns` (names not in the table are ignored).
    /// - Complexity: O(rows × columns) plus a sort of each column's distinct values.
    public init(_ table: Table, columns: [String]) {
        self.columns = columns
        rowCount = table.rowCount
        let codes = columns.compactMap { table.column(named: $0) }.map(Self.codes)
        var counts: [[Int32]: Int] = [:]
        var key = [Int32](repeating: 0, count: codes.count)
        for row in 0..<table.rowCount {
            for (index, column) in codes.enumerated() { key[index] = column[row] }
            counts[key, default: 0] += 1
        }
        sizes = counts.values.sorted(by: >)
    }

    /// The smallest class (0 for a table without rows).
    public var smallest: Int { sizes.last ?? 0 }
    /// The number of rows alone in their class.
    public var uniqueRows: Int { sizes.reduce(0) { $0 + ($1 == 1 ? 1 : 0) } }
    /// The share of rows alone in their class (0 without rows).
    public var uniqueShare: Double { rowCount == 0 ? 0 : Double(uniqueRows) / Double(rowCount) }
    /// The number of rows in classes smaller than `k`.
    public func rows(inClassesSmallerThan k: Int) -> Int { sizes.reduce(0) { $0 + ($1 < k ? $1 : 0) } }

    /// A dense code per row: the rank of the value among the column's distinct values, −1 when missing.
    static func codes(_ column: Column) -> [Int32] {
        switch column.values {
        case .numeric(let values):
            let distinct = Array(Set(values.present)).sorted()
            var rank: [Double: Int32] = [:]
            for (index, value) in distinct.enumerated() { rank[value] = Int32(index) }
            return zip(values.values, values.isMissing).map { $1 ? -1 : rank[$0] ?? -1 }
        case .categorical(let values):
            return values.codes
        case .boolean(let values):
            return zip(values.values, values.isMissing).map { $1 ? -1 : ($0 ? 1 : 0) }
        }
    }
}
