public import CharterData

/// scipy's per-column two-sample tests between real and synthetic data: KS for numerical columns
/// (raw values, missing dropped) and chi-squared on the 2 × K table of counts for the others.
public struct ColumnTests: Sendable, Equatable {
    /// One numerical column's KS test.
    public struct KS: Sendable, Equatable {
        public var column: String
        /// `nil` when a table has no values (with ``note``).
        public var test: KolmogorovSmirnovTest?
        public var realMissing: Int
        public var syntheticMissing: Int
        public var note: String?
    }

    /// One categorical column's chi-squared test.
    public struct ChiSquared: Sendable, Equatable {
        public var column: String
        /// The union of present categories, sorted by text.
        public var categories: [String]
        public var realCounts: [Int]
        public var syntheticCounts: [Int]
        public var realMissing: Int
        public var syntheticMissing: Int
        /// scipy's default (Yates when dof = 1); `nil` with ``note`` when undefined.
        public var test: ChiSquaredContingencyTest?
        /// Without Yates' correction, recorded when dof = 1.
        public var uncorrected: ChiSquaredContingencyTest?
        public var note: String?
    }

    public var ks: [KS]
    public var chiSquared: [ChiSquared]

    /// Runs the tests for every column.
    public init(real: Table, synthetic: Table, schema: TableSchema) {
        precondition(real.columnNames == synthetic.columnNames, "tables differ in columns")
        var ks: [KS] = []
        var chi: [ChiSquared] = []
        for (index, name) in real.columnNames.enumerated() {
            let r = real.columns[index]
            let s = synthetic.columns[index]
            if schema.types[name] == .numerical, let rv = r.numericView, let sv = s.numericView {
                let rp = rv.present
                let sp = sv.present
                let test = try? KolmogorovSmirnovTest(rp, sp)
                ks.append(
                    KS(
                        column: name, test: test, realMissing: rv.values.count - rp.count,
                        syntheticMissing: sv.values.count - sp.count,
                        note: test == nil ? "no values in one of the tables" : nil))
            } else {
                let joint = JointLabels(real: r, synthetic: s)
                let order = joint.labels.indices.sorted {
                    joint.labels[$0].utf8.lexicographicallyPrecedes(joint.labels[$1].utf8)
                }
                var realCounts = [Int](repeating: 0, count: joint.labels.count)
                var syntheticCounts = realCounts
                var realMissing = 0
                var syntheticMissing = 0
                for code in joint.real { if code < 0 { realMissing += 1 } else { realCounts[Int(code)] += 1 } }
                for code in joint.synthetic {
                    if code < 0 { syntheticMissing += 1 } else { syntheticCounts[Int(code)] += 1 }
                }
                let rc = order.map { realCounts[$0] }
                let sc = order.map { syntheticCounts[$0] }
                let table = [rc.map(Double.init), sc.map(Double.init)]
                let test = try? ChiSquaredContingencyTest(table)
                let uncorrected =
                    test?.degreesOfFreedom == 1 ? try? ChiSquaredContingencyTest(table, correction: false) : nil
                chi.append(
                    ChiSquared(
                        column: name, categories: order.map { joint.labels[$0] }, realCounts: rc, syntheticCounts: sc,
                        realMissing: realMissing, syntheticMissing: syntheticMissing, test: test,
                        uncorrected: uncorrected,
                        note: test == nil ? "undefined: a table has no values in this column" : nil))
            }
        }
        self.ks = ks
        chiSquared = chi
    }
}

/// Pearson and Spearman matrices of one table over its numeric-valued columns, like pandas
/// `DataFrame.corr` (pairwise-complete; `nil` where a column is constant on the complete rows).
public struct CorrelationMatrices: Sendable, Equatable {
    /// The columns, in table order: numerical columns and ordinal columns whose values are all numbers.
    public var columns: [String]
    public var pearson: [[Double?]]
    public var spearman: [[Double?]]

    /// The columns both tables can correlate.
    public static func basis(real: Table, schema: TableSchema) -> [String] {
        real.columns.filter { column in
            switch schema.types[column.name] {
            case .numerical: column.type == .numeric
            case .ordinal: column.numericView != nil
            default: false
            }
        }.map(\.name)
    }

    /// The matrices of `table` over `columns`. Columns without numbers give `nil` rows.
    public init(_ table: Table, columns: [String]) {
        self.columns = columns
        let views = columns.map { name -> (values: [Double], missing: [Bool]) in
            guard let view = table.column(named: name)?.numericView else {
                return ([Double](repeating: 0, count: table.rowCount), [Bool](repeating: true, count: table.rowCount))
            }
            return (view.values, view.isMissing)
        }
        pearson = Correlation.matrix(views, spearman: false)
        spearman = Correlation.matrix(views, spearman: true)
    }
}
