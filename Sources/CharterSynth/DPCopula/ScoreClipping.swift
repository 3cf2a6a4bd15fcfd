/// The radius `dp-copula` clips each record's normal-score vector s to before it sums the score
/// products, chosen from the **released** marginals and the planned budget only (post-processing:
/// it reads no row).
///
/// The products' L2 sensitivity is R²/√2, so the noise on every correlation grows with R², while
/// clipping biases the correlations of the records it touches. The old fixed default, √(3d), sized
/// the noise for a record three times as far out as a typical one, which tripled the noise where
/// noise is what limits the fit (ACTG 175's 24 columns at ε = 1). The default now clips only as
/// far as the noise asks:
/// - under the released marginals with independent columns, ‖s‖² has mean μ = Σⱼ (1 − mⱼ)·Σ_b
///   pⱼ_b·sⱼ_b² (a missing value scores 0) and variance σ² = Σⱼ Var(sⱼ²);
/// - R² is the radius at which a typical correlation's noise standard deviation is
///   ``targetNoiseSD``, held to [μ + σ, max(μ + σ, 3d)]: where the budget is small it clips at
///   μ + σ (a third of 3d on ACTG 175), where it is ample it clips as little as before.
///
/// Clipping shrinks the products of the records it touches, and correlated columns spread ‖s‖²
/// wider than independent ones, so the shrinkage is not known in advance: the released vector
/// carries each column's clipped sum of squares as well (at no extra noise,
/// ``DPCopulaGenerator/scoreProducts(_:_:rows:radius:)``), and the correlation estimate divides
/// each pair by the share of its columns' squares the clipping kept. Where many columns share a
/// strong common factor the pairs shrink more than the squares, and some bias remains.
enum ScoreClipping {
    /// The typical correlation noise standard deviation below which clipping harder buys less
    /// than its bias costs.
    static let targetNoiseSD = 0.02

    /// The default radius for these released marginals, the noisy row count and the
    /// correlation's ρ: see the type's description. 1 when every column scores 0.
    static func defaultRadius(_ marginals: [NoisyMarginal], noisyRows: Double, correlationRho: Double) -> Double {
        var mean = 0.0
        var variance = 0.0
        for marginal in marginals {
            // E[s²] is the score variance (Σ p_b·s_b²) on present values; E[s⁴] is summed here.
            let present = 1 - marginal.missingRate
            let second = marginal.scoreVariance
            var fourth = 0.0
            for (p, s) in zip(marginal.probabilities, marginal.binScores) { fourth += p * s * s * s * s }
            mean += present * second
            variance += max(present * fourth - present * second * present * second, 0)
        }
        let d = Double(marginals.count)
        let lowest = mean + variance.squareRoot()
        guard lowest > 0 else { return 1 }
        // A pair's noise sd is (R²/√2)/√(2ρ) over n̂·(1 − m)²·v²; at the columns' mean (1 − m)·v,
        // which is μ/d:
        let scale = max(noisyRows, 1) * (mean / d) * (mean / d)
        let atTarget = targetNoiseSD * scale * 2.0.squareRoot() * (2 * correlationRho).squareRoot()
        let squared = min(max(atTarget, lowest), max(lowest, 3 * d))
        return squared.squareRoot()
    }
}
