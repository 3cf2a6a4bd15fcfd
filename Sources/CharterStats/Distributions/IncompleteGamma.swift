#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The regularized incomplete gamma functions P(a, x) and Q(a, x) = 1 − P(a, x).
///
/// Reference: the Cephes library's `igam`/`igamc` (S. L. Moshier), as scipy.special used them:
/// a power series for P when x < a or x < 1, Legendre's continued fraction (evaluated with the
/// modified Lentz method) for Q otherwise, each computing the smaller of P and Q directly so that
/// tiny tail probabilities keep their relative accuracy.
public enum IncompleteGamma {
    private static let epsilon = 1e-17
    private static let maxIterations = 100_000

    /// P(a, x) for a > 0, x ≥ 0.
    public static func lower(_ a: Double, _ x: Double) -> Double {
        guard a > 0, x >= 0 else { return .nan }
        if x == 0 { return 0 }
        if x.isInfinite { return 1 }
        if x > 1 && x > a { return 1 - upperContinuedFraction(a, x) }
        return lowerSeries(a, x)
    }

    /// Q(a, x) for a > 0, x ≥ 0.
    public static func upper(_ a: Double, _ x: Double) -> Double {
        guard a > 0, x >= 0 else { return .nan }
        if x == 0 { return 1 }
        if x.isInfinite { return 0 }
        if x < 1 || x < a { return 1 - lowerSeries(a, x) }
        return upperContinuedFraction(a, x)
    }

    /// x^a e^−x / Γ(a), in logs to avoid overflow.
    private static func prefactor(_ a: Double, _ x: Double) -> Double {
        exp(a * log(x) - x - logGamma(a))
    }

    private static func lowerSeries(_ a: Double, _ x: Double) -> Double {
        var term = 1.0
        var sum = 1.0
        var n = a
        for _ in 0..<maxIterations {
            n += 1
            term *= x / n
            sum += term
            if term <= sum * epsilon { break }
        }
        return prefactor(a, x) * sum / a
    }

    private static func upperContinuedFraction(_ a: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        for i in 1...maxIterations {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) <= epsilon { break }
        }
        return prefactor(a, x) * h
    }
}

/// The chi-squared distribution.
public enum ChiSquared {
    /// P(X > x) for `degreesOfFreedom` > 0: Q(k/2, x/2).
    public static func sf(_ x: Double, degreesOfFreedom: Double) -> Double {
        if x <= 0 { return 1 }
        return IncompleteGamma.upper(degreesOfFreedom / 2, x / 2)
    }

    /// P(X ≤ x): P(k/2, x/2).
    public static func cdf(_ x: Double, degreesOfFreedom: Double) -> Double {
        if x <= 0 { return 0 }
        return IncompleteGamma.lower(degreesOfFreedom / 2, x / 2)
    }
}
