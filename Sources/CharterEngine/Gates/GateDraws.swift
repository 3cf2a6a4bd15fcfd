internal import CharterCore
internal import CharterData
internal import CharterPlan
internal import CharterPrivacy
internal import CharterStats

/// The gate measures over several synthetic draws from one fitted model (issue 21).
///
/// Sampling more rows from a fitted model is post-processing: it costs no privacy budget. The
/// first draw is the table that would be published; the others are measured and thrown away.
///
/// - Disclosure measures (ε, δ, k, l, the membership attack, DCR, new-row synthesis) are measured
///   on the published draw only: they are about the rows released, and an average over rows that
///   are never released could hide a published copy of a real row.
/// - Utility and fairness measures are the mean over the draws. Each draw's interval (DeLong on the
///   holdout) gives a within variance; the draws' spread gives a between variance; the interval is
///   the mean ± t·√T with Rubin's (1987) total variance T = Ū + (1 + 1/D)·B, the rule for combining
///   D completed data sets. With one draw it is that draw's interval.
/// - For a differentially private fit that reports its released statistics (`dp-copula`), the
///   utility measures (TSTR/TRTS AUCs and ratios) and the fairness gaps add a third variance: the
///   fit's own privacy noise, which every draw of one run shares, so neither the holdout's DeLong
///   variance nor the draws' spread holds it (measured: 49% coverage of a 95% interval on actg175
///   at ε = 1). A parametric bootstrap (``FitBootstrap``, Ferrando, Wang & Sheldon 2022) re-noises
///   the released statistics B times, refits, samples one table per refit and measures it; the
///   replicates' sample variance V_fit estimates the measure's variance over fits. The interval is
///   the mean ± t·√(T + V_fit):
///   the holdout's sampling error (Ū), the synthetic rows' (B of Rubin's rule) and the DP fit's
///   (V_fit) are independent sources, so their variances add. V_fit also holds one table's own
///   sampling variance (each replicate is one draw), which Rubin's between term already counts for
///   the mean of D draws: the sum is conservative by at most that term, small against the DP
///   noise at the ε where the bootstrap matters.
///   DCR, measured on the published draw only, adds the refits' variance of its share to its own
///   binomial and jackknife variances (``GateMeasurements/dcrShareInterval(_:subsamples:fit:level:)``).
/// - t is Student's at Satterthwaite's degrees of freedom over the estimated parts: B from D − 1
///   (with Ū known this is Rubin's ν), V_fit from its refits − 1, the fidelity replicates' variance
///   from their count − 1 (``critical(level:within:between:draws:fit:)``). Where the refits'
///   variance dominates (actg175 at ε = 1) that is about t(11) = 2.20 rather than z = 1.96.
/// - Fidelity scores (SDMetrics Column Shapes, Column Pair Trends, the quality score, the lowest
///   KS/TV complement and correlation similarity) are the mean over the draws, with a seeded
///   bootstrap interval: each replicate resamples the training rows with replacement and scores
///   them against the draws in turn (replicate b against draw b mod D), so the replicates' spread
///   holds the real table's sampling error and the draws' spread; the interval is the estimate
///   ± t·that spread. For a DP fit with a parametric bootstrap, V_fit of the refits' scores adds
///   to that variance, as for utility (measured before: column shapes covered 38 of 60 splits of
///   actg175 at ε = 1 without it).
struct GateDraws {
    /// The published draw, measured in full.
    var published: GateMeasurements
    /// The further draws, measured without disclosure.
    var others: [GateMeasurements]
    /// The seed of the generator (all draws come from its one sampling stream) and of the bootstrap.
    var seed: UInt64
    /// Per fidelity metric, the bootstrap replicates.
    var replicates: [String: [Double]] = [:]
    /// How many bootstrap replicates were drawn.
    var bootstrapCount = 0
    /// The parametric bootstrap of the DP fit, for the utility, fairness, fidelity and DCR
    /// measures; `nil` for a generator that reports no released statistics.
    var fitBootstrap: FitBootstrap?

    /// The largest number of table cells (training rows × columns) at which the bootstrap runs
    /// ``fullBootstrap`` replicates; past it the count falls in proportion, to ``minimumBootstrap``.
    static let bootstrapCells = 200_000
    static let fullBootstrap = 100
    static let minimumBootstrap = 20

    /// Metrics measured on the published draw only: disclosure, and the diversity counts (distinct
    /// rows, missing categories), which describe the rows released and are not averaged.
    static func isMeasuredOnPublishedDrawOnly(_ metric: String) -> Bool {
        ["epsilon_spent", "delta_spent", "k_anonymity", "l_diversity", "new_row_synthesis"].contains(metric)
            || metric.hasPrefix("membership_inference.") || metric.hasPrefix("distance_to_closest_record.")
            || metric.hasPrefix("diversity.")
    }

    /// Measures the draws; `fidelityMetrics` are the fidelity checks the plan holds (the bootstrap
    /// runs only for them).
    init(
        draws: [Table], inputs: GateMeasurements.Inputs, seed: UInt64, fidelityMetrics: Set<String>,
        attack: MembershipInferenceAttack?, fitBootstrap: FitBootstrap? = nil
    ) {
        precondition(!draws.isEmpty, "at least one synthetic draw")
        var first = inputs
        first.synthetic = draws[0]
        published = GateMeasurements(first, attack: attack)
        published.dcrFit = fitBootstrap?.variance(FitBootstrap.dcrShare)
        others = draws.dropFirst().map { draw in
            var next = inputs
            next.synthetic = draw
            return GateMeasurements(next, attack: nil, disclosure: false)
        }
        self.seed = seed
        self.fitBootstrap = fitBootstrap
        guard !fidelityMetrics.isEmpty, inputs.train.rowCount > 0 else { return }
        let cells = max(1, inputs.train.rowCount * max(1, inputs.train.columnNames.count))
        bootstrapCount = max(
            Self.minimumBootstrap, min(Self.fullBootstrap, Self.fullBootstrap * Self.bootstrapCells / cells))
        var random = SplitMix64(seed: seed ^ 0x4649_4445_4C49_5459)
        let n = inputs.train.rowCount
        for b in 0..<bootstrapCount {
            var rows = [Int](repeating: 0, count: n)
            for i in 0..<n { rows[i] = Int(random.next() % UInt64(n)) }
            rows.sort()
            let quality = QualityReport(
                real: inputs.train.selectingRows(rows), synthetic: draws[b % draws.count], schema: inputs.schema)
            for metric in fidelityMetrics {
                if let value = GateMeasurements.fidelity(metric, quality) {
                    replicates[metric, default: []].append(value)
                }
            }
        }
    }

    var drawCount: Int { 1 + others.count }

    /// A check's measure over the draws.
    func measure(
        _ metric: String, parameters: [String: JSONValue], spend: (epsilon: Double, delta: Double)?, level: Double
    ) -> GateMeasurements.Measure {
        var first = published.measure(metric, parameters: parameters, spend: spend, level: level)
        let fit = fitBootstrap?.variance(metric)
        guard drawCount > 1 || metric.hasPrefix("fidelity.") || fit != nil else { return first }
        if Self.isMeasuredOnPublishedDrawOnly(metric) {
            if drawCount > 1 {
                first.note = [first.note, "on the published draw"].compactMap { $0 }.joined(separator: "; ")
            }
            return first
        }
        let all = [first] + others.map { $0.measure(metric, parameters: parameters, spend: spend, level: level) }
        let values = all.compactMap(\.value)
        guard values.count == all.count else {
            first.note = [first.note, "on the published draw: a further draw gave no value"].compactMap { $0 }
                .joined(separator: "; ")
            return first
        }
        let d = Double(values.count)
        let mean = values.reduce(0, +) / d
        var combined = GateMeasurements.Measure(
            mean,
            note: [first.note, values.count > 1 ? "mean of \(values.count) draws" : nil].compactMap { $0 }
                .joined(separator: "; "))
        if metric.hasPrefix("fidelity.") {
            combined.uncertainty = bootstrapInterval(metric, estimate: mean, level: level, fit: fit)
            return combined
        }
        let intervals = all.compactMap(\.uncertainty)
        guard intervals.count == all.count, let model = intervals.first else { return combined }
        let z = Uncertainty.z(level: level)
        let within = intervals.map { Self.impliedVariance($0, z: z) }.reduce(0, +) / d
        let between = Uncertainty.sampleVariance(values)
        let total = within + (1 + 1 / d) * between + (fit?.variance ?? 0)
        let half =
            Self.critical(level: level, within: within, between: (1 + 1 / d) * between, draws: d, fit: fit)
            * total.squareRoot()
        var method =
            "\(model.method); mean of \(values.count) draws, Rubin (1987) total variance "
            + "(mean within + (1 + 1/D) between)"
        if let fit { method += " + between-fit variance from \(fit.source)" }
        method += ", Student t at Satterthwaite's degrees of freedom"
        combined.uncertainty = Uncertainty(
            estimate: mean, lower: max(0, mean - half), upper: mean + half, level: level, method: method,
            draws: values.count, seed: seed, replicates: fit?.replicates)
        return combined
    }

    /// The critical value for a variance of `within` (the holdout's, known), `between` (the draws',
    /// estimated from D − 1 degrees of freedom) and the fit's (estimated from its replicates − 1):
    /// Student's t at Satterthwaite's degrees of freedom, which for the first two is Rubin's (1987)
    /// ν = (D − 1)(1 + Ū/((1 + 1/D)B))². With 12 refits dominating, t(11) = 2.20 instead of z.
    static func critical(level: Double, within: Double, between: Double, draws: Double, fit: FitBootstrap.Term?)
        -> Double
    {
        var components: [(variance: Double, degreesOfFreedom: Double)] = [(within, .infinity)]
        if draws > 1 { components.append((between, draws - 1)) }
        if let fit { components.append((fit.variance, fit.degreesOfFreedom)) }
        return StudentT.critical(level: level, components: components)
    }

    /// The variance a draw's interval implies: (half-width / z)², the half-width taken from the side
    /// not clipped where the interval was cut at 0 or 1 (a fairness gap near 0 keeps only its upper
    /// side: half its width would understate the variance).
    static func impliedVariance(_ interval: Uncertainty, z: Double) -> Double {
        var half = interval.width / 2
        if interval.lower <= 0 { half = max(half, interval.upper - interval.estimate) }
        if interval.upper >= 1 { half = max(half, interval.estimate - interval.lower) }
        return (half / z) * (half / z)
    }

    /// A fidelity metric's interval: the estimate ± t times the bootstrap replicates' standard
    /// deviation, within [0, 1].
    ///
    /// Not the replicates' percentiles: resampling the real rows with replacement duplicates rows,
    /// which moves every shape and pair score the same way (measured: the replicates of a Column
    /// Shapes score of 0.95 sat about 0.01 below it), so a percentile interval is off centre and
    /// can miss the estimate it describes. The replicates' spread is the standard error; the
    /// estimate stays at the centre.
    ///
    /// With a parametric bootstrap of the DP fit, the refits' variance V_fit adds to the
    /// replicates' variance (the training rows' and the fit's noise are independent sources).
    func bootstrapInterval(
        _ metric: String, estimate: Double, level: Double, fit: FitBootstrap.Term? = nil
    ) -> Uncertainty? {
        guard let values = replicates[metric],
            let bounds = Self.centredBounds(
                estimate, values, level: level, extraVariance: fit?.variance ?? 0,
                extraDegreesOfFreedom: fit?.degreesOfFreedom ?? .infinity)
        else { return nil }
        var method =
            "seeded bootstrap over the training rows (\(values.count) replicates, "
            + "replicate b scored against draw b mod \(drawCount)): estimate ± t·standard deviation of the replicates"
        if let fit {
            method += ", with the between-fit variance of \(fit.source) added (Satterthwaite's degrees of freedom)"
        }
        return Uncertainty(
            estimate: estimate, lower: bounds.lower, upper: bounds.upper, level: level, method: method,
            draws: drawCount, seed: seed, replicates: fit?.replicates)
    }

    /// The estimate ± t·√(the replicates' sample variance + `extraVariance`), within [0, 1], t at
    /// Satterthwaite's degrees of freedom (the replicates' count − 1, and `extraDegreesOfFreedom`);
    /// nil with fewer than two replicates.
    static func centredBounds(
        _ estimate: Double, _ replicates: [Double], level: Double, extraVariance: Double = 0,
        extraDegreesOfFreedom: Double = .infinity
    ) -> (lower: Double, upper: Double)? {
        guard replicates.count >= 2 else { return nil }
        let count = Double(replicates.count)
        let variance = Uncertainty.sampleVariance(replicates)
        let critical = StudentT.critical(
            level: level, components: [(variance, count - 1), (extraVariance, extraDegreesOfFreedom)])
        let half = critical * (variance + extraVariance).squareRoot()
        return (max(0, estimate - half), min(1, estimate + half))
    }
}

extension Plan {
    /// The fidelity metrics the plan's gates check: the draws bootstrap only these.
    var fidelityMetrics: Set<String> { Set(checks.map(\.metric).filter { $0.hasPrefix("fidelity.") }) }
}
