/// Discrete Gaussian noise on a real vector of declared L2 sensitivity, on a power-of-two grid.
///
/// Each coordinate is rounded to the nearest multiple of 2^k and gets independent discrete Gaussian
/// noise. Rounding moves each coordinate of either neighbour by at most 2^(k−1), so the difference of
/// two rounded neighbours has L2 norm at most Δ/2^k + √d grid steps; that is charged. Independent
/// coordinates add their Rényi divergences, and each integer shift c costs αc²/(2σ²) (CKS20, Thm. 4),
/// so the release is Δ_grid²/(2σ²)-zCDP with no slack term.
public struct GaussianVector: Sendable, Hashable {
    /// The declared L2 sensitivity, in data units.
    public let sensitivity: Double
    /// The length of the vectors.
    public let dimension: Int
    /// The zCDP parameter asked for.
    public let rho: Double
    let grid: PowerOfTwoGrid
    let gridSensitivity: Double
    let noise: ExactNoise

    /// A Gaussian mechanism for vectors of length `dimension` whose L2 sensitivity is `sensitivity`.
    public init(sensitivity: Double, dimension: Int, rho: Double) throws(MechanismError) {
        guard sensitivity > 0, sensitivity.isFinite else {
            throw .invalidParameter("sensitivity", sensitivity, "must be positive and finite")
        }
        guard dimension >= 1 else { throw .invalidParameter("dimension", Double(dimension), "must be at least 1") }
        _ = try NoiseBudget.gaussian(rho: rho).validated()
        self.sensitivity = sensitivity
        self.dimension = dimension
        self.rho = rho
        let grid = PowerOfTwoGrid(noiseScale: sensitivity / (2 * rho).squareRoot())
        // An upper bound on Δ/2^k + √d and its square: each rounding is followed by a step up.
        let bound = (sensitivity / grid.spacing + Double(dimension).squareRoot().nextUp).nextUp
        let square = (bound * bound).nextUp
        // A noise scale so small (or large) that 2^k leaves the doubles would trap below.
        guard grid.spacing > 0, grid.spacing.isFinite, square.isFinite else {
            throw .invalidParameter(
                "sensitivity", sensitivity, "gives a noise scale outside the grid's range at this rho")
        }
        self.grid = grid
        gridSensitivity = bound
        let (mantissa, exponent) = ExactRational.decompose(square)
        noise = try ExactNoise(budget: .gaussian(rho: rho), sensitivityMantissa: UInt128(mantissa), exponent: exponent)
    }

    /// The vector plus noise (each coordinate a multiple of 2^k), from the system's secure generator.
    ///
    /// - Throws: ``MechanismError`` for a vector of the wrong length, or a NaN, infinite or huge value.
    public func release(vector: [Double], using random: inout SecureRandomness) throws(MechanismError) -> NoisyRelease<
        [Double]
    > {
        try releaseWithAnySource(vector: vector, using: &random)
    }

    /// The same with any source; the description records the source's provenance.
    package func releaseWithAnySource<R: NoiseRandomness>(
        vector: [Double], using random: inout R
    ) throws(MechanismError) -> NoisyRelease<[Double]> {
        guard vector.count == dimension else {
            throw .invalidParameter("vector length", Double(vector.count), "differs from the dimension \(dimension)")
        }
        var output: [Double] = []
        output.reserveCapacity(dimension)
        for (index, value) in vector.enumerated() {
            guard value.isFinite else { throw .nonFiniteValue(index: index) }
            let steps = Int128(try grid.steps(value, index: index)) + Int128(noise.sample(using: &random))
            output.append(Double(steps) * grid.spacing)
        }
        let privacy = PrivacyDescription(
            mechanism: "gaussian-vector", guarantee: .zeroConcentrated(rho: rho), sensitivity: sensitivity,
            noise: [
                NoiseComponent(
                    target: "vector", distribution: .discreteGaussian, parameter: noise.parameter.description,
                    gridExponent: grid.exponent, gridSensitivity: gridSensitivity)
            ],
            randomness: R.provenance)
        return NoisyRelease(value: output, privacy: privacy)
    }
}
