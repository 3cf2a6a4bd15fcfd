public import CharterData
internal import CharterCore

/// A seeded, stratified split of a table's rows into training rows (what the generator sees) and
/// holdout rows (kept for TSTR, membership inference and distance checks).
///
/// Rows are grouped by the stratification column's text (missing values form their own group),
/// each group is shuffled by Fisher–Yates with SplitMix64 from `seed`, and the first
/// `round(fraction × group size)` rows of each group are held out. Both sides keep the source's row
/// order. The same table, fraction and seed always give the same split.
public struct HoldoutSplit: Sendable, Equatable {
    /// Row indices of the training rows, ascending.
    public var trainRows: [Int]
    /// Row indices of the holdout rows, ascending.
    public var holdoutRows: [Int]

    /// Splits `table`. The fraction must lie in (0, 1); each side must get at least one row.
    /// - Complexity: O(n log n) in the rows.
    public init(table: Table, fraction: Double, seed: UInt64, stratify: String?) throws(EngineError) {
        guard fraction > 0, fraction < 1 else {
            throw EngineError(
                .unreadable, stage: "holdout-split", "the holdout fraction must lie in (0, 1), got \(fraction)")
        }
        var groups: [String: [Int]] = [:]
        if let stratify, let column = table.column(named: stratify) {
            for row in 0..<table.rowCount {
                groups[column.values.text(at: row) ?? "\u{0}missing", default: []].append(row)
            }
        } else {
            groups[""] = Array(0..<table.rowCount)
        }
        var generator = SplitMix64(seed: seed)
        var holdout: [Int] = []
        var train: [Int] = []
        for key in groups.keys.sorted() {
            var rows = groups[key] ?? []
            if rows.count > 1 {
                for i in stride(from: rows.count - 1, to: 0, by: -1) {
                    let j = Int(generator.next() % UInt64(i + 1))
                    rows.swapAt(i, j)
                }
            }
            let count = Int((fraction * Double(rows.count)).rounded())
            holdout += rows.prefix(count)
            train += rows.dropFirst(count)
        }
        guard !train.isEmpty, !holdout.isEmpty else {
            throw EngineError(
                .failed, stage: "holdout-split",
                "\(table.rowCount) rows cannot be split into training and holdout rows at fraction \(fraction)")
        }
        trainRows = train.sorted()
        holdoutRows = holdout.sorted()
    }
}

