/// A count released with exact discrete noise. Adding or removing one record changes the count by
/// one, so the sensitivity is 1 and no rounding is involved.
public struct NoisyCount: Sendable, Hashable {
    /// The privacy asked for.
    public let budget: NoiseBudget
    let noise: ExactNoise

    /// A counting mechanism for the budget: discrete Laplace with scale 1/ε, or discrete Gaussian with
    /// σ² = 1/(2ρ) (both rounded up to exact fractions).
    public init(budget: NoiseBudget) throws(MechanismError) {
        self.budget = try budget.validated()
        noise = try ExactNoise(budget: budget, sensitivityMantissa: 1, exponent: 0)
    }

    /// The count plus noise, drawn from the system's secure generator. The noisy count may be
    /// negative; clamping it is post-processing and left to the caller.
    public func release(count: Int, using random: inout SecureRandomness) -> NoisyRelease<Int64> {
        releaseWithAnySource(count: count, using: &random)
    }

    /// The same with any source; the description records the source's provenance.
    package func releaseWithAnySource<R: NoiseRandomness>(count: Int, using random: inout R) -> NoisyRelease<Int64> {
        let (value, overflow) = Int64(count).addingReportingOverflow(noise.sample(using: &random))
        let noisy = overflow ? (count > 0 ? Int64.max : Int64.min) : value
        return NoisyRelease(value: noisy, privacy: description(randomness: R.provenance))
    }

    func description(randomness: RandomnessProvenance) -> PrivacyDescription {
        PrivacyDescription(
            mechanism: "noisy-count", guarantee: budget.guarantee, sensitivity: 1,
            noise: [
                NoiseComponent(
                    target: "count", distribution: noise.distribution, parameter: noise.parameter.description,
                    gridExponent: 0, gridSensitivity: 1)
            ],
            randomness: randomness)
    }
}

/// Counts over a declared domain, each with independent noise.
///
/// Every bin of the domain is released, zero or not, so which values occur is not revealed. Adding or
/// removing one record changes one bin by one: L1 and L2 sensitivity 1. Values outside the declared
/// domain are not counted (a decision that depends only on the domain, not on the data).
public struct NoisyHistogram: Sendable, Hashable {
    /// The bins, in release order.
    public let domain: [String]
    /// The privacy asked for.
    public let budget: NoiseBudget
    let noise: ExactNoise
    private let index: [String: Int]

    /// A histogram mechanism over `domain`.
    ///
    /// - Throws: ``MechanismError/invalidDomain(_:)`` for an empty domain or a repeated value.
    public init(domain: [String], budget: NoiseBudget) throws(MechanismError) {
        guard !domain.isEmpty else { throw .invalidDomain("it is empty") }
        var index: [String: Int] = [:]
        for (position, value) in domain.enumerated() {
            guard index.updateValue(position, forKey: value) == nil else {
                throw .invalidDomain("'\(value)' appears twice")
            }
        }
        self.domain = domain
        self.index = index
        self.budget = try budget.validated()
        noise = try ExactNoise(budget: budget, sensitivityMantissa: 1, exponent: 0)
    }

    /// The noisy count of each domain value, in domain order, from the system's secure generator.
    public func release(values: [String], using random: inout SecureRandomness) -> NoisyRelease<[Int64]> {
        releaseWithAnySource(values: values, using: &random)
    }

    /// The same with any source; the description records the source's provenance.
    package func releaseWithAnySource<R: NoiseRandomness>(values: [String], using random: inout R) -> NoisyRelease<
        [Int64]
    > {
        var counts = [Int64](repeating: 0, count: domain.count)
        for value in values {
            if let position = index[value] { counts[position] += 1 }
        }
        for position in counts.indices {
            let (value, overflow) = counts[position].addingReportingOverflow(noise.sample(using: &random))
            counts[position] = overflow ? Int64.max : value
        }
        let privacy = PrivacyDescription(
            mechanism: "noisy-histogram", guarantee: budget.guarantee, sensitivity: 1,
            noise: [
                NoiseComponent(
                    target: "bins", distribution: noise.distribution, parameter: noise.parameter.description,
                    gridExponent: 0, gridSensitivity: 1)
            ],
            randomness: R.provenance)
        return NoisyRelease(value: counts, privacy: privacy)
    }
}
