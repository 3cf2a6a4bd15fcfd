/// The sum of values clamped to [lower, upper], released on a power-of-two grid with exact integer
/// noise.
///
/// Each value is clamped, rounded to the nearest multiple of 2^k, and the multiples are summed
/// exactly (128-bit integers, so no floating-point summation error can change the sensitivity —
/// Casacuberta et al., CCS 2022). Adding or removing one record moves the sum by at most
/// M = max(|lower|, |upper|) before rounding and ⌈M/2^k⌉ + 1 grid steps after: that is what is charged.
public struct NoisySum: Sendable, Hashable {
    /// The clamping bounds.
    public let lower: Double, upper: Double
    /// The privacy asked for.
    public let budget: NoiseBudget
    let grid: PowerOfTwoGrid
    let gridSensitivity: UInt64
    let noise: ExactNoise

    /// A sum mechanism.
    ///
    /// - Throws: ``MechanismError/invalidParameter(_:_:_:)`` for bounds that are not finite with
    ///   lower < upper, or a budget out of range.
    public init(lower: Double, upper: Double, budget: NoiseBudget) throws(MechanismError) {
        guard lower.isFinite else { throw .invalidParameter("lower", lower, "must be finite") }
        guard upper.isFinite, upper > lower else {
            throw .invalidParameter("upper", upper, "must be finite and above lower")
        }
        self.lower = lower
        self.upper = upper
        self.budget = try budget.validated()
        let magnitude = Swift.max(lower.magnitude, upper.magnitude)
        let nominalScale: Double
        switch budget {
        case .laplace(let epsilon): nominalScale = magnitude / epsilon
        case .gaussian(let rho): nominalScale = magnitude / (2 * rho).squareRoot()
        }
        grid = PowerOfTwoGrid(noiseScale: nominalScale)
        gridSensitivity = try grid.sensitivity(magnitude)
        switch budget {
        case .laplace:
            noise = try ExactNoise(budget: budget, sensitivityMantissa: UInt128(gridSensitivity), exponent: 0)
        case .gaussian:
            noise = try ExactNoise(
                budget: budget, sensitivityMantissa: UInt128(gridSensitivity) * UInt128(gridSensitivity), exponent: 0)
        }
    }

    /// The noisy sum (a multiple of 2^k), from the system's secure generator.
    ///
    /// - Throws: ``MechanismError/nonFiniteValue(index:)`` for NaN or infinite values.
    public func release(values: [Double], using random: inout SecureRandomness) throws(MechanismError) -> NoisyRelease<
        Double
    > {
        try releaseWithAnySource(values: values, using: &random)
    }

    /// The same with any source; the description records the source's provenance.
    package func releaseWithAnySource<R: NoiseRandomness>(
        values: [Double], using random: inout R
    ) throws(MechanismError) -> NoisyRelease<Double> {
        let total = try gridSum(values) + Int128(noise.sample(using: &random))
        return NoisyRelease(value: Double(total) * grid.spacing, privacy: description(randomness: R.provenance))
    }

    /// The exact sum of the clamped, rounded values, in grid steps.
    func gridSum(_ values: [Double]) throws(MechanismError) -> Int128 {
        var total: Int128 = 0
        for (index, value) in values.enumerated() {
            guard value.isFinite else { throw .nonFiniteValue(index: index) }
            total += Int128(try grid.steps(Swift.min(Swift.max(value, lower), upper), index: index))
        }
        return total
    }

    var noiseComponent: NoiseComponent {
        NoiseComponent(
            target: "sum", distribution: noise.distribution, parameter: noise.parameter.description,
            gridExponent: grid.exponent, gridSensitivity: Double(gridSensitivity))
    }

    func description(randomness: RandomnessProvenance) -> PrivacyDescription {
        PrivacyDescription(
            mechanism: "noisy-sum", guarantee: budget.guarantee,
            sensitivity: Swift.max(lower.magnitude, upper.magnitude),
            noise: [noiseComponent], randomness: randomness)
    }
}

/// The mean of values clamped to [lower, upper]: a noisy sum over a noisy count, each with half the
/// budget, so the whole is as private as the budget says (basic composition of ε, additivity of ρ).
public struct NoisyMean: Sendable, Hashable {
    /// The privacy asked for, in total.
    public let budget: NoiseBudget
    let sum: NoisySum
    let count: NoisyCount

    /// A mean mechanism.
    public init(lower: Double, upper: Double, budget: NoiseBudget) throws(MechanismError) {
        self.budget = try budget.validated()
        sum = try NoisySum(lower: lower, upper: upper, budget: budget.halved)
        count = try NoisyCount(budget: budget.halved)
    }

    /// The noisy mean, clamped to [lower, upper] (post-processing), from the system's secure generator.
    public func release(values: [Double], using random: inout SecureRandomness) throws(MechanismError) -> NoisyRelease<
        Double
    > {
        try releaseWithAnySource(values: values, using: &random)
    }

    /// The same with any source; the description records the source's provenance.
    package func releaseWithAnySource<R: NoiseRandomness>(
        values: [Double], using random: inout R
    ) throws(MechanismError) -> NoisyRelease<Double> {
        let noisySum = try sum.releaseWithAnySource(values: values, using: &random)
        let noisyCount = count.releaseWithAnySource(count: values.count, using: &random)
        let mean = noisySum.value / Double(Swift.max(noisyCount.value, 1))
        let privacy = PrivacyDescription(
            mechanism: "noisy-mean", guarantee: budget.guarantee, sensitivity: noisySum.privacy.sensitivity,
            noise: noisySum.privacy.noise + noisyCount.privacy.noise, randomness: R.provenance)
        return NoisyRelease(value: Swift.min(Swift.max(mean, sum.lower), sum.upper), privacy: privacy)
    }
}
