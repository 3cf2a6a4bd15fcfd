/// Rows in the order a ``PivotWalk`` searches them: those that have a value in the pivot column,
/// ascending by it (ties by row index), and apart those that miss it (NaN), which no walk reaches and
/// every scan therefore visits.
struct PivotOrder {
    /// Rows with a pivot value, by ascending value, then by index.
    let rows: [Int]
    /// The pivot value of each of ``rows``, ascending: what the walk searches.
    let values: [Double]
    /// Rows whose pivot value is NaN, in index order.
    let missing: [Int]

    /// Orders the `rowCount` rows of row-major `storage` (`columnCount` values a row) by column `pivot`.
    /// - Complexity: O(n log n) in the number of rows.
    init(rowMajor storage: UnsafeBufferPointer<Double>, rowCount: Int, columnCount: Int, pivot: Int) {
        var rows: [Int] = []
        var missing: [Int] = []
        for row in 0..<rowCount {
            if storage[row * columnCount + pivot].isNaN { missing.append(row) } else { rows.append(row) }
        }
        rows.sort {
            let a = storage[$0 * columnCount + pivot]
            let b = storage[$1 * columnCount + pivot]
            return a < b || (a == b && $0 < $1)
        }
        self.rows = rows
        self.values = rows.map { storage[$0 * columnCount + pivot] }
        self.missing = missing
    }
}
