#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// How the series for fractional orders treats the sign of the generalised binomial C(α, i).
public enum FractionalOrderSeries: String, Sendable, Hashable, Codable, CaseIterable {
    /// The signed coefficients, as Mironov, Talwar and Zhang (2019, §3.3) derive them and Opacus 1.6
    /// sums them: the exact Rényi divergence (agrees with quadrature to about 1e-10). The default.
    case signed
    /// |C(α, i)|, as dp-accounting 0.6.0 sums them (through `gammaln`): a slight upper bound on the
    /// divergence, kept to reproduce dp-accounting's numbers. Like dp-accounting, an order whose
    /// series has not converged after 1000 terms is dropped (its divergence is +∞).
    case dpAccounting = "dp-accounting"
}

/// Rényi differential privacy of one step of the Poisson-subsampled Gaussian mechanism.
///
/// Reference: I. Mironov, K. Talwar, L. Zhang, "Rényi Differential Privacy of the Sampled Gaussian
/// Mechanism", arXiv:1908.10530 (2019). With μ₀ = N(0, σ²) and μ₁ = (1−q)·N(0, σ²) + q·N(1, σ²),
/// one step has RDP(α) = D_α(μ₁‖μ₀) = ln A_α / (α − 1), which MTZ19 show is the worse direction.
public enum SubsampledGaussianRDP {
    /// RDP(α) of one step with sampling rate `q` and noise multiplier `σ` (noise standard deviation
    /// over L2 sensitivity). +∞ when σ = 0 or a fractional-order series does not converge.
    ///
    /// - Precondition: 0 ≤ q ≤ 1, σ ≥ 0, α > 1, all finite.
    /// - Complexity: O(α) terms for an integer order; for a fractional order, until the terms fall
    ///   below e^−36 of the total (at most 10,000).
    public static func rdp(
        samplingRate q: Double, noiseMultiplier sigma: Double, order alpha: Double,
        series: FractionalOrderSeries = .signed
    ) -> Double {
        precondition(q >= 0 && q <= 1, "sampling rate must lie in [0, 1]")
        precondition(sigma >= 0 && sigma.isFinite, "noise multiplier must be finite and non-negative")
        precondition(alpha > 1 && alpha.isFinite, "Rényi order must be finite and greater than 1")
        if q == 0 { return 0 }
        if sigma == 0 { return .infinity }
        // q = 1 is the plain Gaussian mechanism: RDP(α) = α / (2σ²) (Mironov 2017, Prop. 7).
        if q == 1 { return alpha / (2 * sigma * sigma) }
        let logA: Double
        if alpha.rounded(.down) == alpha, alpha <= 1_048_576 {
            logA = logAInteger(q: q, sigma: sigma, alpha: Int(alpha))
        } else {
            switch series {
            case .signed: logA = logAFractionalSigned(q: q, sigma: sigma, alpha: alpha)
            case .dpAccounting: logA = logAFractionalUnsigned(q: q, sigma: sigma, alpha: alpha)
            }
        }
        return logA / (alpha - 1)
    }

    /// ln A_α for integer α: A_α = Σ_{k=0…α} C(α,k)(1−q)^{α−k} q^k exp((k²−k)/(2σ²)) (MTZ19 §3.2).
    static func logAInteger(q: Double, sigma: Double, alpha: Int) -> Double {
        let logQ = log(q)
        let log1mQ = log1p(-q)
        let inverseTwoSigmaSquared = 1 / (2 * sigma * sigma)
        var total = LogSumExp()
        var logBinomial = 0.0
        for k in 0...alpha {
            if k > 0 { logBinomial += log(Double(alpha - k + 1)) - log(Double(k)) }
            let kd = Double(k)
            total.add(logBinomial + kd * logQ + Double(alpha - k) * log1mQ + (kd * kd - kd) * inverseTwoSigmaSquared)
        }
        return total.value
    }

    /// One pair of terms of the fractional-order series (MTZ19 §3.3): with z₀ = σ² ln(1/q − 1) + ½ and
    /// j = α − i, s₀ = |C(α,i)| q^i (1−q)^j e^{(i²−i)/(2σ²)} ½erfc((i−z₀)/(√2σ)) and
    /// s₁ = |C(α,i)| q^j (1−q)^i e^{(j²−j)/(2σ²)} ½erfc((z₀−j)/(√2σ)), in logs.
    private struct FractionalTerms {
        let logQ: Double
        let log1mQ: Double
        let z0: Double
        let sigma: Double
        let alpha: Double

        init(q: Double, sigma: Double, alpha: Double) {
            logQ = log(q)
            log1mQ = log1p(-q)
            z0 = sigma * sigma * log(1 / q - 1) + 0.5
            self.sigma = sigma
            self.alpha = alpha
        }

        func callAsFunction(_ i: Int, logBinomial: Double) -> (Double, Double) {
            let id = Double(i)
            let j = alpha - id
            let twoSigmaSquared = 2 * sigma * sigma
            let rootTwoSigma = 2.0.squareRoot() * sigma
            let s0 =
                logBinomial + id * logQ + j * log1mQ + (id * id - id) / twoSigmaSquared
                - 0.6931471805599453 + SpecialFunctions.logErfc((id - z0) / rootTwoSigma)
            let s1 =
                logBinomial + j * logQ + id * log1mQ + (j * j - j) / twoSigmaSquared
                - 0.6931471805599453 + SpecialFunctions.logErfc((z0 - j) / rootTwoSigma)
            return (s0, s1)
        }
    }

    /// The signed series: positive and negative terms are summed apart and subtracted once.
    static func logAFractionalSigned(q: Double, sigma: Double, alpha: Double) -> Double {
        let terms = FractionalTerms(q: q, sigma: sigma, alpha: alpha)
        var logPositive = -Double.infinity
        var logNegative = -Double.infinity
        var logBinomial = 0.0
        var negative = false
        var last = (Double.infinity, Double.infinity)
        for i in 0..<10_000 {
            if i > 0 {
                let factor = (alpha - Double(i - 1)) / Double(i)
                if factor < 0 { negative.toggle() }
                logBinomial += log(Swift.abs(factor))
            }
            let (s0, s1) = terms(i, logBinomial: logBinomial)
            let pair = SpecialFunctions.logAdd(s0, s1)
            if negative {
                logNegative = SpecialFunctions.logAdd(logNegative, pair)
            } else {
                logPositive = SpecialFunctions.logAdd(logPositive, pair)
            }
            // Past i > α the signs alternate and the terms shrink: stop once both are falling and
            // negligible (below e^−36 ≈ 2e−16 of the total).
            if Double(i) > alpha, s0 < last.0, s1 < last.1, Swift.max(s0, s1) < logPositive - 36 {
                return SpecialFunctions.logSub(logPositive, Swift.min(logNegative, logPositive))
            }
            last = (s0, s1)
        }
        return .infinity
    }

    /// dp-accounting 0.6.0's series: magnitudes of C(α, i), at most 1000 terms, its stopping rule
    /// (both terms falling and below e^−30 of the total).
    static func logAFractionalUnsigned(q: Double, sigma: Double, alpha: Double) -> Double {
        let terms = FractionalTerms(q: q, sigma: sigma, alpha: alpha)
        var logA0 = -Double.infinity
        var logA1 = -Double.infinity
        var logBinomial = 0.0
        var last = (-Double.infinity, -Double.infinity)
        for i in 0..<1000 {
            if i > 0 { logBinomial += log(Swift.abs((alpha - Double(i - 1)) / Double(i))) }
            let (s0, s1) = terms(i, logBinomial: logBinomial)
            logA0 = SpecialFunctions.logAdd(logA0, s0)
            logA1 = SpecialFunctions.logAdd(logA1, s1)
            let total = SpecialFunctions.logAdd(logA0, logA1)
            if s0 < last.0, s1 < last.1, Swift.max(s0, s1) < total - 30 { return total }
            last = (s0, s1)
        }
        return .infinity
    }
}
