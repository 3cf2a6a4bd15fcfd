public import CharterCore
public import CharterData
internal import CharterPrivacy
public import CharterStats

/// Every quantity the gates can check, measured once on the training, holdout and synthetic rows,
/// with the certificate's privacy, utility and fairness sections built from the same numbers.
public struct GateMeasurements: Sendable {
    /// A measured value, or why there is none.
    public struct Measure: Sendable, Equatable {
        public var value: Double?
        public var note: String?
        /// The value's interval at the requested level; `nil` for exact counts and measures without one.
        public var uncertainty: Uncertainty?

        public init(_ value: Double?, note: String? = nil, uncertainty: Uncertainty? = nil) {
            self.value = value
            self.note = note
            self.uncertainty = uncertainty
        }
    }

    /// What the measurements need besides the tables.
    public struct Inputs: Sendable {
        public var train: Table
        public var holdout: Table
        public var synthetic: Table
        public var schema: TableSchema
        public var quasiIdentifiers: [String]
        public var sensitive: [String]
        public var protected: [String]
        public var target: String?
        /// The seed of the membership-inference attack's sampling.
        public var seed: UInt64
        /// The smallest class size k-anonymity checks against (the strictest `k_min`), for counting
        /// synthetic rows in small training classes.
        public var smallClassThreshold: Int
        /// Whether DCR's interval is computed (16 subsamples of the reference sets): a run whose plan
        /// checks no DCR measure, and a sweep that reads only the estimates, skip the work.
        public var dcrInterval = true

        public init(
            train: Table, holdout: Table, synthetic: Table, schema: TableSchema, quasiIdentifiers: [String],
            sensitive: [String], protected: [String], target: String?, seed: UInt64, smallClassThreshold: Int
        ) {
            self.train = train
            self.holdout = holdout
            self.synthetic = synthetic
            self.schema = schema
            self.quasiIdentifiers = quasiIdentifiers
            self.sensitive = sensitive
            self.protected = protected
            self.target = target
            self.seed = seed
            self.smallClassThreshold = smallClassThreshold
        }
    }

    public var evaluation: EvaluationReport
    public var tstrProtocol: TSTRProtocol?
    /// Why TSTR could not be set up (no target, a target without two classes).
    public var tstrProblem: String?
    var kAnonymity: Result<KAnonymity, DisclosureInputError>?
    /// DCROverfittingProtection against each disjoint training sample as large as the holdout.
    var dcr: Result<[DCROverfittingProtection], DisclosureInputError>
    /// The share closer to training on subsamples of the reference sets
    /// (``dcrSubsamples(samples:holdout:synthetic:schema:seed:)``), for DCR's interval; `nil` when
    /// not asked for (``Inputs/dcrInterval``).
    var dcrReplicates: DCRSubsamples?
    /// The between-fit variance of the share closer to training over a parametric bootstrap of a DP
    /// fit (``FitBootstrap``), which DCR's interval adds; set by ``GateDraws``.
    var dcrFit: FitBootstrap.Term?
    /// The smallest training class (over the quasi-identifiers) that some synthetic row falls
    /// into; `nil` when no synthetic row shares its quasi-identifiers with a training row.
    var linkedK: Int?
    var newRowSynthesis: Result<NewRowSynthesis, DisclosureInputError>
    public var membershipInference: Result<MembershipInferenceAttack.Outcome, MeasureFailure>
    /// The attribute-inference attack (anonymeter's, knowing the quasi-identifiers) on each declared
    /// sensitive column, or on the target when none is declared; empty without quasi-identifiers.
    /// Reported, not gated.
    var attributeInference: [(secret: String, result: Result<AttributeInferenceResult, DisclosureInputError>)]
    /// Per protected attribute, the TSTR evaluation with that attribute's subgroups.
    public var fairness: [(attribute: String, result: Result<TSTREvaluation, TSTREvaluation.Failure>)]
    /// Mode-collapse measures of the synthetic rows against the training rows.
    public var diversity: DiversityReport

    /// A measurement that could not be made, with its reason.
    public struct MeasureFailure: Error, Sendable, Equatable {
        public var message: String
    }

    /// Measures everything. Tables must share column names and order.
    ///
    /// With `disclosure` false only fidelity, utility and fairness are measured (a further synthetic
    /// draw, whose rows are not published); every disclosure measure then reads "not measured".
    public init(
        _ inputs: Inputs, attack: MembershipInferenceAttack? = MembershipInferenceAttack.available,
        disclosure: Bool = true
    ) {
        let reportInputs = EvaluationReport.Inputs(
            train: inputs.train, holdout: inputs.holdout, synthetic: inputs.synthetic, schema: inputs.schema)
        if let target = inputs.target {
            // A request declares no positive class: the one rule picks 1/true, else the rarer class.
            do throws(PositiveClass.Problem) {
                let positive = try PositiveClass(target: target, in: inputs.train)
                tstrProtocol = TSTRProtocol(target: target, positiveLabel: positive.label)
            } catch {
                tstrProblem = error.message
            }
        } else {
            tstrProblem = "the request names no source.target"
        }
        evaluation = EvaluationReport(reportInputs, protocol: tstrProtocol)
        fairness =
            tstrProtocol.map { Self.fairnessEvaluations(inputs, synthetic: inputs.synthetic, protocol: $0) } ?? []
        diversity = DiversityReport(real: inputs.train, synthetic: inputs.synthetic, schema: inputs.schema)
        attributeInference = []
        guard disclosure else {
            let unmeasured = DisclosureInputError("not measured on a draw that is not published")
            dcr = .failure(unmeasured)
            newRowSynthesis = .failure(unmeasured)
            membershipInference = .failure(MeasureFailure(message: unmeasured.message))
            return
        }
        if !inputs.quasiIdentifiers.isEmpty {
            kAnonymity = Result { () throws(DisclosureInputError) in
                try KAnonymity(
                    train: inputs.train, synthetic: inputs.synthetic, quasiIdentifiers: inputs.quasiIdentifiers,
                    sensitive: inputs.sensitive.first, smallClassThreshold: max(1, inputs.smallClassThreshold))
            }
        }
        // DCROverfittingProtection compares the share of synthetic rows closer to training rows
        // with the share closer to holdout rows, which is fair only when both sets are the same
        // size (SDMetrics recommends equal halves). The training side is therefore split into
        // disjoint seeded samples as large as the holdout (at most four), and the shares averaged,
        // as SDMetrics averages its subsampling iterations.
        let samples = Self.dcrTrainingSamples(inputs)
        dcr = Self.dcr(samples: samples, inputs: inputs, synthetic: inputs.synthetic)
        if inputs.dcrInterval, case .success = dcr {
            dcrReplicates = Self.dcrSubsamples(
                samples: samples, holdout: inputs.holdout, synthetic: inputs.synthetic, schema: inputs.schema,
                seed: inputs.seed)
        }
        linkedK = Self.linkedK(inputs.train, inputs.synthetic, inputs.quasiIdentifiers)
        if !inputs.quasiIdentifiers.isEmpty {
            let secrets = (inputs.sensitive.isEmpty ? inputs.target.map { [$0] } ?? [] : inputs.sensitive)
                .filter { !inputs.quasiIdentifiers.contains($0) }
            for secret in secrets {
                let attack = AttributeInference(auxiliaryColumns: inputs.quasiIdentifiers, secret: secret)
                attributeInference.append(
                    (
                        secret,
                        Result { () throws(DisclosureInputError) in
                            try attack.measure(
                                train: inputs.train, holdout: inputs.holdout, synthetic: inputs.synthetic,
                                schema: inputs.schema)
                        }
                    ))
            }
        }
        newRowSynthesis = Result { () throws(DisclosureInputError) in
            try NewRowSynthesis(train: inputs.train, synthetic: inputs.synthetic, schema: inputs.schema)
        }
        if let attack {
            do {
                membershipInference = .success(
                    try attack.run(inputs.train, inputs.holdout, inputs.synthetic, inputs.schema, inputs.seed))
            } catch {
                membershipInference = .failure(MeasureFailure(message: "membership inference: \(error)"))
            }
        } else {
            membershipInference = .failure(
                MeasureFailure(message: "no membership-inference attack is available in this build"))
        }
    }

    /// DCR's training samples: disjoint seeded samples of the training rows as large as the holdout
    /// (at most four; the whole training table when it is not larger).
    static func dcrTrainingSamples(_ inputs: Inputs) -> [Table] {
        samples(inputs.train, rows: inputs.holdout.rowCount, count: 4, seed: inputs.seed)
    }

    /// DCROverfittingProtection of `synthetic` against each training sample and the holdout.
    static func dcr(samples: [Table], inputs: Inputs, synthetic: Table)
        -> Result<[DCROverfittingProtection], DisclosureInputError>
    {
        Result { () throws(DisclosureInputError) in
            try samples.map { sample throws(DisclosureInputError) in
                try DCROverfittingProtection(
                    train: sample, holdout: inputs.holdout, synthetic: synthetic, schema: inputs.schema)
            }
        }
    }

    /// Up to `count` disjoint samples of `rows` rows of `table`, drawn with SplitMix64 from
    /// `seed`, each in table order; the whole table when it has no more rows than that.
    static func samples(_ table: Table, rows: Int, count: Int, seed: UInt64) -> [Table] {
        guard rows > 0, rows < table.rowCount else { return [table] }
        var random = SplitMix64(seed: seed ^ 0x4443_5253_414D_504C)
        let indices = permutation(table.rowCount, &random)
        let chunks = min(count, table.rowCount / rows)
        return (0..<chunks).map { chunk in
            table.selectingRows(indices[(chunk * rows)..<((chunk + 1) * rows)].sorted())
        }
    }

    /// A seeded permutation of 0..<count (Fisher–Yates from the top, as the training samples and the
    /// DCR subsamples draw their rows).
    static func permutation(_ count: Int, _ random: inout SplitMix64) -> [Int] {
        var indices = Array(0..<count)
        for i in stride(from: count - 1, to: 0, by: -1) {
            indices.swapAt(i, Int(random.next() % UInt64(i + 1)))
        }
        return indices
    }

    /// The smallest training equivalence class over `quasiIdentifiers` that a synthetic row falls
    /// into (policies/README.md: k measured "on synthetic rows that fall into small classes of the
    /// training data"): a synthetic row whose quasi-identifiers match a class of one training row
    /// points at one real person; a row matching no training row points at nobody.
    static func linkedK(_ train: Table, _ synthetic: Table, _ quasiIdentifiers: [String]) -> Int? {
        let trainColumns = quasiIdentifiers.compactMap { train.column(named: $0)?.values }
        let syntheticColumns = quasiIdentifiers.compactMap { synthetic.column(named: $0)?.values }
        guard !quasiIdentifiers.isEmpty, trainColumns.count == quasiIdentifiers.count,
            syntheticColumns.count == quasiIdentifiers.count
        else { return nil }
        func key(_ columns: [ColumnValues], _ row: Int) -> [String?] { columns.map { $0.text(at: row) } }
        var sizes: [[String?]: Int] = [:]
        for row in 0..<train.rowCount { sizes[key(trainColumns, row), default: 0] += 1 }
        var smallest: Int?
        for row in 0..<synthetic.rowCount {
            if let size = sizes[key(syntheticColumns, row)] { smallest = min(smallest ?? size, size) }
        }
        return smallest
    }

    /// The value of a plan check's metric (`tstr.ratio`, `k_anonymity`, …), with its two-sided
    /// interval at `level` where the measure is sampled (AUCs and their ratios, the attack, DCR,
    /// new-row synthesis, the fairness gap).
    public func measure(
        _ metric: String, parameters: [String: JSONValue], spend: (epsilon: Double, delta: Double)?,
        level: Double = 0.95
    ) -> Measure {
        switch metric {
        case "epsilon_spent":
            return spend.map { Measure($0.epsilon) } ?? Measure(nil, note: "the generator reported no privacy spend")
        case "delta_spent":
            return spend.map { Measure($0.delta) } ?? Measure(nil, note: "the generator reported no privacy spend")
        case "k_anonymity":
            switch kAnonymity {
            case .success(let k)?:
                if parameters["table"]?.stringValue == "train" { return Measure(Double(k.train.k)) }
                let context =
                    "over \(k.quasiIdentifiers.joined(separator: ", ")): the smallest training class a synthetic row "
                    + "falls into (synthetic table's own k \(k.synthetic.k); \(k.syntheticRowsInSmallTrainClasses) "
                    + "synthetic rows in training classes under \(k.smallClassThreshold))"
                guard let linkedK else {
                    return Measure(
                        Double(k.train.rowCount),
                        note:
                            "no synthetic row shares its quasi-identifiers with a training row: k counted as all \(k.train.rowCount) training rows"
                    )
                }
                return Measure(Double(linkedK), note: context)
            case .failure(let error)?: return Measure(nil, note: error.message)
            case nil: return Measure(nil, note: "no quasi-identifiers declared")
            }
        case "l_diversity":
            switch kAnonymity {
            case .success(let k)?:
                guard let l = k.synthetic.distinctL else { return Measure(nil, note: "no sensitive column declared") }
                return Measure(Double(l), note: "distinct l over '\(k.sensitive ?? "")'")
            case .failure(let error)?: return Measure(nil, note: error.message)
            case nil: return Measure(nil, note: "no quasi-identifiers declared")
            }
        case "membership_inference.accuracy", "membership_inference.auc":
            switch membershipInference {
            case .success(let outcome):
                if metric.hasSuffix("accuracy") {
                    return Measure(
                        outcome.accuracy, note: outcome.attack, uncertainty: outcome.accuracyInterval(level: level))
                }
                return Measure(
                    outcome.auc, note: outcome.auc == nil ? "the attack gives no AUC" : outcome.attack,
                    uncertainty: outcome.aucInterval(level: level))
            case .failure(let failure): return Measure(nil, note: failure.message)
            }
        case "distance_to_closest_record.overfitting_protection":
            var measure = disclosure(dcr) { Self.dcrSummary($0).score }
            if case .success(let results) = dcr {
                measure.uncertainty = Self.dcrShareInterval(
                    results, subsamples: dcrReplicates, fit: dcrFit, level: level
                ).map(Self.dcrScoreInterval)
            }
            return measure
        case "distance_to_closest_record.closer_to_training":
            var measure = disclosure(dcr) { Self.dcrSummary($0).closerToTraining }
            if case .success(let results) = dcr {
                measure.uncertainty = Self.dcrShareInterval(
                    results, subsamples: dcrReplicates, fit: dcrFit, level: level)
            }
            return measure
        case "distance_to_closest_record.new_row_synthesis", "new_row_synthesis":
            var measure = disclosure(newRowSynthesis) { $0.score }
            if case .success(let rows) = newRowSynthesis, rows.newRows + rows.matchedRows > 0 {
                var interval = Uncertainty.wilson(
                    successes: Double(rows.newRows), trials: rows.newRows + rows.matchedRows, level: level)
                interval.estimate = rows.score
                interval.method = "Wilson score over the synthetic rows"
                measure.uncertainty = interval
            }
            return measure
        case "fidelity.column_shapes":
            return Measure(evaluation.quality.thresholdsDisabled.columnShapes, note: "SDMetrics Column Shapes")
        case "fidelity.column_pair_trends":
            return Measure(
                evaluation.quality.thresholdsDisabled.columnPairTrends, note: "SDMetrics Column Pair Trends, every pair"
            )
        case "fidelity.overall", "fidelity.quality":
            return Measure(evaluation.quality.thresholdsDisabled.overall, note: "SDMetrics quality score")
        case "fidelity.ks_complement", "fidelity.tv_complement", "fidelity.correlation_similarity":
            let name = Self.fidelityMinimumNames[metric] ?? metric
            guard let low = Self.fidelity(metric, evaluation.quality) else {
                return Measure(nil, note: "no column has a \(name) score")
            }
            let count =
                (name == "CorrelationSimilarity"
                ? evaluation.quality.pairs.map { ($0.metric, $0.score) }
                : evaluation.quality.shapes.map { ($0.metric, $0.score) }).filter { $0.0 == name && $0.1 != nil }.count
            return Measure(
                low, note: "the lowest \(name) over \(count) \(name == "CorrelationSimilarity" ? "pairs" : "columns")")
        case "tstr.ratio", "trts.ratio", "tstr.auc", "trts.auc":
            guard let tstr = evaluation.tstr else { return Measure(nil, note: tstrProblem) }
            switch tstr {
            case .success(let result):
                let scores = result.overall
                let aucs = scores.aucIntervals(level: level)
                switch metric {
                case "tstr.ratio":
                    return Measure(
                        scores.ratio, note: "AUC(synthetic → holdout) / AUC(train → holdout)",
                        uncertainty: scores.ratioInterval(level: level))
                case "tstr.auc": return Measure(scores.aucTSTR, uncertainty: aucs.tstr)
                case "trts.auc": return Measure(scores.aucTRTS, uncertainty: aucs.trts)
                default:
                    guard let ratio = scores.trtsRatio else { return Measure(nil, note: "TRTS or TRTR AUC undefined") }
                    return Measure(
                        ratio, note: "AUC(train → synthetic) / AUC(train → holdout)",
                        uncertainty: scores.trtsRatioInterval(level: level))
                }
            case .failure(let failure): return Measure(nil, note: failure.description)
            }
        case "fairness.tstr_gap", "fairness.ratio_gap":
            guard tstrProtocol != nil else { return Measure(nil, note: tstrProblem) }
            guard !fairness.isEmpty else { return Measure(nil, note: "no protected attribute declared") }
            var worst: Double?
            var worstInterval: Uncertainty?
            var notes: [String] = []
            for (attribute, result) in fairness {
                switch result {
                case .success(let evaluation):
                    guard let gap = Self.fairnessGap(metric, evaluation) else {
                        return Measure(nil, note: "'\(attribute)' has fewer than two subgroups with a defined AUC")
                    }
                    if gap > (worst ?? -.infinity) {
                        worst = gap
                        worstInterval = Self.gapInterval(
                            evaluation, ratio: metric == "fairness.ratio_gap", level: level)
                    }
                    notes.append("\(attribute): \(GateCheck.format(gap))")
                case .failure(let failure):
                    return Measure(nil, note: "'\(attribute)': \(failure.description)")
                }
            }
            return Measure(
                worst, note: "largest subgroup gap (" + notes.joined(separator: ", ") + ")", uncertainty: worstInterval)
        case "diversity.distinct_rows", "diversity.missing_categories", "diversity.minority_recall":
            return diversityMeasure(metric)
        default:
            return Measure(nil, note: "charter does not measure '\(metric)'")
        }
    }

    /// The mode-collapse measures (``DiversityReport``): exact counts over the released rows, no interval.
    func diversityMeasure(_ metric: String) -> Measure {
        switch metric {
        case "diversity.distinct_rows":
            guard let share = diversity.distinctRowShare else { return Measure(nil, note: "no synthetic rows") }
            return Measure(
                share, note: "\(diversity.distinctRows) distinct of \(diversity.syntheticRows) synthetic rows")
        case "diversity.missing_categories":
            let missing = diversity.missingCategories
            let named = missing.prefix(5).map { "\($0.column) = \($0.category)" }.joined(separator: ", ")
            return Measure(
                Double(missing.count),
                note: missing.isEmpty
                    ? "all \(diversity.realCategoryCount) categories of the training rows occur"
                    : "missing: \(named)\(missing.count > 5 ? ", …" : "") (of \(diversity.realCategoryCount))")
        default:
            guard let worst = diversity.worstMinorityRecall else {
                return Measure(nil, note: "no categorical column has two categories in the training rows")
            }
            return Measure(
                worst.recall,
                note: "lowest over \(diversity.minorityRecalls.count) columns: '\(worst.column)' rarest category "
                    + "'\(worst.category)' at \(GateCheck.format(worst.syntheticShare)) of synthetic rows vs "
                    + "\(GateCheck.format(worst.realShare)) of training rows")
        }
    }

    /// The share closer to training averaged over the samples, and SDMetrics' score from it.
    static func dcrSummary(_ results: [DCROverfittingProtection]) -> (closerToTraining: Double, score: Double) {
        let share = results.map(\.closerToTraining).reduce(0, +) / Double(max(1, results.count))
        return (share, dcrScore(share))
    }

    /// SDMetrics' DCR overfitting protection score of a share closer to training.
    static func dcrScore(_ share: Double) -> Double { min(1, 2 * (1 - share)) }

    /// The score's interval from the share's: the score falls as the share rises.
    package static func dcrScoreInterval(_ share: Uncertainty) -> Uncertainty {
        share.mapped("min(1, 2(1 - share))", increasing: false, dcrScore)
    }

    /// Per protected attribute, TSTR on `synthetic` with that attribute's subgroups.
    static func fairnessEvaluations(_ inputs: Inputs, synthetic: Table, protocol evaluationProtocol: TSTRProtocol)
        -> [(attribute: String, result: Result<TSTREvaluation, TSTREvaluation.Failure>)]
    {
        inputs.protected.map { attribute in
            var subgroups = evaluationProtocol
            subgroups.subgroupColumn = attribute
            return (
                attribute,
                Result { () throws(TSTREvaluation.Failure) in
                    try TSTREvaluation(
                        train: inputs.train, holdout: inputs.holdout, synthetic: synthetic, schema: inputs.schema,
                        protocol: subgroups)
                }
            )
        }
    }

    /// A fairness metric's gap on one protected attribute's evaluation: the TSTR AUC gap or the
    /// TSTR/TRTR ratio gap between the extreme subgroups; `nil` with fewer than two defined.
    static func fairnessGap(_ metric: String, _ evaluation: TSTREvaluation) -> Double? {
        metric == "fairness.tstr_gap" ? evaluation.fairnessGap.aucTSTR : evaluation.fairnessGap.ratio
    }

    /// The interval of a fairness gap: the gap between the two extreme subgroups, whose holdout rows
    /// are disjoint, so their DeLong variances add (for the ratio gap, each subgroup's TSTR/TRTR
    /// interval's variance on the log scale is carried back by the delta method). Conditional on
    /// which subgroups are extreme, as the gap itself is.
    static func gapInterval(_ evaluation: TSTREvaluation, ratio: Bool, level: Double) -> Uncertainty? {
        var values: [(value: Double, variance: Double)] = []
        for (_, scores) in evaluation.subgroups {
            guard let d = scores.holdoutDeLong else { continue }
            if ratio {
                guard let r = scores.ratio, d.aucs[0] > 0, d.aucs[1] > 0 else { continue }
                let a = d.aucs[1]
                let b = d.aucs[0]
                let logVariance =
                    d.covariance[1][1] / (a * a) + d.covariance[0][0] / (b * b) - 2 * d.covariance[0][1] / (a * b)
                values.append((r, max(0, logVariance) * r * r))
            } else {
                values.append((d.aucs[1], d.covariance[1][1]))
            }
        }
        guard values.count >= 2, let high = values.max(by: { $0.value < $1.value }),
            let low = values.min(by: { $0.value < $1.value })
        else { return nil }
        let gap = high.value - low.value
        let half = Uncertainty.z(level: level) * (high.variance + low.variance).squareRoot()
        return Uncertainty(
            estimate: gap, lower: max(0, gap - half), upper: gap + half, level: level,
            method: "DeLong, extreme subgroups' variances added (disjoint holdout rows)")
    }

    private func disclosure<T>(_ result: Result<T, DisclosureInputError>, _ value: (T) -> Double) -> Measure {
        switch result {
        case .success(let measured): Measure(value(measured))
        case .failure(let error): Measure(nil, note: error.message)
        }
    }

    static let fidelityMinimumNames = [
        "fidelity.ks_complement": "KSComplement", "fidelity.tv_complement": "TVComplement",
        "fidelity.correlation_similarity": "CorrelationSimilarity",
    ]

    /// A fidelity metric's value on a quality report (the lowest per-column or per-pair score for
    /// the `_complement` and `correlation_similarity` metrics), `nil` when undefined or not fidelity.
    static func fidelity(_ metric: String, _ quality: QualityReport) -> Double? {
        switch metric {
        case "fidelity.column_shapes": return quality.thresholdsDisabled.columnShapes
        case "fidelity.column_pair_trends": return quality.thresholdsDisabled.columnPairTrends
        case "fidelity.overall", "fidelity.quality": return quality.thresholdsDisabled.overall
        case "fidelity.ks_complement", "fidelity.tv_complement":
            let name = fidelityMinimumNames[metric]
            return quality.shapes.filter { $0.metric == name }.compactMap(\.score).min()
        case "fidelity.correlation_similarity":
            return quality.pairs.filter { $0.metric == "CorrelationSimilarity" }.compactMap(\.score).min()
        default: return nil
        }
    }
}
