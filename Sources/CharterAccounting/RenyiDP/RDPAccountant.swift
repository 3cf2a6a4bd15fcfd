#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Composes mechanisms by adding their Rényi-DP curves order by order, and converts the total to
/// (ε, δ) once, at the end.
///
/// Composition of RDP is additive at every order (Mironov 2017, Prop. 1); converting the total curve
/// is tighter than adding per-mechanism ε.
public struct RDPAccountant: Sendable, Hashable {
    /// The orders the curve is tracked at.
    public let orders: RDPOrders
    /// How fractional orders of the subsampled Gaussian are summed.
    public let series: FractionalOrderSeries
    /// The total RDP at each order, in the same order as `orders.values`.
    public private(set) var curve: [Double]

    /// An accountant with nothing spent yet.
    public init(orders: RDPOrders = .dpAccounting, series: FractionalOrderSeries = .signed) {
        self.orders = orders
        self.series = series
        self.curve = Array(repeating: 0, count: orders.values.count)
    }

    /// An accountant holding a curve composed elsewhere (the ledger's sum of events), one value
    /// per order of `orders`, to convert it with ``epsilon(delta:)``.
    public init(orders: RDPOrders, curve: [Double]) {
        precondition(curve.count == orders.values.count, "one RDP value per order")
        self.orders = orders
        self.series = .signed
        self.curve = curve
    }

    /// Adds `steps` steps of the Poisson-subsampled Gaussian mechanism (DP-SGD).
    ///
    /// - Precondition: 0 ≤ q ≤ 1, σ ≥ 0, steps ≥ 0.
    /// - Complexity: one per-step curve (see ``SubsampledGaussianRDP``), then O(orders).
    public mutating func composePoissonSubsampledGaussian(
        samplingRate q: Double, noiseMultiplier sigma: Double, steps: Int
    ) {
        precondition(steps >= 0, "steps must be non-negative")
        guard steps > 0 else { return }
        for (index, alpha) in orders.values.enumerated() {
            let perStep = SubsampledGaussianRDP.rdp(
                samplingRate: q, noiseMultiplier: sigma, order: alpha, series: series)
            curve[index] += perStep == 0 ? 0 : Double(steps) * perStep
        }
    }

    /// Adds `count` Gaussian releases with noise multiplier σ (RDP(α) = α/(2σ²), Mironov 2017, Prop. 7).
    public mutating func composeGaussian(noiseMultiplier sigma: Double, count: Int = 1) {
        composePoissonSubsampledGaussian(samplingRate: 1, noiseMultiplier: sigma, steps: count)
    }

    /// Adds `count` Laplace releases whose pure-DP parameter is ε₀ = Δ/b.
    ///
    /// Mironov 2017, Prop. 6: RDP(α) = ε₀ + ln(1 + (α−1)(e^{(1−2α)ε₀} − 1)/(2α−1)) / (α−1).
    public mutating func composeLaplace(epsilon0: Double, count: Int = 1) {
        precondition(epsilon0 >= 0 && epsilon0.isFinite && count >= 0, "ε₀ must be finite and non-negative")
        for (index, alpha) in orders.values.enumerated() {
            let perRelease =
                epsilon0 + log1p((alpha - 1) * expm1((1 - 2 * alpha) * epsilon0) / (2 * alpha - 1)) / (alpha - 1)
            curve[index] += Double(count) * perRelease
        }
    }

    /// Adds a ρ-zCDP mechanism: RDP(α) ≤ αρ at every order (Bun & Steinke 2016, Def. 1.1).
    public mutating func composeZeroConcentrated(rho: Double) {
        precondition(rho >= 0 && rho.isFinite, "ρ must be finite and non-negative")
        for (index, alpha) in orders.values.enumerated() { curve[index] += alpha * rho }
    }

    /// Adds another accountant's curve at the same orders.
    public mutating func compose(_ other: RDPAccountant) {
        precondition(other.orders == orders, "accountants must track the same orders")
        for index in curve.indices { curve[index] += other.curve[index] }
    }

    /// The smallest ε such that the composition is (ε, δ)-DP, by the improved conversion, and the
    /// order that attains it (`nil` when no order gives a finite bound).
    ///
    /// Balle, Barthe, Gaboardi, Hsu, Sato (2020), Thm. 21; Canonne, Kamath, Steinke (2020), Prop. 12:
    /// ε = min_α [RDP(α) + ln(1 − 1/α) − (ln δ + ln α)/(α − 1)]. As dp-accounting 0.6.0 does, orders at
    /// or below 1.01 are not used (the bound is unstable there), an order whose divergence satisfies
    /// δ² + e^{−RDP} > 1 gives ε = 0 (Pinsker-type KL bound), and ε is clamped at 0.
    ///
    /// - Precondition: 0 < δ < 1.
    public func epsilon(delta: Double) -> (epsilon: Double, order: Double?) {
        precondition(delta > 0 && delta < 1, "δ must lie in (0, 1)")
        var best = Double.infinity
        var bestOrder: Double?
        for (alpha, r) in zip(orders.values, curve) {
            let candidate: Double
            if r < 0 {
                candidate = 0
            } else if delta * delta + expm1(-r) > 0 {
                candidate = 0
            } else if alpha > 1.01 {
                candidate = r + log1p(-1 / alpha) - log(delta * alpha) / (alpha - 1)
            } else {
                candidate = .infinity
            }
            if candidate < best {
                best = candidate
                bestOrder = alpha
            }
        }
        return (Swift.max(0, best), bestOrder)
    }

    /// ε by the classic conversion (Mironov 2017, Prop. 3): ε = min_α [RDP(α) + ln(1/δ)/(α − 1)].
    ///
    /// Looser than ``epsilon(delta:)``; kept for comparison with older tools.
    public func classicEpsilon(delta: Double) -> (epsilon: Double, order: Double?) {
        precondition(delta > 0 && delta < 1, "δ must lie in (0, 1)")
        var best = Double.infinity
        var bestOrder: Double?
        for (alpha, r) in zip(orders.values, curve) {
            let candidate = r - log(delta) / (alpha - 1)
            if candidate < best {
                best = candidate
                bestOrder = alpha
            }
        }
        return (best, bestOrder)
    }

    /// The smallest δ such that the composition is (ε, δ)-DP, and the order that attains it.
    ///
    /// δ = min_α exp((α−1)(RDP(α) − ε + ln(1 − 1/α)) − ln α) (CKS20, Prop. 12), each order also
    /// capped by √(1 − e^{−RDP(α)}); orders at or below 1.01 use only the cap (dp-accounting 0.6.0).
    ///
    /// - Precondition: ε ≥ 0.
    public func delta(epsilon: Double) -> (delta: Double, order: Double?) {
        precondition(epsilon >= 0 && !epsilon.isNaN, "ε must be non-negative")
        var best = Double.infinity
        var bestOrder: Double?
        for (alpha, r) in zip(orders.values, curve) {
            var logDelta = r <= 0 ? -Double.infinity : 0.5 * log1p(-exp(-r))
            if alpha > 1.01 {
                logDelta = Swift.min(logDelta, (alpha - 1) * (r - epsilon + log1p(-1 / alpha)) - log(alpha))
            }
            if logDelta < best {
                best = logDelta
                bestOrder = alpha
            }
        }
        return (Swift.min(exp(best), 1), bestOrder)
    }
}
