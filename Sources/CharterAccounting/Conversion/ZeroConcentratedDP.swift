#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Conversions from zero-concentrated DP (Bun & Steinke 2016): ρ-zCDP means RDP(α) ≤ αρ for all
/// α > 1. ρ adds under composition; the Gaussian and the discrete Gaussian with L2 sensitivity Δ give
/// ρ = Δ²/(2σ²); pure ε-DP implies ε²/2-zCDP.
public enum ZeroConcentratedDP {
    /// Bun & Steinke 2016, Prop. 1.3: ε = ρ + 2√(ρ ln(1/δ)).
    public static func epsilonBunSteinke(rho: Double, delta: Double) -> Double {
        precondition(rho >= 0 && delta > 0 && delta < 1, "need ρ ≥ 0 and 0 < δ < 1")
        return rho + 2 * (rho * log(1 / delta)).squareRoot()
    }

    /// The objective of CKS20 Cor. 13 at order α.
    static func objective(_ alpha: Double, rho: Double, delta: Double) -> Double {
        alpha * rho + (log(1 / delta) + (alpha - 1) * log1p(-1 / alpha) - log(alpha)) / (alpha - 1)
    }

    /// Canonne, Kamath & Steinke 2020, Cor. 13: ε = inf_{α>1} [αρ + (ln(1/δ) + (α−1) ln(1−1/α) − ln α)/(α−1)],
    /// minimised over continuous α; returns ε (clamped at 0) and the minimising α.
    ///
    /// The objective is unimodal in α; a golden-section search runs on ln(α − 1) over a bracket
    /// around the approximate optimum 1 + √(ln(1/δ)/ρ) until it closes.
    public static func epsilon(rho: Double, delta: Double) -> (epsilon: Double, order: Double) {
        precondition(rho >= 0 && rho.isFinite && delta > 0 && delta < 1, "need finite ρ ≥ 0 and 0 < δ < 1")
        if rho == 0 { return (0, .infinity) }
        let guess = (log(1 / delta) / rho).squareRoot()
        var low = log(guess) - 12
        var high = log(guess) + 12
        let ratio = (5.0.squareRoot() - 1) / 2
        func f(_ t: Double) -> Double { objective(1 + exp(t), rho: rho, delta: delta) }
        var x1 = high - ratio * (high - low)
        var x2 = low + ratio * (high - low)
        var f1 = f(x1)
        var f2 = f(x2)
        for _ in 0..<200 {
            if f1 <= f2 {
                high = x2
                x2 = x1
                f2 = f1
                x1 = high - ratio * (high - low)
                f1 = f(x1)
            } else {
                low = x1
                x1 = x2
                f1 = f2
                x2 = low + ratio * (high - low)
                f2 = f(x2)
            }
            if high - low < 1e-12 { break }
        }
        let (t, value) = f1 <= f2 ? (x1, f1) : (x2, f2)
        return (Swift.max(0, value), 1 + exp(t))
    }

    /// The largest ρ whose CKS20 conversion gives at most ε at δ (by bisection).
    public static func rho(epsilon: Double, delta: Double) -> Double {
        precondition(epsilon > 0 && epsilon.isFinite && delta > 0 && delta < 1, "need ε > 0 and 0 < δ < 1")
        // The smallest ρ that exceeds ε, then step down one double.
        let tooMuch = Bisection.smallestSatisfying(start: 1) { rho in
            Self.epsilon(rho: rho, delta: delta).epsilon > epsilon
        }
        return tooMuch.nextDown
    }
}
