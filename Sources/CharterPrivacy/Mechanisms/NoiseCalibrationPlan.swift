/// The exact noise a mechanism uses, derived from its budget and its sensitivity in grid units.
///
/// Every rounding is upward in the noise: the realised ε or ρ never exceeds the requested one.
struct ExactNoise: Sendable, Hashable {
    enum Sampler: Sendable, Hashable {
        case laplace(DiscreteLaplace)
        case gaussian(DiscreteGaussian)
    }

    let sampler: Sampler
    let parameter: ExactRational

    /// Discrete Laplace with scale ≥ Δ/ε (so ε-DP for L1 sensitivity Δ, CKS20 §2), or discrete
    /// Gaussian with σ² ≥ Δ²/(2ρ) (so ρ-zCDP for L2 sensitivity Δ, CKS20 Thm. 4 and, coordinate by
    /// coordinate, additivity of Rényi divergence over independent coordinates).
    ///
    /// - Parameter gridSensitivity: Δ in grid units, as an exact `a·2^e` (for Gaussian noise its square).
    init(budget: NoiseBudget, sensitivityMantissa a: UInt128, exponent e: Int) throws(MechanismError) {
        switch budget {
        case .laplace(let epsilon):
            // scale = Δ/ε = a·2^e / (m·2^f)
            let (m, f) = ExactRational.decompose(epsilon)
            guard let scale = ExactRational.roundingUp(a, over: UInt128(m), timesPowerOfTwo: e - f),
                scale.numerator / scale.denominator < DiscreteLaplace.maximumScale
            else { throw .invalidParameter("epsilon", epsilon, "needs a noise scale beyond 2^48 grid steps") }
            sampler = .laplace(DiscreteLaplace(scale: scale))
            parameter = scale
        case .gaussian(let rho):
            // σ² = Δ²/(2ρ) = a·2^e / (2m·2^f), with a·2^e already Δ².
            let (m, f) = ExactRational.decompose(rho)
            guard let variance = ExactRational.roundingUp(a, over: 2 * UInt128(m), timesPowerOfTwo: e - f),
                variance.numerator / variance.denominator < 1 << 60
            else { throw .invalidParameter("rho", rho, "needs a noise variance beyond 2^60 grid steps") }
            sampler = .gaussian(DiscreteGaussian(variance: variance))
            parameter = variance
        }
    }

    var distribution: NoiseDistribution {
        switch sampler {
        case .laplace: .discreteLaplace
        case .gaussian: .discreteGaussian
        }
    }

    @inline(__always)
    func sample<R: NoiseRandomness>(using random: inout R) -> Int64 {
        switch sampler {
        case .laplace(let laplace): laplace.sample(using: &random)
        case .gaussian(let gaussian): gaussian.sample(using: &random)
        }
    }
}

/// The power-of-two grid a real-valued query is rounded to before integer noise is added.
///
/// Following the snapping idea of Mironov (2012) and the grid of Google's DP library, values are
/// clamped, rounded to the nearest multiple of g = 2^k and summed as integers; noise is an integer
/// multiple of g. k is chosen so that the noise scale is about 2^20 grid steps: rounding then costs a
/// negligible part of the budget, and sums of 2^40 rows stay exact in 128-bit integers.
struct PowerOfTwoGrid: Sendable, Hashable {
    /// k, the grid is 2^k.
    let exponent: Int

    init(noiseScale: Double) {
        exponent = Int(noiseScale.exponent) - 20
    }

    /// g = 2^k.
    var spacing: Double { Double(sign: .plus, exponent: exponent, significand: 1) }

    /// x/g rounded to the nearest integer (ties to even); exact, since dividing by 2^k is exact.
    func steps(_ x: Double, index: Int) throws(MechanismError) -> Int64 {
        let scaled = (x / spacing).rounded(.toNearestOrEven)
        guard scaled.magnitude < 0x1p62 else { throw .valueOutOfRange(index: index) }
        return Int64(scaled)
    }

    /// ⌈M/g⌉ + 1: the L1 (per-coordinate) sensitivity in grid units of a clamped value of magnitude at
    /// most M, charging one more grid step for the rounding (DP notes §2: charge Δ + 2^k).
    func sensitivity(_ magnitude: Double) throws(MechanismError) -> UInt64 {
        let steps = (magnitude / spacing).rounded(.up)
        guard steps < 0x1p50 else { throw .invalidParameter("sensitivity", magnitude, "is too large for the grid") }
        return UInt64(steps) + 1
    }
}
