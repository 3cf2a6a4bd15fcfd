public import CharterData

/// Mode-collapse measures of a synthetic table against the real one it was fitted on: whether the
/// generator repeats a few rows, drops categories, or starves the rare classes of each column.
///
/// - **Distinct rows**: the share of synthetic rows that are distinct (over every column, by CSV
///   text, missing as its own value). A collapsed generator repeats rows; a healthy one on
///   continuous columns almost never does.
/// - **Missing categories**: each category of a categorical, ordinal or boolean column that occurs
///   in the real rows and never in the synthetic rows.
/// - **Minority recall**: for each such column with at least two real categories, its rarest real
///   category's share among the synthetic rows divided by its share among the real rows, capped at
///   1 (shares over the non-missing rows). The measure is the smallest over the columns, so one
///   starved rare class fails it. A generator that always draws the mode recalls 0.
///
/// - Complexity: O(rows × columns) hashing for distinct rows; O(rows) per categorical column.
public struct DiversityReport: Sendable, Equatable {
    /// A category of the real table that the synthetic table lacks.
    public struct MissingCategory: Sendable, Equatable {
        public var column: String
        public var category: String
        /// Real rows with the category.
        public var realCount: Int
    }

    /// One column's rarest real category and how much of it the synthetic rows kept.
    public struct MinorityRecall: Sendable, Equatable {
        public var column: String
        public var category: String
        /// Its share among the real rows with a value.
        public var realShare: Double
        /// Its share among the synthetic rows with a value (0 when none has a value).
        public var syntheticShare: Double
        /// min(1, syntheticShare / realShare).
        public var recall: Double
    }

    /// Synthetic rows.
    public var syntheticRows: Int
    /// Distinct synthetic rows.
    public var distinctRows: Int
    /// Categories of the real rows that no synthetic row has, by column order then category order.
    public var missingCategories: [MissingCategory]
    /// Categories the real rows have, over the categorical columns compared.
    public var realCategoryCount: Int
    /// Per categorical column with at least two real categories, in column order.
    public var minorityRecalls: [MinorityRecall]

    /// `distinctRows / syntheticRows`; `nil` for an empty synthetic table.
    public var distinctRowShare: Double? {
        syntheticRows == 0 ? nil : Double(distinctRows) / Double(syntheticRows)
    }

    /// The worst column's minority recall; `nil` when no column has two real categories.
    public var worstMinorityRecall: MinorityRecall? {
        minorityRecalls.min { $0.recall < $1.recall }
    }

    /// Measures `synthetic` against `real`. Columns are matched by name; the categorical ones are those
    /// `schema` calls categorical, ordinal or boolean (a column absent from `schema` is inferred from
    /// its storage type).
    public init(real: Table, synthetic: Table, schema: TableSchema) {
        syntheticRows = synthetic.rowCount
        var seen = Set<[String?]>()
        seen.reserveCapacity(synthetic.rowCount)
        for row in 0..<synthetic.rowCount {
            seen.insert(synthetic.columns.map { $0.values.text(at: row) })
        }
        distinctRows = seen.count
        missingCategories = []
        minorityRecalls = []
        realCategoryCount = 0
        for column in real.columns {
            let type = schema.types[column.name] ?? SemanticType.inferred(from: column.type)
            guard type != .numerical, let other = synthetic.column(named: column.name) else { continue }
            let joint = JointLabels(real: column, synthetic: other)
            var realCounts = [Int](repeating: 0, count: joint.labels.count)
            var syntheticCounts = [Int](repeating: 0, count: joint.labels.count)
            for code in joint.real where code >= 0 { realCounts[Int(code)] += 1 }
            for code in joint.synthetic where code >= 0 { syntheticCounts[Int(code)] += 1 }
            let present = (0..<joint.realLabelCount).filter { realCounts[$0] > 0 }
            realCategoryCount += present.count
            for code in present where syntheticCounts[code] == 0 {
                missingCategories.append(
                    MissingCategory(column: column.name, category: joint.labels[code], realCount: realCounts[code]))
            }
            guard present.count >= 2, let rarest = present.min(by: { realCounts[$0] < realCounts[$1] }) else {
                continue
            }
            let realTotal = present.reduce(0) { $0 + realCounts[$1] }
            let syntheticTotal = syntheticCounts.reduce(0, +)
            let realShare = Double(realCounts[rarest]) / Double(realTotal)
            let syntheticShare = syntheticTotal == 0 ? 0 : Double(syntheticCounts[rarest]) / Double(syntheticTotal)
            minorityRecalls.append(
                MinorityRecall(
                    column: column.name, category: joint.labels[rarest], realShare: realShare,
                    syntheticShare: syntheticShare, recall: min(1, syntheticShare / realShare)))
        }
    }
}
