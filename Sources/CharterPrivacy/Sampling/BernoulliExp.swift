/// Exact Bernoulli(exp(−γ)) for rational γ ≥ 0, in integer arithmetic.
///
/// Reference: C. Canonne, G. Kamath, T. Steinke, "The Discrete Gaussian for Differential Privacy",
/// NeurIPS 2020, Algorithm 1. For γ ∈ [0, 1]: draw A_K ~ Bernoulli(γ/K) for K = 1, 2, … until one is
/// 0, and return 1 iff that K is odd. For γ > 1: ⌊γ⌋ draws of Bernoulli(e^−1) (any 0 returns 0), then
/// one Bernoulli(e^{−(γ − ⌊γ⌋)}).
package enum BernoulliExp {
    /// Bernoulli(exp(−n/d)) for n ≤ d (γ ∈ [0, 1]).
    ///
    /// Bernoulli(γ/K) is drawn as Bernoulli(n/d) ∧ Bernoulli(1/K), which has the same law (the two are
    /// independent) and keeps every bound within 128 bits however large K grows.
    package static func sampleFraction<R: NoiseRandomness>(_ n: UInt128, over d: UInt128, using random: inout R) -> Bool
    {
        precondition(d > 0 && n <= d, "γ must lie in [0, 1]")
        if n == 0 { return true }
        var k: UInt64 = 1
        while true {
            let success = random.bernoulli(n, over: d) && random.uniform(below: k) == 0
            if !success { return k & 1 == 1 }
            k += 1
        }
    }

    /// Bernoulli(e^−1).
    @inline(__always)
    package static func sampleExpMinusOne<R: NoiseRandomness>(using random: inout R) -> Bool {
        sampleFraction(1, over: 1, using: &random)
    }

    /// Bernoulli(exp(−(integerPart + n/d))) with n < d. A `nil` integer part stands for one beyond
    /// 128 bits: the loop of Bernoulli(e^−1) draws then simply runs until its first 0, which it reaches
    /// after about 1.6 draws, so the result stays exact.
    package static func sample<R: NoiseRandomness>(
        integerPart: UInt128?, fraction n: UInt128, over d: UInt128, using random: inout R
    ) -> Bool {
        if let integerPart {
            var remaining = integerPart
            while remaining > 0 {
                if !sampleExpMinusOne(using: &random) { return false }
                remaining -= 1
            }
        } else {
            while sampleExpMinusOne(using: &random) {}
            return false
        }
        return sampleFraction(n, over: d, using: &random)
    }

    /// Bernoulli(exp(−n/d)) for any n, d > 0.
    package static func sample<R: NoiseRandomness>(_ n: UInt128, over d: UInt128, using random: inout R) -> Bool {
        precondition(d > 0, "the denominator must be positive")
        return sample(integerPart: n / d, fraction: n % d, over: d, using: &random)
    }
}
