/// Checks a DP-SGD configuration before training, as the governance patterns ask ("validate the DP
/// configuration before training"): the noise multiplier the target needs, the batch as a share of
/// the data, the number of steps, whether the target is reachable with a usable noise level, and a
/// recommended configuration.
///
/// Verdicts (issue 19): batch share ≤ 10% good, ≤ 20% moderate, above a warning (subsampling
/// amplifies privacy less as q grows); steps < 500 good, 500–1,000 moderate, above a warning (the
/// noise composes over every step); a σ above ``maximumNoiseMultiplier`` (or none at all) is an error
/// naming the remedies. σ comes from ``NoiseCalibration/noiseMultiplier(targetEpsilon:samplingRate:steps:delta:orders:series:)``
/// on dp-accounting's orders with the signed series, the accountant `dp-vae` spends with.
public struct DPSGDConfigurationCheck: Sendable, Hashable {
    /// The largest noise multiplier a run may use: beyond it the noise on each coordinate of the
    /// averaged gradient exceeds σ·C/B so far that training learns nothing useful at these sizes.
    public static let maximumNoiseMultiplier = 10.0
    /// The largest σ a recommended configuration aims for.
    public static let recommendedNoiseMultiplier = 1.5

    /// The configuration checked.
    public let configuration: DPSGDConfiguration
    /// The smallest σ whose ε is within the target (`.infinity` when none is, `nan` when the
    /// configuration is invalid).
    public let noiseMultiplier: Double
    /// The ε the accountant gives for that σ (`nil` when there is none).
    public let epsilon: Double?
    /// The findings, in the order `parameters`, `batch-share`, `steps`, `noise-multiplier`.
    public let findings: [DPSGDFinding]
    /// A configuration with a good batch share, good steps and σ ≤ ``recommendedNoiseMultiplier`` when
    /// one exists, otherwise a low-noise one; `nil` when the inputs are invalid or none is reachable.
    public let recommended: Recommendation?

    /// A recommended configuration and its noise.
    public struct Recommendation: Sendable, Hashable {
        /// The configuration (same rows and target, another batch size or number of epochs).
        public var configuration: DPSGDConfiguration
        /// Its noise multiplier.
        public var noiseMultiplier: Double
    }

    /// Whether any finding is an error.
    public var isRefused: Bool { findings.contains { $0.severity == .error } }

    /// Checks `configuration`.
    /// - Complexity: one noise calibration (a bisection of RDP curves); the recommendation adds up to
    ///   24 ε evaluations and one to four calibrations.
    public init(_ configuration: DPSGDConfiguration, recommend: Bool = true) {
        self.configuration = configuration
        var findings: [DPSGDFinding] = []
        let c = configuration
        var invalid: [String] = []
        if c.rows < 1 { invalid.append("rows must be at least 1, got \(c.rows)") }
        if c.batchSize < 1 { invalid.append("the batch size must be at least 1, got \(c.batchSize)") }
        if c.epochs < 1 { invalid.append("epochs must be at least 1, got \(c.epochs)") }
        if !(c.targetEpsilon > 0 && c.targetEpsilon.isFinite) {
            invalid.append("the target epsilon must be positive and finite, got \(c.targetEpsilon)")
        }
        if !(c.delta > 0 && c.delta < 1) { invalid.append("delta must lie in (0, 1), got \(c.delta)") }
        if c.rows >= 1 && c.batchSize > c.rows {
            invalid.append("the batch size \(c.batchSize) exceeds the \(c.rows) rows")
        }
        guard invalid.isEmpty else {
            self.findings = invalid.map { DPSGDFinding(check: "parameters", severity: .error, message: $0) }
            noiseMultiplier = .nan
            epsilon = nil
            recommended = nil
            return
        }
        let share = c.samplingRate
        let percent = Self.percent(share)
        if share <= 0.10 {
            findings.append(
                .init(check: "batch-share", severity: .good, message: "the batch is \(percent) of the rows"))
        } else if share <= 0.20 {
            findings.append(
                .init(
                    check: "batch-share", severity: .moderate,
                    message: "the batch is \(percent) of the rows; at most 10% amplifies privacy best"))
        } else {
            findings.append(
                .init(
                    check: "batch-share", severity: .warning,
                    message:
                        "the batch is \(percent) of the rows; above 20% subsampling barely amplifies privacy, so "
                        + "the noise must be large; use a smaller batch or more rows"))
        }
        let steps = c.steps
        if steps < 500 {
            findings.append(.init(check: "steps", severity: .good, message: "\(steps) steps"))
        } else if steps <= 1000 {
            findings.append(
                .init(
                    check: "steps", severity: .moderate,
                    message: "\(steps) steps; under 500 keeps the composed noise small"))
        } else {
            findings.append(
                .init(
                    check: "steps", severity: .warning,
                    message:
                        "\(steps) steps; every step spends budget, so above 1000 the noise per step must be large; "
                        + "use fewer epochs or a larger batch"))
        }
        let sigma = Self.sigma(c)
        noiseMultiplier = sigma
        if sigma.isFinite {
            epsilon = Self.epsilon(samplingRate: share, noiseMultiplier: sigma, steps: steps, delta: c.delta).epsilon
        } else {
            epsilon = nil
        }
        let remedies = "raise the batch size, train for fewer epochs, or accept a higher epsilon"
        if !sigma.isFinite || sigma > Self.maximumNoiseMultiplier {
            let needed = sigma.isFinite ? "noise multiplier \(Self.rounded(sigma))" : "no finite noise multiplier"
            findings.append(
                .init(
                    check: "noise-multiplier", severity: .error,
                    message:
                        "epsilon \(Self.rounded(c.targetEpsilon)) at delta \(c.delta) needs \(needed) over \(steps) "
                        + "steps at q = \(Self.rounded(share)), beyond the usable bound "
                        + "\(Self.rounded(Self.maximumNoiseMultiplier)); \(remedies)"))
        } else if sigma > Self.recommendedNoiseMultiplier {
            findings.append(
                .init(
                    check: "noise-multiplier", severity: .moderate,
                    message:
                        "noise multiplier \(Self.rounded(sigma)); at most \(Self.rounded(Self.recommendedNoiseMultiplier)) trains better"
                ))
        } else {
            findings.append(
                .init(check: "noise-multiplier", severity: .good, message: "noise multiplier \(Self.rounded(sigma))"))
        }
        self.findings = findings
        recommended = recommend ? Self.recommend(c) : nil
    }

    static func sigma(_ c: DPSGDConfiguration) -> Double {
        // Beyond this σ the calibration is not worth bisecting further: the configuration is refused.
        let ceiling = 1000.0
        let reachable =
            epsilon(samplingRate: c.samplingRate, noiseMultiplier: ceiling, steps: c.steps, delta: c.delta).epsilon
            <= c.targetEpsilon
        guard reachable else { return .infinity }
        return NoiseCalibration.noiseMultiplier(
            targetEpsilon: c.targetEpsilon, samplingRate: c.samplingRate, steps: c.steps, delta: c.delta)
    }

    /// The ε (and optimal order) of `steps` DP-SGD steps at rate q and noise multiplier σ: the
    /// accountant `dp-vae` spends with and `charter privacy epsilon` prints (RDP on `orders`, signed
    /// series, improved conversion). With ``RDPOrders/opacus`` it is Opacus 1.6's `RDPAccountant`.
    public static func epsilon(
        samplingRate q: Double, noiseMultiplier sigma: Double, steps: Int, delta: Double,
        orders: RDPOrders = .dpAccounting
    ) -> (epsilon: Double, order: Double?) {
        var accountant = RDPAccountant(orders: orders)
        accountant.composePoissonSubsampledGaussian(samplingRate: q, noiseMultiplier: sigma, steps: steps)
        return accountant.epsilon(delta: delta)
    }

    /// Candidates: batch shares 1%, 2%, 5%, 10% of the rows (at least 1 row) and the requested
    /// epochs or fewer (halving). Preferred: steps < 500 and σ ≤ the recommended bound (one ε
    /// evaluation each: ε at that σ within the target), then the most steps (the most training), then
    /// the larger batch; otherwise the candidate with the smallest σ among the fewest epochs (fewer
    /// epochs never need more noise). σ is calibrated for the chosen candidates only.
    static func recommend(_ c: DPSGDConfiguration) -> Recommendation? {
        var epochs: [Int] = []
        var e = c.epochs
        while e >= 1 && epochs.count < 6 {
            epochs.append(e)
            e /= 2
        }
        var batches: [Int] = []
        for share in [0.01, 0.02, 0.05, 0.10] {
            let batch = max(1, Int((share * Double(c.rows)).rounded()))
            if batch <= c.rows && !batches.contains(batch) { batches.append(batch) }
        }
        var best: DPSGDConfiguration?
        for batch in batches {
            for epochCount in epochs {
                var candidate = c
                candidate.batchSize = batch
                candidate.epochs = epochCount
                guard candidate.steps < 500 else { continue }
                if let current = best {
                    let better =
                        candidate.steps > current.steps
                        || (candidate.steps == current.steps && candidate.batchSize > current.batchSize)
                    guard better else { continue }
                }
                let spent = epsilon(
                    samplingRate: candidate.samplingRate, noiseMultiplier: recommendedNoiseMultiplier,
                    steps: candidate.steps, delta: c.delta
                ).epsilon
                if spent <= c.targetEpsilon { best = candidate }
            }
        }
        if let best {
            return Recommendation(configuration: best, noiseMultiplier: sigma(best))
        }
        var fallback: Recommendation?
        for batch in batches {
            var candidate = c
            candidate.batchSize = batch
            candidate.epochs = epochs[epochs.count - 1]
            let noise = sigma(candidate)
            guard noise.isFinite else { continue }
            if fallback.map({ noise < $0.noiseMultiplier }) ?? true {
                fallback = Recommendation(configuration: candidate, noiseMultiplier: noise)
            }
        }
        return fallback
    }

    static func percent(_ share: Double) -> String {
        rounded(share * 100) + "%"
    }

    /// Three decimals at most, shortest form.
    static func rounded(_ x: Double) -> String {
        let value = (x * 1000).rounded() / 1000
        if value == value.rounded() && abs(value) < 1e15 { return String(Int(value)) }
        return "\(value)"
    }
}
