public import CharterData

/// SDMetrics 0.32 `NewRowSynthesis` with the training table as the real data (README point 7).
///
/// A numerical value matches when |r − s| ≤ 0.01·|s| (relative to the synthetic value); categorical,
/// ordinal and boolean values must be equal; missing matches only missing. A synthetic row is new
/// when no train row matches it on every column; score = new rows / synthetic rows.
public struct NewRowSynthesis: Sendable, Equatable {
    /// Synthetic rows with no matching train row.
    public var newRows: Int
    /// Synthetic rows that match some train row.
    public var matchedRows: Int
    /// The relative tolerance for numerical columns.
    public static let numericalTolerance = 0.01

    /// new rows / synthetic rows.
    public var score: Double { Double(newRows) / Double(newRows + matchedRows) }

    /// Compares every synthetic row with `train` over the schema's columns (in synthetic table order).
    public init(train: Table, synthetic: Table, schema: TableSchema) throws(DisclosureInputError) {
        guard synthetic.rowCount > 0 else { throw DisclosureInputError("the synthetic table has no rows") }
        var exactColumns: [(ColumnValues, ColumnValues)] = []
        var numericColumns: [(NumericValues, NumericValues)] = []
        for name in synthetic.columnNames where schema.types[name] != nil {
            let s = try DisclosureInputError.column(name, in: synthetic, role: "synthetic").values
            let r = try DisclosureInputError.column(name, in: train, role: "train").values
            if schema.types[name] == .numerical, case .numeric(let sn) = s, case .numeric(let rn) = r {
                numericColumns.append((sn, rn))
            } else {
                exactColumns.append((s, r))
            }
        }
        // Train rows grouped by their exact-match values; only a group's rows can match.
        var groups: [[DisclosureCell]: [Int]] = [:]
        for row in 0..<train.rowCount {
            groups[exactColumns.map { DisclosureCell($0.1, row: row) }, default: []].append(row)
        }
        var matched = 0
        for row in 0..<synthetic.rowCount {
            guard let candidates = groups[exactColumns.map { DisclosureCell($0.0, row: row) }] else { continue }
            let found = candidates.contains { trainRow in
                numericColumns.allSatisfy { s, r in
                    let sMissing = s.isMissing[row]
                    let rMissing = r.isMissing[trainRow]
                    if sMissing || rMissing { return sMissing && rMissing }
                    let value = s.values[row]
                    return abs(r.values[trainRow] - value) <= Self.numericalTolerance * abs(value)
                }
            }
            if found { matched += 1 }
        }
        matchedRows = matched
        newRows = synthetic.rowCount - matched
    }
}
