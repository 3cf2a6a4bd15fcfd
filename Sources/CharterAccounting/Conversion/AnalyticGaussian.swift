#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The exact (ε, δ) of the Gaussian mechanism, and its calibration.
///
/// Reference: B. Balle, Y.-X. Wang, "Improving the Gaussian Mechanism for Differential Privacy:
/// Analytical Calibration and Optimal Denoising", ICML 2018, Thm. 8: adding N(0, σ²) to a query of L2
/// sensitivity Δ is (ε, δ)-DP if and only if Φ(Δ/(2σ) − εσ/Δ) − e^ε·Φ(−Δ/(2σ) − εσ/Δ) ≤ δ.
public enum AnalyticGaussian {
    /// The smallest δ for which N(0, σ²) noise on a query of L2 sensitivity Δ is (ε, δ)-DP.
    public static func delta(sigma: Double, epsilon: Double, sensitivity: Double = 1) -> Double {
        let a = sensitivity / (2 * sigma) - epsilon * sigma / sensitivity
        let b = -sensitivity / (2 * sigma) - epsilon * sigma / sensitivity
        let logFirst = SpecialFunctions.logNormalCDF(a)
        let logSecond = epsilon + SpecialFunctions.logNormalCDF(b)
        if logSecond >= logFirst { return 0 }
        // Φ(a) − e^ε Φ(b) = Φ(a)(1 − e^{ln(e^ε Φ(b)) − ln Φ(a)}), without cancellation.
        return exp(logFirst) * -expm1(logSecond - logFirst)
    }

    /// The smallest σ for which Gaussian noise on a query of L2 sensitivity Δ is (ε, δ)-DP.
    ///
    /// The left side of the condition decreases in σ; the root is bracketed and bisected until the
    /// bracket is two adjacent doubles, and the upper end is returned, so `delta(σ, ε) ≤ δ` holds.
    ///
    /// - Precondition: ε > 0, 0 < δ < 1, Δ > 0, all finite.
    public static func sigma(epsilon: Double, delta: Double, sensitivity: Double = 1) -> Double {
        precondition(epsilon > 0 && epsilon.isFinite, "ε must be positive and finite")
        precondition(delta > 0 && delta < 1, "δ must lie in (0, 1)")
        precondition(sensitivity > 0 && sensitivity.isFinite, "sensitivity must be positive and finite")
        return Bisection.smallestSatisfying(start: sensitivity) { sigma in
            Self.delta(sigma: sigma, epsilon: epsilon, sensitivity: sensitivity) <= delta
        }
    }

    /// The smallest ε for which N(0, σ²) noise on a query of L2 sensitivity Δ is (ε, δ)-DP.
    ///
    /// - Precondition: σ > 0, 0 < δ < 1, Δ > 0.
    public static func epsilon(sigma: Double, delta: Double, sensitivity: Double = 1) -> Double {
        precondition(sigma > 0 && sigma.isFinite, "σ must be positive and finite")
        precondition(delta > 0 && delta < 1, "δ must lie in (0, 1)")
        precondition(sensitivity > 0 && sensitivity.isFinite, "sensitivity must be positive and finite")
        if Self.delta(sigma: sigma, epsilon: 0, sensitivity: sensitivity) <= delta { return 0 }
        return Bisection.smallestSatisfying(start: 1) { epsilon in
            Self.delta(sigma: sigma, epsilon: epsilon, sensitivity: sensitivity) <= delta
        }
    }

    /// The classic calibration σ = Δ√(2 ln(1.25/δ))/ε (Dwork & Roth 2014, Thm. A.1).
    ///
    /// Proven only for ε < 1: at ε = 10, δ = 1e−5 it gives 0.4845 where 0.4999 is needed.
    public static func classicSigma(epsilon: Double, delta: Double, sensitivity: Double = 1) -> Double {
        sensitivity * (2 * log(1.25 / delta)).squareRoot() / epsilon
    }
}
