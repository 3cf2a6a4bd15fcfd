internal import CharterData
internal import CharterStats
internal import CharterSynth

/// The utility, fairness and fidelity measures over a parametric bootstrap of a differentially
/// private fit (issue 21).
///
/// One run fits one model, so the gates' draws and the holdout's DeLong intervals hold the holdout's
/// and the synthetic rows' sampling error but not the privacy noise in the fit, which is fixed for
/// the run. ``ParametricBootstrap`` re-noises the statistics the generator released, refits, and
/// samples one table of the published draw's size from each refit; each table is measured with the
/// same TSTR protocol, training rows and holdout as the gates (per protected attribute for the
/// fairness gaps, the largest gap as the gate takes it), and scored against the training rows for
/// the fidelity checks, and against the same training samples and holdout for DCR. The spread of a
/// measure over the replicates is its between-fit variance, which ``GateDraws`` adds to Rubin's
/// total variance (utility, fairness), to the training rows' bootstrap variance (fidelity) or to
/// DCR's binomial and jackknife variances.
///
/// Post-processing of released values with seeded randomness: no budget, and the same release and
/// seed give the same replicates.
struct FitBootstrap {
    /// The utility measures the bootstrap serves: TSTR/TRTS AUCs and their ratios to TRTR.
    static let metrics: Set<String> = ["tstr.ratio", "tstr.auc", "trts.auc", "trts.ratio"]
    /// The fairness gaps it serves.
    static let fairnessMetrics: Set<String> = ["fairness.tstr_gap", "fairness.ratio_gap"]

    /// DCR's measures: the bootstrap records the share closer to training under ``dcrShare``.
    static let dcrMetrics: Set<String> = [
        "distance_to_closest_record.overfitting_protection", "distance_to_closest_record.closer_to_training",
    ]
    /// The key of the share closer to training in ``values``.
    static let dcrShare = "distance_to_closest_record.closer_to_training"

    /// Whether the bootstrap measures `metric`: a utility measure, a fairness gap, a fidelity score
    /// or DCR.
    static func serves(_ metric: String) -> Bool {
        metrics.contains(metric) || fairnessMetrics.contains(metric) || metric.hasPrefix("fidelity.")
            || dcrMetrics.contains(metric)
    }

    /// The replicates refitted and sampled.
    var replicates: Int
    /// The bootstrap's seed.
    var seed: UInt64
    /// Per metric, its value on each replicate whose evaluation gave one.
    var values: [String: [Double]]

    /// Refits and measures; `nil` when the plan checks no measure the bootstrap serves
    /// (``serves(_:)``). Utility and fairness measures need a TSTR protocol (a target with two
    /// classes), fairness also a protected attribute; fidelity scores need neither.
    ///
    /// - Complexity: `replicates` refits and samples of `rowCount` rows, each with a TSTR evaluation
    ///   (one more per protected attribute for fairness) and a quality report where the plan checks
    ///   them.
    init?(
        release: any ReleasedStatistics, inputs: GateMeasurements.Inputs, rowCount: Int, seed: UInt64,
        checked: Set<String>, replicates: Int = ParametricBootstrap.defaultReplicates
    ) throws(GeneratorError) {
        let fidelity = checked.filter { $0.hasPrefix("fidelity.") }
        let fairness = inputs.protected.isEmpty ? [] : checked.intersection(Self.fairnessMetrics)
        var evaluationProtocol: TSTRProtocol?
        if !checked.isDisjoint(with: Self.metrics) || !fairness.isEmpty, let target = inputs.target,
            let positive = try? PositiveClass(target: target, in: inputs.train)
        {
            evaluationProtocol = TSTRProtocol(target: target, positiveLabel: positive.label)
        }
        let dcrSamples = checked.isDisjoint(with: Self.dcrMetrics) ? nil : GateMeasurements.dcrTrainingSamples(inputs)
        guard evaluationProtocol != nil || !fidelity.isEmpty || dcrSamples != nil else { return nil }
        let bootstrap = ParametricBootstrap(replicates: replicates, seed: seed)
        self.replicates = bootstrap.replicates
        self.seed = seed
        values = [:]
        for table in try bootstrap.tables(from: release, rowCount: rowCount) {
            if let evaluationProtocol,
                let evaluation = try? TSTREvaluation(
                    train: inputs.train, holdout: inputs.holdout, synthetic: table, schema: inputs.schema,
                    protocol: evaluationProtocol)
            {
                for (metric, value) in Self.measures(evaluation.overall) where checked.contains(metric) {
                    values[metric, default: []].append(value)
                }
            }
            if let evaluationProtocol, !fairness.isEmpty {
                for (metric, gap) in Self.largestGaps(
                    fairness, table: table, inputs: inputs, protocol: evaluationProtocol)
                {
                    values[metric, default: []].append(gap)
                }
            }
            if let dcrSamples {
                // As the gate measures it, on the synthetic rows or the same-sized subset the
                // interval's subsamples use (the replicate's rows are independent draws, so a prefix
                // is a random subset).
                let rows = min(table.rowCount, GateMeasurements.dcrSubsampleSyntheticRows)
                let synthetic = rows < table.rowCount ? table.selectingRows(Array(0..<rows)) : table
                if case .success(let results) = GateMeasurements.dcr(
                    samples: dcrSamples, inputs: inputs, synthetic: synthetic)
                {
                    values[Self.dcrShare, default: []].append(GateMeasurements.dcrSummary(results).closerToTraining)
                }
            }
            if !fidelity.isEmpty {
                let quality = QualityReport(real: inputs.train, synthetic: table, schema: inputs.schema)
                for metric in fidelity {
                    if let value = GateMeasurements.fidelity(metric, quality) {
                        values[metric, default: []].append(value)
                    }
                }
            }
        }
    }

    /// Each fairness metric's largest gap over the protected attributes on one replicate's table, as
    /// the gate takes it (``GateMeasurements/fairnessGap(_:_:)``); a metric that some attribute
    /// cannot measure is left out, as the gate then has no value either.
    static func largestGaps(
        _ metrics: Set<String>, table: Table, inputs: GateMeasurements.Inputs, protocol evaluationProtocol: TSTRProtocol
    ) -> [(String, Double)] {
        var evaluations: [TSTREvaluation] = []
        for (_, result) in GateMeasurements.fairnessEvaluations(inputs, synthetic: table, protocol: evaluationProtocol)
        {
            guard case .success(let evaluation) = result else { return [] }
            evaluations.append(evaluation)
        }
        return metrics.sorted().compactMap { metric in
            let gaps = evaluations.map { GateMeasurements.fairnessGap(metric, $0) }
            guard !gaps.contains(nil), let largest = gaps.compactMap({ $0 }).max() else { return nil }
            return (metric, largest)
        }
    }

    /// The utility measures of one evaluation, where defined.
    static func measures(_ scores: TSTREvaluation.Scores) -> [(String, Double)] {
        [
            ("tstr.ratio", scores.ratio), ("tstr.auc", scores.aucTSTR), ("trts.auc", scores.aucTRTS),
            ("trts.ratio", scores.trtsRatio),
        ].compactMap { metric, value in value.map { (metric, $0) } }
    }

    /// A measure's between-fit variance, as an interval adds it and says so.
    struct Term: Equatable {
        /// The sample variance of the measure over the replicates that gave a value.
        var variance: Double
        /// How many replicates gave a value.
        var measured: Int
        /// How many replicates were refitted.
        var replicates: Int

        /// The degrees of freedom of ``variance``: the replicates measured − 1.
        var degreesOfFreedom: Double { Double(measured - 1) }

        /// The source, for an interval's method: the bootstrap, its citation and its counts.
        var source: String {
            "a parametric bootstrap of the DP fit (Ferrando, Wang & Sheldon 2022: \(measured) of \(replicates) "
                + "re-noised refits measured)"
        }
    }

    /// The between-fit variance of `metric` over the replicates; `nil` with fewer than two values.
    func variance(_ metric: String) -> Term? {
        guard let replicated = values[metric], replicated.count >= 2 else { return nil }
        return Term(
            variance: Uncertainty.sampleVariance(replicated), measured: replicated.count, replicates: replicates)
    }
}
