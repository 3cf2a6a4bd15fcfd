/// What the attribute-inference attack of ``AttributeInference`` achieved, in anonymeter's terms
/// (Giomi et al. 2023, `InferenceEvaluator`): the success of guessing a secret column from the closest
/// synthetic record on training targets, on control (holdout) targets, and by a random guess.
///
/// A plain value, ready for a certificate.
public struct AttributeInferenceResult: Sendable, Equatable, Hashable, Codable {
    /// One attack's success: anonymeter's Wilson estimate and interval.
    public struct SuccessRate: Sendable, Equatable, Hashable, Codable {
        /// Targets attacked.
        public var trials: Int
        /// Correct guesses (an expected, possibly fractional, count for the random baseline).
        public var successes: Double
        /// The Wilson centre (k + z²/2)/(n + z²), anonymeter's point estimate.
        public var rate: Double
        /// The Wilson score interval around ``rate``.
        public var interval: ConfidenceInterval

        /// Memberwise.
        public init(trials: Int, successes: Double, rate: Double, interval: ConfidenceInterval) {
            self.trials = trials
            self.successes = successes
            self.rate = rate
            self.interval = interval
        }
    }

    /// The column the attacker tries to learn.
    public var secret: String
    /// The columns the attacker knows about each target (the quasi-identifiers).
    public var auxiliaryColumns: [String]
    /// Whether the secret is numerical (a guess within ``tolerance`` counts) or categorical (exact).
    public var secretIsNumerical: Bool
    /// A numerical guess g of secret s is correct when |g − s| / (|g| + 1e-12) ≤ tolerance.
    public var tolerance: Double
    /// The attack on training targets (records the generator saw).
    public var attack: SuccessRate
    /// The same attack on control targets (holdout records the generator never saw).
    public var control: SuccessRate
    /// Guessing the secret of a uniformly random synthetic record, on training targets.
    public var baseline: SuccessRate
    /// (attack − control)/(1 − control) on the Wilson rates, clipped to [0, 1] as anonymeter does.
    public var risk: Double
    /// ``risk`` ± the propagated half-widths, clipped to [0, 1] (anonymeter's `PrivacyRisk.ci`).
    public var riskInterval: ConfidenceInterval
    /// The same ratio before clipping (negative when control targets are easier to attack).
    public var unclippedRisk: Double

    /// Memberwise; ``AttributeInference/measure(train:holdout:synthetic:schema:)`` computes one.
    public init(
        secret: String, auxiliaryColumns: [String], secretIsNumerical: Bool, tolerance: Double,
        attack: SuccessRate, control: SuccessRate, baseline: SuccessRate, risk: Double,
        riskInterval: ConfidenceInterval, unclippedRisk: Double
    ) {
        self.secret = secret
        self.auxiliaryColumns = auxiliaryColumns
        self.secretIsNumerical = secretIsNumerical
        self.tolerance = tolerance
        self.attack = attack
        self.control = control
        self.baseline = baseline
        self.risk = risk
        self.riskInterval = riskInterval
        self.unclippedRisk = unclippedRisk
    }
}
