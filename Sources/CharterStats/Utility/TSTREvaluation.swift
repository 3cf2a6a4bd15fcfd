public import CharterData

/// Train-on-synthetic/test-on-real (TSTR), train-on-real/test-on-synthetic (TRTS) and the
/// train-on-real baseline (TRTR) under a pinned ``TSTRProtocol``, overall and per subgroup.
///
/// TRTR: fit train, score holdout. TSTR: fit synthetic, score holdout. TRTS: fit train, score
/// synthetic. Ratio = AUC(TSTR)/AUC(TRTR). Subgroup AUCs restrict the full-population scores to one
/// value of the subgroup column; the fairness gap is the largest minus the smallest subgroup value.
/// An AUC is `nil` (never NaN) when the scored rows lack positives or negatives.
public struct TSTREvaluation: Sendable, Equatable {
    /// Why the evaluation cannot run.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case unknownColumn(String)
        case noRows(table: String)
        case singleClass(table: String)
        case encoding(FeatureEncoder.Failure)
        case model(LogisticRegression.Failure)

        public var description: String {
            switch self {
            case .unknownColumn(let name): "column '\(name)' is not in the tables"
            case .noRows(let table): "the \(table) table has no rows with a usable target"
            case .singleClass(let table): "the \(table) table has only one target class, so no model can be fitted"
            case .encoding(.noValues(let column)): "feature '\(column)' has no values in the table a model is fitted on"
            case .encoding(.unknownColumn(let column)): "feature '\(column)' is missing from a table"
            case .model(let failure): "logistic regression failed: \(failure)"
            }
        }
    }

    /// A fitted model and what it learned.
    public struct Model: Sendable, Equatable {
        public var encoder: FeatureEncoder
        public var regression: LogisticRegression
    }

    /// AUCs of one group of rows.
    public struct Scores: Sendable, Equatable {
        public var aucTRTR: Double?
        public var aucTSTR: Double?
        public var aucTRTS: Double?
        public var nHoldout: Int
        public var nSynthetic: Int
        public var positivesHoldout: Int
        public var positivesSynthetic: Int
        /// DeLong's AUCs and covariance of the TRTR (index 0) and TSTR (index 1) scores on the same
        /// holdout rows; `nil` when the holdout rows lack a class.
        public var holdoutDeLong: DeLong?
        /// DeLong's AUC and variance of the TRTS scores on the synthetic rows.
        public var syntheticDeLong: DeLong?

        /// AUC(TSTR)/AUC(TRTR), `nil` when either is undefined or TRTR is 0.
        public var ratio: Double? {
            guard let tstr = aucTSTR, let trtr = aucTRTR, trtr > 0 else { return nil }
            return tstr / trtr
        }

        /// AUC(TRTS)/AUC(TRTR), `nil` when either is undefined or TRTR is 0.
        public var trtsRatio: Double? {
            guard let trts = aucTRTS, let trtr = aucTRTR, trtr > 0 else { return nil }
            return trts / trtr
        }

        /// The interval of the TSTR/TRTR ratio: both AUCs score the same holdout rows, so DeLong's
        /// covariance of the pair enters the delta method (``DeLong/ratioInterval(numerator:denominator:level:)``).
        /// The synthetic table is held fixed: the interval is the holdout's sampling error.
        public func ratioInterval(level: Double) -> Uncertainty? {
            holdoutDeLong?.ratioInterval(numerator: 1, denominator: 0, level: level)
        }

        /// The interval of the TRTS/TRTR ratio: the AUCs score different rows (synthetic and
        /// holdout), so they are independent and the delta method has no covariance term.
        public func trtsRatioInterval(level: Double) -> Uncertainty? {
            guard let holdout = holdoutDeLong, let synthetic = syntheticDeLong else { return nil }
            return DeLong.ratioInterval(
                numerator: (synthetic.aucs[0], synthetic.covariance[0][0]),
                denominator: (holdout.aucs[0], holdout.covariance[0][0]), covariance: 0, level: level,
                method: "DeLong, independent samples, delta method on the log ratio")
        }

        /// DeLong intervals of the three AUCs (`nil` where the AUC is undefined).
        public func aucIntervals(level: Double) -> (trtr: Uncertainty?, tstr: Uncertainty?, trts: Uncertainty?) {
            (
                holdoutDeLong?.interval(0, level: level), holdoutDeLong?.interval(1, level: level),
                syntheticDeLong?.interval(0, level: level)
            )
        }
    }

    public var evaluationProtocol: TSTRProtocol
    /// The feature columns, in table order.
    public var features: [String]
    public var numericFeatures: [String]
    public var oneHotFeatures: [String]
    /// Rows used after leaving out missing and dropped target values.
    public var nTrain: Int
    public var positivesTrain: Int
    public var overall: Scores
    public var modelFitOnRealTrain: Model
    public var modelFitOnSynthetic: Model
    /// Subgroup value → scores, values sorted by text.
    public var subgroups: [(value: String, scores: Scores)]
    /// The smallest gap between a positive's and a negative's score, per AUC.
    public var minPositiveNegativeGap: (trtr: Double?, tstr: Double?, trts: Double?)

    public static func == (lhs: TSTREvaluation, rhs: TSTREvaluation) -> Bool {
        lhs.evaluationProtocol == rhs.evaluationProtocol && lhs.features == rhs.features && lhs.overall == rhs.overall
            && lhs.modelFitOnRealTrain == rhs.modelFitOnRealTrain && lhs.modelFitOnSynthetic == rhs.modelFitOnSynthetic
            && lhs.subgroups.map(\.value) == rhs.subgroups.map(\.value)
            && lhs.subgroups.map(\.scores) == rhs.subgroups.map(\.scores)
    }

    /// The largest minus the smallest subgroup value of TSTR AUC and of the TSTR/TRTR ratio,
    /// over subgroups where it is defined; `nil` with fewer than two such subgroups.
    public var fairnessGap: (aucTSTR: Double?, ratio: Double?) {
        func gap(_ values: [Double]) -> Double? {
            guard values.count >= 2, let high = values.max(), let low = values.min() else { return nil }
            return high - low
        }
        return (gap(subgroups.compactMap(\.scores.aucTSTR)), gap(subgroups.compactMap(\.scores.ratio)))
    }

    /// Runs the protocol on the three tables (same columns).
    public init(
        train: Table, holdout: Table, synthetic: Table, schema: TableSchema, protocol evaluationProtocol: TSTRProtocol
    ) throws(Failure) {
        self.evaluationProtocol = evaluationProtocol
        let p = evaluationProtocol
        for name in [p.target] + p.excludedColumns + (p.subgroupColumn.map { [$0] } ?? [])
        where train.column(named: name) == nil {
            throw .unknownColumn(name)
        }
        let (trainRows, trainLabels) = Self.labelled(train, p)
        let (holdoutRows, holdoutLabels) = Self.labelled(holdout, p)
        let (syntheticRows, syntheticLabels) = Self.labelled(synthetic, p)
        for (name, labels) in [("train", trainLabels), ("holdout", holdoutLabels), ("synthetic", syntheticLabels)]
        where labels.isEmpty {
            throw .noRows(table: name)
        }
        for (name, labels) in [("train", trainLabels), ("synthetic", syntheticLabels)]
        where !labels.contains(true) || !labels.contains(false) {
            throw .singleClass(table: name)
        }
        let trainTable = train.selectingRows(trainRows)
        let holdoutTable = holdout.selectingRows(holdoutRows)
        let syntheticTable = synthetic.selectingRows(syntheticRows)
        let excluded = Set([p.target] + p.excludedColumns)
        features = train.columnNames.filter { !excluded.contains($0) }
        do {
            let realEncoder = try FeatureEncoder(fitting: trainTable, features: features, schema: schema)
            let syntheticEncoder = try FeatureEncoder(fitting: syntheticTable, features: features, schema: schema)
            numericFeatures = realEncoder.numeric.map(\.column)
            oneHotFeatures = realEncoder.oneHot.map(\.column)
            let real = try LogisticRegression(
                features: realEncoder.encode(trainTable), labels: trainLabels, c: p.c)
            let synthetic = try LogisticRegression(
                features: syntheticEncoder.encode(syntheticTable), labels: syntheticLabels, c: p.c)
            modelFitOnRealTrain = Model(encoder: realEncoder, regression: real)
            modelFitOnSynthetic = Model(encoder: syntheticEncoder, regression: synthetic)
            let trtrScores = real.decisionFunction(try realEncoder.encode(holdoutTable))
            let tstrScores = synthetic.decisionFunction(try syntheticEncoder.encode(holdoutTable))
            let trtsScores = real.decisionFunction(try realEncoder.encode(syntheticTable))
            nTrain = trainLabels.count
            positivesTrain = trainLabels.filter { $0 }.count
            overall = Self.scores(
                trtr: trtrScores, tstr: tstrScores, trts: trtsScores, holdoutLabels: holdoutLabels,
                syntheticLabels: syntheticLabels, holdoutRows: Array(holdoutLabels.indices),
                syntheticRows: Array(syntheticLabels.indices))
            minPositiveNegativeGap = (
                Self.minimumGap(trtrScores, holdoutLabels), Self.minimumGap(tstrScores, holdoutLabels),
                Self.minimumGap(trtsScores, syntheticLabels)
            )
            var groups: [(String, Scores)] = []
            if let column = p.subgroupColumn, let h = holdoutTable.column(named: column),
                let s = syntheticTable.column(named: column)
            {
                let hv = LabelView(h)
                let sv = LabelView(s)
                let values = Set(hv.labels + sv.labels).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                for value in values {
                    let hRows = hv.codes.indices.filter { hv.codes[$0] >= 0 && hv.labels[Int(hv.codes[$0])] == value }
                    let sRows = sv.codes.indices.filter { sv.codes[$0] >= 0 && sv.labels[Int(sv.codes[$0])] == value }
                    groups.append(
                        (
                            value,
                            Self.scores(
                                trtr: trtrScores, tstr: tstrScores, trts: trtsScores, holdoutLabels: holdoutLabels,
                                syntheticLabels: syntheticLabels, holdoutRows: hRows, syntheticRows: sRows)
                        ))
                }
            }
            subgroups = groups.map { (value: $0.0, scores: $0.1) }
        } catch let failure as FeatureEncoder.Failure {
            throw .encoding(failure)
        } catch let failure as LogisticRegression.Failure {
            throw .model(failure)
        } catch {
            throw .model(.singularSystem)
        }
    }

    /// The rows with a usable target and their labels (positive = target text equals the positive
    /// label; numeric targets compare as numbers).
    static func labelled(_ table: Table, _ p: TSTRProtocol) -> (rows: [Int], labels: [Bool]) {
        guard let column = table.column(named: p.target) else { return ([], []) }
        let view = LabelView(column)
        let positiveNumber = NumberParsing.parse(p.positiveLabel)
        let droppedNumbers = p.droppedTargetLabels.compactMap(NumberParsing.parse)
        var rows: [Int] = []
        var labels: [Bool] = []
        let numeric: NumericValues? = if case .numeric(let values) = column.values { values } else { nil }
        if case .boolean(let values) = column.values {
            // Booleans compare case-insensitively: `true`, `True` and `TRUE` name the same value.
            let positive = p.positiveLabel.lowercased() == "true"
            let dropped = Set(
                p.droppedTargetLabels.compactMap { label -> Bool? in
                    let lower = label.lowercased()
                    return lower == "true" ? true : (lower == "false" ? false : nil)
                })
            for row in 0..<table.rowCount where !values.isMissing[row] && !dropped.contains(values.values[row]) {
                rows.append(row)
                labels.append(values.values[row] == positive)
            }
            return (rows, labels)
        }
        for row in 0..<table.rowCount {
            let code = view.codes[row]
            guard code >= 0 else { continue }
            if let numeric {
                let value = numeric.values[row]
                if droppedNumbers.contains(value) { continue }
                rows.append(row)
                labels.append(value == positiveNumber)
            } else {
                let text = view.labels[Int(code)]
                if p.droppedTargetLabels.contains(text) { continue }
                rows.append(row)
                labels.append(text == p.positiveLabel)
            }
        }
        return (rows, labels)
    }

    static func scores(
        trtr: [Double], tstr: [Double], trts: [Double], holdoutLabels: [Bool], syntheticLabels: [Bool],
        holdoutRows: [Int], syntheticRows: [Int]
    ) -> Scores {
        let hLabels = holdoutRows.map { holdoutLabels[$0] }
        let sLabels = syntheticRows.map { syntheticLabels[$0] }
        let trtrScores = holdoutRows.map { trtr[$0] }
        let tstrScores = holdoutRows.map { tstr[$0] }
        let trtsScores = syntheticRows.map { trts[$0] }
        return Scores(
            aucTRTR: ROCAUC.compute(scores: trtrScores, labels: hLabels),
            aucTSTR: ROCAUC.compute(scores: tstrScores, labels: hLabels),
            aucTRTS: ROCAUC.compute(scores: trtsScores, labels: sLabels),
            nHoldout: holdoutRows.count, nSynthetic: syntheticRows.count,
            positivesHoldout: hLabels.filter { $0 }.count, positivesSynthetic: sLabels.filter { $0 }.count,
            holdoutDeLong: DeLong(scores: [trtrScores, tstrScores], labels: hLabels),
            syntheticDeLong: DeLong(scores: [trtsScores], labels: sLabels))
    }

    /// min |s⁺ − s⁻| over positive/negative pairs, by a merge over sorted scores.
    static func minimumGap(_ scores: [Double], _ labels: [Bool]) -> Double? {
        let positives = zip(scores, labels).filter { $0.1 }.map(\.0).sorted()
        let negatives = zip(scores, labels).filter { !$0.1 }.map(\.0).sorted()
        guard !positives.isEmpty, !negatives.isEmpty else { return nil }
        var best = Double.infinity
        var j = 0
        for value in positives {
            while j + 1 < negatives.count && negatives[j + 1] <= value { j += 1 }
            best = min(best, abs(value - negatives[j]))
            if j + 1 < negatives.count { best = min(best, abs(negatives[j + 1] - value)) }
        }
        return best
    }
}
