/// The discrete Laplace distribution on ℤ with scale t/s: P(Y = y) ∝ exp(−|y|·s/t).
///
/// Reference: Canonne, Kamath, Steinke (NeurIPS 2020), Algorithm 2, in integer arithmetic:
/// 1. draw U uniform on {0, …, t−1} and keep it with probability e^{−U/t}, else restart;
/// 2. V = the number of consecutive Bernoulli(e^−1) successes;
/// 3. Y = ⌊(U + tV)/s⌋ and a fair bit B; restart if B = 1 and Y = 0; return (1 − 2B)·Y.
///
/// Adding it to an integer query of L1 sensitivity Δ is (Δ·s/t)-DP.
package struct DiscreteLaplace: Sendable, Hashable {
    /// t, the scale's numerator.
    package let scaleNumerator: UInt64
    /// s, the scale's denominator.
    package let scaleDenominator: UInt64

    /// The largest scale accepted: 2^48, so that |Y| < 2^63 except with probability below e^−32768.
    package static let maximumScale: UInt64 = 1 << 48

    /// The distribution with scale `numerator/denominator`.
    ///
    /// - Precondition: both positive, numerator/denominator ≤ 2^48.
    package init(scaleNumerator t: UInt64, scaleDenominator s: UInt64) {
        precondition(t > 0 && s > 0, "the scale must be positive")
        precondition(t / s < Self.maximumScale, "the scale must be below 2^48")
        scaleNumerator = t
        scaleDenominator = s
    }

    /// The distribution with the rational scale.
    package init(scale: ExactRational) {
        self.init(scaleNumerator: scale.numerator, scaleDenominator: scale.denominator)
    }

    /// One exact draw.
    ///
    /// - Complexity: expected O(1) draws of the generator for a fixed scale.
    package func sample<R: NoiseRandomness>(using random: inout R) -> Int64 {
        let t = scaleNumerator
        let s = scaleDenominator
        while true {
            let u = random.uniform(below: t)
            guard BernoulliExp.sampleFraction(UInt128(u), over: UInt128(t), using: &random) else { continue }
            var v: UInt128 = 0
            while BernoulliExp.sampleExpMinusOne(using: &random) { v += 1 }
            let x = UInt128(u) + UInt128(t) * v
            let y = x / UInt128(s)
            let negative = random.fairBit()
            if negative && y == 0 { continue }
            // |Y| ≥ 2^63 has probability below e^{−2^15} at the largest scale; such a draw is
            // redrawn rather than wrapped (see `maximumScale`).
            guard y < UInt128(Int64.max) else { continue }
            return negative ? -Int64(y) : Int64(y)
        }
    }
}
