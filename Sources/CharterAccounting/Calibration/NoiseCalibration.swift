/// Inverse problems: how much noise a target (ε, δ) needs.
public enum NoiseCalibration {
    /// The smallest noise multiplier σ for which `steps` steps of the Poisson-subsampled Gaussian at
    /// rate q are (ε, δ)-DP by the RDP accountant's improved conversion.
    ///
    /// ε(σ) decreases in σ; the root is bisected until the bracket is two adjacent doubles and the
    /// upper end is returned, so `ε(σ) ≤ target` holds for the returned σ.
    ///
    /// - Precondition: ε > 0, 0 < q ≤ 1, steps ≥ 1, 0 < δ < 1.
    public static func noiseMultiplier(
        targetEpsilon epsilon: Double, samplingRate q: Double, steps: Int, delta: Double,
        orders: RDPOrders = .dpAccounting, series: FractionalOrderSeries = .signed
    ) -> Double {
        precondition(epsilon > 0 && epsilon.isFinite, "ε must be positive and finite")
        precondition(q > 0 && q <= 1 && steps >= 1 && delta > 0 && delta < 1, "need 0 < q ≤ 1, steps ≥ 1, 0 < δ < 1")
        return Bisection.smallestSatisfying(start: 1) { sigma in
            var accountant = RDPAccountant(orders: orders, series: series)
            accountant.composePoissonSubsampledGaussian(samplingRate: q, noiseMultiplier: sigma, steps: steps)
            return accountant.epsilon(delta: delta).epsilon <= epsilon
        }
    }

    /// The smallest noise multiplier (to a relative `tolerance`) for which `steps` steps are (ε, δ)-DP
    /// by the PLD accountant; ε(σ) ≤ target holds for the returned σ.
    ///
    /// - Precondition: as for the RDP version; tolerance > 0.
    public static func noiseMultiplierPLD(
        targetEpsilon epsilon: Double, samplingRate q: Double, steps: Int, delta: Double,
        discretization: Double = 1e-4, tolerance: Double = 1e-6
    ) -> Double {
        precondition(epsilon > 0 && epsilon.isFinite, "ε must be positive and finite")
        precondition(q > 0 && q <= 1 && steps >= 1 && delta > 0 && delta < 1, "need 0 < q ≤ 1, steps ≥ 1, 0 < δ < 1")
        precondition(tolerance > 0, "the tolerance must be positive")
        return Bisection.smallestSatisfying(start: 1, relativeTolerance: tolerance) { sigma in
            PLDAccountant.epsilon(
                samplingRate: q, noiseMultiplier: sigma, steps: steps, delta: delta, discretization: discretization)
                <= epsilon
        }
    }
}
