public import CharterData

/// SDMetrics 0.32's single-table Quality Report: Column Shapes, Column Pair Trends (with the
/// default thresholds and with them disabled) and the overall score.
///
/// - Column Shapes: KSComplement for numerical columns, TVComplement for categorical, ordinal and
///   boolean ones; the mean over columns with a score.
/// - Column Pair Trends: numerical × numerical pairs use CorrelationSimilarity, every other pair
///   ContingencySimilarity (numerical columns binned into 10 bins on each table's own range,
///   missing kept as a value). With default thresholds a pair counts only when |r_R| > 0.5
///   (numerical pairs) or Cramér's V of the real table > 0.3 (other pairs).
/// - Overall = nanmean(Column Shapes, Column Pair Trends).
///
/// Undefined results are explicit: a metric that SDMetrics would make NaN or raise on (an empty or
/// all-missing column, a constant column in a correlation) has a `nil` score and a ``note`` saying
/// why, and is left out of every mean. Unlike SDMetrics, nothing is subsampled: every row is used
/// (SDMetrics draws 50,000 rows at random for contingency tables above that size).
public struct QualityReport: Sendable, Equatable {
    /// One column's shape score.
    public struct ColumnShape: Sendable, Equatable {
        public var column: String
        public var semanticType: SemanticType
        /// `KSComplement` or `TVComplement`.
        public var metric: String
        public var score: Double?
        /// Why the score is undefined.
        public var note: String?
    }

    /// One column pair's trend score.
    public struct ColumnPair: Sendable, Equatable {
        public var column1: String
        public var column2: String
        /// `CorrelationSimilarity` or `ContingencySimilarity`.
        public var metric: String
        /// The score with thresholds disabled.
        public var score: Double?
        /// The score when the pair counts under the default thresholds, else `nil`.
        public var scoreDefaultThresholds: Double?
        public var meetsDefaultThreshold: Bool
        public var realCorrelation: Double?
        public var syntheticCorrelation: Double?
        public var realCramersV: Double?
        /// Why the score is undefined.
        public var note: String?
    }

    /// The three report scores under one threshold setting.
    public struct Scores: Sendable, Equatable {
        public var columnShapes: Double?
        public var columnPairTrends: Double?
        public var overall: Double?
        public var columnCount: Int
        public var pairCount: Int
        public var contributingPairCount: Int
        public var realCorrelationThreshold: Double
        public var realAssociationThreshold: Double
    }

    /// SDMetrics' default thresholds (since 0.27).
    public static let defaultCorrelationThreshold = 0.5
    public static let defaultAssociationThreshold = 0.3

    public var shapes: [ColumnShape]
    public var pairs: [ColumnPair]
    /// The mixed-pair bin edges of each numerical column: (real, synthetic); `nil` when empty.
    public var binEdges: [String: (real: [Double]?, synthetic: [Double]?)]
    public var defaultThresholds: Scores
    public var thresholdsDisabled: Scores

    public static func == (lhs: QualityReport, rhs: QualityReport) -> Bool {
        lhs.shapes == rhs.shapes && lhs.pairs == rhs.pairs && lhs.defaultThresholds == rhs.defaultThresholds
            && lhs.thresholdsDisabled == rhs.thresholdsDisabled
    }

    /// The definition followed, for reports.
    public static let definition =
        "sdmetrics.reports.single_table.QualityReport, SDMetrics \(SDMetrics.version) (no subsampling)"

    /// Computes the report. Both tables must have the same column names in the same order.
    /// - Complexity: O(rows × columns²) for the pairs plus a sort per numerical column.
    public init(real: Table, synthetic: Table, schema: TableSchema) {
        precondition(real.columnNames == synthetic.columnNames, "tables differ in columns")
        let names = real.columnNames
        let count = names.count
        let types = names.map { schema.types[$0] ?? .categorical }
        var shapes: [ColumnShape] = []
        var binEdges: [String: (real: [Double]?, synthetic: [Double]?)] = [:]
        // Per column, the codes used in pairs (dense, missing included) and their cardinality.
        var pairCodes: [(real: [Int32], synthetic: [Int32], cardinality: Int)] = []
        var numeric: [(real: NumericValues, synthetic: NumericValues)?] = []
        for index in 0..<count {
            let r = real.columns[index]
            let s = synthetic.columns[index]
            if types[index] == .numerical, let rv = r.numericView, let sv = s.numericView {
                let score = SDMetrics.ksComplement(real: rv.present, synthetic: sv.present)
                shapes.append(
                    ColumnShape(
                        column: names[index], semanticType: types[index], metric: "KSComplement", score: score,
                        note: score == nil ? "no values in one of the tables" : nil))
                let realEdges = SDMetrics.binEdges(rv.present)
                let syntheticEdges = SDMetrics.binEdges(sv.present)
                binEdges[names[index]] = (realEdges, syntheticEdges)
                pairCodes.append(
                    (
                        realEdges.map { SDMetrics.binCodes(rv.values, missing: rv.isMissing, edges: $0) }
                            ?? [Int32](repeating: 10, count: rv.values.count),
                        syntheticEdges.map { SDMetrics.binCodes(sv.values, missing: sv.isMissing, edges: $0) }
                            ?? [Int32](repeating: 10, count: sv.values.count),
                        11
                    ))
                numeric.append((rv, sv))
            } else {
                let joint = JointLabels(real: r, synthetic: s)
                let score = SDMetrics.tvComplement(
                    real: joint.real, synthetic: joint.synthetic, categoryCount: joint.labels.count)
                shapes.append(
                    ColumnShape(
                        column: names[index], semanticType: types[index], metric: "TVComplement", score: score,
                        note: score == nil ? "no values in one of the tables" : nil))
                let missingCode = Int32(joint.labels.count)
                pairCodes.append(
                    (
                        joint.real.map { $0 < 0 ? missingCode : $0 }, joint.synthetic.map { $0 < 0 ? missingCode : $0 },
                        joint.labels.count + 1
                    ))
                numeric.append(nil)
            }
        }
        var pairs: [ColumnPair] = []
        for i in 0..<count {
            for j in (i + 1)..<max(count, i + 1) {
                if let a = numeric[i], let b = numeric[j] {
                    let r = Correlation.pearson(
                        a.real.values, b.real.values, missingX: a.real.isMissing, missingY: b.real.isMissing)
                    let s = Correlation.pearson(
                        a.synthetic.values, b.synthetic.values, missingX: a.synthetic.isMissing,
                        missingY: b.synthetic.isMissing)
                    let score = SDMetrics.correlationSimilarity(realCorrelation: r, syntheticCorrelation: s)
                    let meets = r.map { abs($0) > Self.defaultCorrelationThreshold } ?? false
                    pairs.append(
                        ColumnPair(
                            column1: names[i], column2: names[j], metric: "CorrelationSimilarity", score: score,
                            scoreDefaultThresholds: meets ? score : nil, meetsDefaultThreshold: meets && score != nil,
                            realCorrelation: r, syntheticCorrelation: s, realCramersV: nil,
                            note: score == nil ? "correlation undefined: a column is constant or has under 2 rows" : nil
                        ))
                } else {
                    let a = pairCodes[i]
                    let b = pairCodes[j]
                    let result = SDMetrics.contingencySimilarity(
                        realA: a.real, realB: b.real, syntheticA: a.synthetic, syntheticB: b.synthetic,
                        cardinalityA: a.cardinality, cardinalityB: b.cardinality)
                    let v = result.flatMap {
                        SDMetrics.cramersV(
                            counts: $0.realCounts, cardinalityA: a.cardinality, cardinalityB: b.cardinality)
                    }
                    let meets = v.map { $0 > Self.defaultAssociationThreshold } ?? false
                    pairs.append(
                        ColumnPair(
                            column1: names[i], column2: names[j], metric: "ContingencySimilarity",
                            score: result?.score, scoreDefaultThresholds: meets ? result?.score : nil,
                            meetsDefaultThreshold: meets && result != nil, realCorrelation: nil,
                            syntheticCorrelation: nil, realCramersV: v,
                            note: result == nil ? "a table has no rows" : nil))
                }
            }
        }
        self.shapes = shapes
        self.pairs = pairs
        self.binEdges = binEdges
        let shapeScores = shapes.compactMap(\.score)
        let columnShapes = shapeScores.isEmpty ? nil : shapeScores.reduce(0, +) / Double(shapeScores.count)
        func scores(_ counting: [Double], correlation: Double, association: Double) -> Scores {
            let trends = counting.isEmpty ? nil : counting.reduce(0, +) / Double(counting.count)
            let parts = [columnShapes, trends].compactMap { $0 }
            return Scores(
                columnShapes: columnShapes, columnPairTrends: trends,
                overall: parts.isEmpty ? nil : parts.reduce(0, +) / Double(parts.count), columnCount: count,
                pairCount: pairs.count, contributingPairCount: counting.count, realCorrelationThreshold: correlation,
                realAssociationThreshold: association)
        }
        defaultThresholds = scores(
            pairs.compactMap(\.scoreDefaultThresholds), correlation: Self.defaultCorrelationThreshold,
            association: Self.defaultAssociationThreshold)
        thresholdsDisabled = scores(pairs.compactMap(\.score), correlation: 0, association: 0)
    }
}
