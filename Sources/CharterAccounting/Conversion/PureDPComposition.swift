#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Composition of k mechanisms that are each ε₀-DP (Laplace counts and marginals).
public enum PureDPComposition {
    /// Basic composition: kε₀ (δ = 0).
    public static func basic(epsilon0: Double, count k: Int) -> Double {
        precondition(epsilon0 >= 0 && k >= 0, "need ε₀ ≥ 0 and k ≥ 0")
        return Double(k) * epsilon0
    }

    /// Advanced composition (Dwork, Rothblum & Vadhan 2010, Thm. III.3):
    /// ε = ε₀√(2k ln(1/δ)) + kε₀(e^{ε₀} − 1). It can be worse than basic composition.
    public static func advanced(epsilon0: Double, count k: Int, delta: Double) -> Double {
        precondition(epsilon0 >= 0 && k >= 0 && delta > 0 && delta < 1, "need ε₀ ≥ 0, k ≥ 0, 0 < δ < 1")
        let kd = Double(k)
        return epsilon0 * (2 * kd * log(1 / delta)).squareRoot() + kd * epsilon0 * expm1(epsilon0)
    }

    /// The exact δ(ε) of k-fold composition of arbitrary ε₀-DP mechanisms (Kairouz, Oh & Viswanath
    /// 2015, Thm. 3.3): δ = Σ_j C(k,j) p^{k−j}(1−p)^j [1 − e^{ε−(k−2j)ε₀}]₊ with p = e^{ε₀}/(1+e^{ε₀}),
    /// summed in log space.
    public static func optimalDelta(epsilon0: Double, count k: Int, epsilon: Double) -> Double {
        precondition(epsilon0 >= 0 && k >= 0 && epsilon >= 0, "need ε₀, k, ε ≥ 0")
        if epsilon0 == 0 || k == 0 { return 0 }
        let logP = -log1p(exp(-epsilon0))
        let log1mP = -log1p(exp(epsilon0))
        var logBinomial = 0.0
        var total = -Double.infinity
        for j in 0...k {
            if j > 0 { logBinomial += log(Double(k - j + 1)) - log(Double(j)) }
            let exponent = epsilon - Double(k - 2 * j) * epsilon0
            if exponent >= 0 { break }  // the bracket is zero from here on
            let term = logBinomial + Double(k - j) * logP + Double(j) * log1mP + SpecialFunctions.log1mexp(exponent)
            total = SpecialFunctions.logAdd(total, term)
        }
        return exp(total)
    }

    /// The smallest ε with ``optimalDelta(epsilon0:count:epsilon:)`` ≤ δ (KOV15, by bisection); never
    /// more than kε₀.
    public static func optimal(epsilon0: Double, count k: Int, delta: Double) -> Double {
        precondition(delta > 0 && delta < 1, "δ must lie in (0, 1)")
        let basic = basic(epsilon0: epsilon0, count: k)
        if basic == 0 || optimalDelta(epsilon0: epsilon0, count: k, epsilon: 0) <= delta { return 0 }
        let epsilon = Bisection.refine(low: 0, high: basic) {
            optimalDelta(epsilon0: epsilon0, count: k, epsilon: $0) <= delta
        }
        return Swift.min(epsilon, basic)
    }
}
