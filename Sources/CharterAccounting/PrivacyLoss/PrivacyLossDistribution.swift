#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A discretised privacy loss distribution: masses on the grid h·ℤ plus an atom at +∞.
///
/// The privacy loss of a pair (P, Q) is L = ln(P(o)/Q(o)) with o ~ P, and
/// δ(ε) = E[(1 − e^{ε−L})₊] + P[L = ∞]. Composition convolves loss distributions.
///
/// Discretisation is by "connect the dots" (Doroshenko, Ghazi, Kamath, Kumar, Manurangsi, "Connect
/// the Dots: Tighter Discrete Approximations of Privacy Loss Distributions", PETS 2022): masses on the
/// grid are chosen so that the discrete δ(ε) equals the true one at every grid point and is linear in
/// e^ε between them. The true δ is convex in e^ε, so the discrete curve lies above it: a pessimistic
/// (certified upper) estimate. Tails beyond a probability of e^−50 go to +∞ (upper) or to the lowest
/// grid point (lower), both pessimistic — the construction of dp-accounting 0.6.0's PLD accountant.
public struct PrivacyLossDistribution: Sendable, Hashable {
    /// h, the spacing of the loss grid.
    public let discretization: Double
    /// The grid index of `masses[0]`: its loss is `lowestIndex · h`.
    let lowestIndex: Int
    /// Masses at consecutive grid points.
    let masses: [Double]
    /// P[L = +∞], charged to δ in full.
    public let infinityMass: Double

    init(discretization: Double, lowestIndex: Int, masses: [Double], infinityMass: Double) {
        self.discretization = discretization
        self.lowestIndex = lowestIndex
        self.masses = masses
        self.infinityMass = infinityMass
    }

    /// The connect-the-dots discretisation of a mechanism given its exact δ(ε), the loss range that
    /// holds all but `infinityMass` (above) and a negligible mass (below), and the grid spacing.
    init(
        connectingDotsOf delta: (Double) -> Double, lossRange: ClosedRange<Double>, infinityMass: Double,
        discretization h: Double
    ) {
        let low = Int((lossRange.lowerBound / h).rounded(.down))
        let high = Swift.max(Int((lossRange.upperBound / h).rounded(.up)), low + 1)
        let count = high - low + 1
        // δ at each grid point; the finite part carries nothing above the top point.
        var deltas = (0..<count).map { delta(Double(low + $0) * h) }
        deltas[count - 1] = 0
        var masses = [Double](repeating: 0, count: count)
        // A_j = Σ_{i>j} p_i and B_j = Σ_{i>j} p_i e^{−ℓ_i} for the segment [ℓ_j, ℓ_{j+1}], where the
        // discrete δ(ε) = A_j − e^ε B_j must meet the dots at both ends.
        var aboveMass = 0.0  // A_{j+1}
        var expNext = exp(Double(high) * h)
        for j in stride(from: count - 2, through: 0, by: -1) {
            let expHere = exp(Double(low + j) * h)
            let slope = Swift.max(0, deltas[j] - deltas[j + 1]) / (expNext - expHere)  // B_j
            let mass = deltas[j] + expHere * slope  // A_j
            masses[j + 1] = Swift.max(0, mass - aboveMass)
            aboveMass = Swift.max(mass, aboveMass)
            expNext = expHere
        }
        masses[0] = Swift.max(0, 1 - infinityMass - aboveMass)
        self.init(discretization: h, lowestIndex: low, masses: masses, infinityMass: infinityMass)
    }

    /// The loss at `masses[index]`.
    @inline(__always)
    func loss(at index: Int) -> Double { Double(lowestIndex + index) * discretization }

    /// The smallest δ for which the distribution is (ε, δ)-DP: P[L = ∞] + Σ_{ℓ_i > ε} p_i (1 − e^{ε−ℓ_i}).
    public func delta(epsilon: Double) -> Double {
        var total = 0.0
        for index in stride(from: masses.count - 1, through: 0, by: -1) {
            let loss = loss(at: index)
            if loss <= epsilon { break }
            total += masses[index] * -expm1(epsilon - loss)
        }
        return Swift.min(1, infinityMass + total)
    }

    /// The smallest ε ≥ 0 for which the distribution is (ε, δ)-DP (+∞ if P[L = ∞] ≥ δ).
    ///
    /// Between grid points δ(ε) = P[∞] + A − e^ε·B is solved exactly for e^ε.
    public func epsilon(delta: Double) -> Double {
        precondition(delta > 0 && delta < 1, "δ must lie in (0, 1)")
        if infinityMass >= delta { return .infinity }
        var above = 0.0  // Σ_{i>j} p_i
        var weighted = 0.0  // Σ_{i>j} p_i e^{−ℓ_i}
        for index in stride(from: masses.count - 1, through: 0, by: -1) {
            let loss = loss(at: index)
            let deltaHere = infinityMass + above - exp(loss) * weighted
            if deltaHere > delta {
                // The answer lies in (ℓ_index, ℓ_{index+1}].
                let epsilon = log((infinityMass + above - delta) / weighted)
                return Swift.max(0, epsilon)
            }
            above += masses[index]
            weighted += masses[index] * exp(-loss)
        }
        guard weighted > 0 else { return 0 }
        return Swift.max(0, log((infinityMass + above - delta) / weighted))
    }

    /// The distribution of the sum of `times` independent losses, by one FFT.
    ///
    /// The result is kept on a window [L, U] given by Chernoff bounds on both tails (each beyond it
    /// holds at most 1e−15 of the mass, dp-accounting's default): the upper tail bound joins the +∞ atom, the lower tail is
    /// dropped (it cannot raise δ at any ε ≥ L). The FFT length is the next power of two over the
    /// window, so wrapped-around mass is bounded by the same tails.
    ///
    /// - Precondition: times ≥ 1.
    /// - Complexity: O(W·t + N log N) for W grid points, t Chernoff orders and FFT length N.
    public func selfComposed(_ times: Int) -> PrivacyLossDistribution {
        precondition(times >= 1, "compose at least once")
        if times == 1 { return self }
        let h = discretization
        let tailLog = log(Self.tailMass)
        let t = Double(times)
        // Chernoff: P[S ≥ u] ≤ exp(T·ln M(s) − s·u) and P[S ≤ l] ≤ exp(T·ln M(−s) + s·l).
        var upper = Double(lowestIndex + masses.count - 1) * h * t
        var lower = Double(lowestIndex) * h * t
        for k in stride(from: -16, through: 40, by: 2) {
            let s = pow(2, Double(k) / 2)
            let logUp = logMoment(s)
            let logDown = logMoment(-s)
            upper = Swift.min(upper, (t * logUp - tailLog) / s)
            lower = Swift.max(lower, -(t * logDown - tailLog) / s)
        }
        let lowIndex = Int((lower / h).rounded(.down)) - 1
        let highIndex = Int((upper / h).rounded(.up)) + 1
        let windowCount = highIndex - lowIndex + 1
        var length = 2
        while length < windowCount { length <<= 1 }
        // Fold the single-step masses into the circle of the FFT length.
        var real = [Double](repeating: 0, count: length)
        var imaginary = [Double](repeating: 0, count: length)
        for (offset, mass) in masses.enumerated() { real[offset & (length - 1)] += mass }
        let fft = FastFourierTransform(count: length)
        fft.transform(real: &real, imaginary: &imaginary, inverse: false)
        for k in 0..<length {
            let magnitude = (real[k] * real[k] + imaginary[k] * imaginary[k]).squareRoot()
            if magnitude == 0 { continue }
            let power = exp(t * log(magnitude))
            let angle = remainder(t * atan2(imaginary[k], real[k]), 2 * Double.pi)
            real[k] = power * cos(angle)
            imaginary[k] = power * sin(angle)
        }
        fft.transform(real: &real, imaginary: &imaginary, inverse: true)
        // Composed grid index i sits at position (i − T·lowestIndex) mod N.
        let base = times * lowestIndex
        var window = [Double](repeating: 0, count: windowCount)
        for offset in 0..<windowCount {
            let position = ((lowIndex + offset - base) % length + length) % length
            window[offset] = Swift.max(0, real[position])
        }
        let finite = exp(t * log1p(-infinityMass))
        let composedInfinity = Swift.min(1, -expm1(t * log1p(-infinityMass)) + Self.tailMass * finite)
        return PrivacyLossDistribution(
            discretization: h, lowestIndex: lowIndex, masses: window, infinityMass: composedInfinity)
    }

    /// The mass each Chernoff-bounded tail may hold after composition (charged to δ above).
    static let tailMass = 1e-15

    /// ln Σ p_i e^{s·ℓ_i} over the finite part.
    private func logMoment(_ s: Double) -> Double {
        var total = LogSumExp()
        for (index, mass) in masses.enumerated() where mass > 0 {
            total.add(log(mass) + s * loss(at: index))
        }
        return total.value
    }
}

extension PrivacyLossDistribution {
    /// Which neighbour is the "P" of the pair (dp-accounting's adjacency types).
    public enum Direction: String, Sendable, Hashable, CaseIterable {
        /// P = (1−q)N(0,σ²) + qN(1,σ²) (the record present), Q = N(0,σ²).
        case remove
        /// P = N(0,σ²), Q = (1−q)N(0,σ²) + qN(1,σ²).
        case add
    }

    /// Standard normal tail beyond which the Gaussian PLDs truncate (mass ≈ 3.5e−25 < e^−50).
    static let truncationQuantile = 10.3

    /// One step of the Poisson-subsampled Gaussian with sampling rate q and noise multiplier σ, in one
    /// direction, discretised by connect-the-dots on the grid h.
    ///
    /// Exact δ(ε) (both directions reduce to differences of normal tails, computed in log space):
    /// remove, with x = σ² ln((e^ε − 1 + q)/q) + ½: δ = q·Φ̄((x−1)/σ) − (e^ε − 1 + q)·Φ̄(x/σ);
    /// add, with x = σ² ln((e^{−ε} − 1 + q)/q) + ½: δ = q·e^ε·[e^{(2x−1)/(2σ²)}Φ(x/σ) − Φ((x−1)/σ)].
    ///
    /// - Precondition: 0 < q ≤ 1, σ > 0, h > 0.
    public static func poissonSubsampledGaussian(
        samplingRate q: Double, noiseMultiplier sigma: Double, direction: Direction, discretization h: Double = 1e-4
    ) -> PrivacyLossDistribution {
        precondition(q > 0 && q <= 1 && sigma > 0 && sigma.isFinite && h > 0, "need 0 < q ≤ 1, σ > 0, h > 0")
        let logQ = log(q)
        let log1mQ = log1p(-q)  // −∞ when q = 1
        let twoSigmaSquared = 2 * sigma * sigma
        // The loss of the remove direction at x: ln((1−q) + q e^{(2x−1)/(2σ²)}).
        func removeLoss(_ x: Double) -> Double { SpecialFunctions.logAdd(log1mQ, logQ + (2 * x - 1) / twoSigmaSquared) }
        func logUpperTail(_ z: Double) -> Double { SpecialFunctions.logNormalCDF(-z) }
        let z = truncationQuantile
        switch direction {
        case .remove:
            let xLow = -z * sigma
            let xHigh = 1 + z * sigma
            // P[X > x_high] under P = (1−q)N(0,σ²) + qN(1,σ²).
            let infinity = exp(SpecialFunctions.logAdd(log1mQ + logUpperTail(xHigh / sigma), logQ + logUpperTail(z)))
            func delta(_ epsilon: Double) -> Double {
                // e^ε − (1 − q); at or below the smallest loss every outcome counts.
                let gap = expm1(epsilon) + q
                if gap <= 0 { return -expm1(epsilon) }
                let shifted = log(gap)
                let x = sigma * sigma * (shifted - logQ) + 0.5
                let first = logQ + logUpperTail((x - 1) / sigma)
                let second = shifted + logUpperTail(x / sigma)
                if second >= first { return 0 }
                return exp(first + SpecialFunctions.log1mexp(second - first))
            }
            return PrivacyLossDistribution(
                connectingDotsOf: delta, lossRange: removeLoss(xLow)...removeLoss(xHigh), infinityMass: infinity,
                discretization: h)
        case .add:
            if q == 1 {
                return poissonSubsampledGaussian(
                    samplingRate: 1, noiseMultiplier: sigma, direction: .remove, discretization: h)
            }
            let xLow = -z * sigma
            let xHigh = z * sigma
            let infinity = exp(logUpperTail(z))  // P[X < x_low] under P = N(0, σ²)
            func delta(_ epsilon: Double) -> Double {
                // e^{−ε} − (1 − q) must be positive, else no loss exceeds ε.
                let gap = expm1(-epsilon) + q
                if gap <= 0 { return 0 }
                let shifted = log(gap)
                let exponent = shifted - logQ  // (2x−1)/(2σ²)
                let x = sigma * sigma * exponent + 0.5
                let a = exponent + SpecialFunctions.logNormalCDF(x / sigma)
                let b = SpecialFunctions.logNormalCDF((x - 1) / sigma)
                if b >= a { return 0 }
                return exp(logQ + epsilon + a + SpecialFunctions.log1mexp(b - a))
            }
            // The loss decreases in x: its range runs from x_high (lowest) to x_low (highest).
            return PrivacyLossDistribution(
                connectingDotsOf: delta, lossRange: (-removeLoss(xHigh))...(-removeLoss(xLow)), infinityMass: infinity,
                discretization: h)
        }
    }

    /// One Laplace release with ε₀ = Δ/b, discretised by connect-the-dots; its loss lies in [−ε₀, ε₀]
    /// and δ(ε) = 1 − e^{(ε−ε₀)/2} there (the same in both directions).
    public static func laplace(epsilon0: Double, discretization h: Double = 1e-4) -> PrivacyLossDistribution {
        precondition(epsilon0 > 0 && epsilon0.isFinite && h > 0, "need ε₀ > 0 and h > 0")
        func delta(_ epsilon: Double) -> Double {
            if epsilon >= epsilon0 { return 0 }
            if epsilon <= -epsilon0 { return -expm1(epsilon) }
            return -expm1((epsilon - epsilon0) / 2)
        }
        return PrivacyLossDistribution(
            connectingDotsOf: delta, lossRange: -epsilon0...epsilon0, infinityMass: 0, discretization: h)
    }
}

/// ε and δ of DP-SGD by privacy loss distributions: both directions of the Poisson-subsampled
/// Gaussian composed `steps` times, the worse of the two reported (dp-accounting's PLDAccountant
/// with pessimistic connect-the-dots discretisation).
public enum PLDAccountant {
    /// The composed distributions for both directions (one when q = 1, where they coincide).
    public static func distributions(
        samplingRate q: Double, noiseMultiplier sigma: Double, steps: Int, discretization h: Double = 1e-4
    ) -> [PrivacyLossDistribution] {
        precondition(steps >= 1, "steps must be at least 1")
        let directions: [PrivacyLossDistribution.Direction] = q == 1 ? [.remove] : [.remove, .add]
        return directions.map { direction in
            PrivacyLossDistribution.poissonSubsampledGaussian(
                samplingRate: q, noiseMultiplier: sigma, direction: direction, discretization: h
            ).selfComposed(steps)
        }
    }

    /// ε at δ for `steps` steps (0 for no steps).
    public static func epsilon(
        samplingRate q: Double, noiseMultiplier sigma: Double, steps: Int, delta: Double,
        discretization h: Double = 1e-4
    ) -> Double {
        guard steps > 0 else { return 0 }
        return distributions(samplingRate: q, noiseMultiplier: sigma, steps: steps, discretization: h)
            .map { $0.epsilon(delta: delta) }.max() ?? 0
    }

    /// δ at ε for `steps` steps.
    public static func delta(
        samplingRate q: Double, noiseMultiplier sigma: Double, steps: Int, epsilon: Double,
        discretization h: Double = 1e-4
    ) -> Double {
        guard steps > 0 else { return 0 }
        return distributions(samplingRate: q, noiseMultiplier: sigma, steps: steps, discretization: h)
            .map { $0.delta(epsilon: epsilon) }.max() ?? 0
    }
}
