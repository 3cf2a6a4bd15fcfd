import CharterAccounting

/// Converts a Rényi-DP curve to an (ε, δ) guarantee, by CharterAccounting's RDP accountant.
enum RDPConversion {
    /// The smallest ε over the grid for which the curve gives (ε, δ)-DP, and the order that attains it.
    ///
    /// The improved conversion of Balle et al. 2020 (Thm. 21) and Canonne–Kamath–Steinke 2020
    /// (Prop. 12), with dp-accounting 0.6.0's conventions (`rdp_privacy_accountant.compute_epsilon`):
    ///
    ///     ε(α) = RDP(α) + ln(1 − 1/α) − (ln δ + ln α)/(α − 1)   for α > 1.01,
    ///
    /// ε = 0 at an order where δ² + e^(−RDP(α)) > 1 (the bound through the KL divergence), no bound
    /// at orders ≤ 1.01, and the minimum clamped at 0.
    /// - Returns: `nil` when δ is not in (0, 1), so no order gives a finite bound.
    /// - Complexity: O(n) in the number of orders.
    static func epsilon(_ curve: RDPCurve, delta: Double) -> (epsilon: Double, order: Double)? {
        guard delta > 0, delta < 1 else { return nil }
        let converted = RDPAccountant(orders: .dpAccounting, curve: curve.values).epsilon(delta: delta)
        return converted.order.map { (converted.epsilon, $0) }
    }
}
