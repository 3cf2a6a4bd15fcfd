/// The discrete Gaussian N_ℤ(0, σ²) on ℤ: P(Y = y) ∝ exp(−y²/(2σ²)), with rational σ² = n/d.
///
/// Reference: Canonne, Kamath, Steinke (NeurIPS 2020), Algorithm 3. With τ = ⌊σ⌋ + 1, loop: draw
/// Y from the discrete Laplace with scale τ, and return it with probability
/// exp(−(|Y| − σ²/τ)²/(2σ²)). With σ² = n/d that exponent is exactly x²/c, where x = |Y|·τ·d − n and
/// c = 2·n·d·τ², and the Bernoulli is drawn in integer arithmetic (x² has up to 256 bits).
///
/// Adding it to an integer query of L2 sensitivity Δ is Δ²/(2σ²)-zCDP (CKS20, Thm. 4).
package struct DiscreteGaussian: Sendable, Hashable {
    /// σ² as an exact fraction.
    package let variance: ExactRational
    /// τ = ⌊σ⌋ + 1.
    package let tau: UInt64
    private let laplace: DiscreteLaplace
    private let c: UInt128

    /// The distribution with variance parameter σ² = `variance`.
    ///
    /// - Precondition: σ² > 0, numerator and denominator at most 2^62 (``ExactRational`` ensures it).
    package init(variance: ExactRational) {
        precondition(variance.numerator > 0, "σ² must be positive")
        self.variance = variance
        // ⌊√(n/d)⌋ = ⌊√⌊n/d⌋⌋, since k ≤ √x ⟺ k² ≤ x ⟺ k² ≤ ⌊x⌋ for integer k.
        tau = ExactRational.integerSquareRoot(variance.numerator / variance.denominator) + 1
        laplace = DiscreteLaplace(scaleNumerator: tau, scaleDenominator: 1)
        let (dTau, o1) = UInt128(variance.denominator).multipliedReportingOverflow(by: UInt128(tau) * UInt128(tau))
        let (twoN, o2) = UInt128(variance.numerator).multipliedReportingOverflow(by: 2)
        let (product, o3) = dTau.multipliedReportingOverflow(by: twoN)
        precondition(!o1 && !o2 && !o3, "σ² is too large for 128-bit arithmetic")
        c = product
    }

    /// One exact draw.
    ///
    /// - Complexity: expected O(1) rounds (each accepts with probability above ≈ 0.3, CKS20 §5).
    package func sample<R: NoiseRandomness>(using random: inout R) -> Int64 {
        let n = UInt128(variance.numerator)
        let tauD = UInt128(tau) * UInt128(variance.denominator)
        while true {
            let y = laplace.sample(using: &random)
            let (scaled, overflow) = UInt128(y.magnitude).multipliedReportingOverflow(by: tauD)
            let accept: Bool
            if overflow {
                // x ≥ 2^128 − n, so x²/c > 2^128: exp(−x²/c) is drawn exactly by the unbounded loop.
                accept = BernoulliExp.sample(integerPart: nil, fraction: 0, over: 1, using: &random)
            } else {
                let x = scaled >= n ? scaled - n : n - scaled
                let square = x.multipliedFullWidth(by: x)
                if square.high >= c {
                    accept = BernoulliExp.sample(integerPart: nil, fraction: 0, over: 1, using: &random)
                } else {
                    let (quotient, remainder) = c.dividingFullWidth(square)
                    accept = BernoulliExp.sample(integerPart: quotient, fraction: remainder, over: c, using: &random)
                }
            }
            if accept { return y }
        }
    }
}
