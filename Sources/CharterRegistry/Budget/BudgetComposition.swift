#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// What a set of ledger events spends together, as one (ε, δ) guarantee.
public struct BudgetSpend: Sendable, Hashable {
    /// The ε spent, or `nil` when the events admit no finite ε within the δ cap (RDP or zCDP
    /// events with no δ left to convert them at).
    public var epsilon: Decimal?
    /// The δ spent.
    public var delta: Decimal
    /// How the events were composed.
    public var method: Method

    /// The composition used.
    public enum Method: Sendable, Hashable {
        /// Nothing was spent.
        case none
        /// Basic composition: the ε and δ of every event added (Dwork–Roth 2014, Thm. 3.16).
        case basic
        /// The zCDP and RDP events summed into one curve and converted once at δ = `delta`
        /// (the part of the δ cap the (ε, δ) events leave), the rest added by basic composition.
        case renyi(order: Double, conversionDelta: Decimal)
    }

    /// Nothing spent.
    public static let zero = BudgetSpend(epsilon: 0, delta: 0, method: .none)

    /// Whether this spend stays within the cap.
    public func fits(_ cap: BudgetCap) -> Bool {
        guard let epsilon else { return false }
        return epsilon <= cap.epsilon && delta <= cap.delta
    }
}

/// Composes a source's ledger events into one (ε, δ) spend.
///
/// - Pure ε and (ε, δ) events compose by basic composition: their ε and δ add, exactly.
/// - zCDP events add their ρ and RDP events add their curves (Mironov 2017, Prop. 1); ρ-zCDP is the
///   curve αρ (Bun–Steinke 2016). The total curve is converted to ε **once**, at δ = the cap's δ
///   less the δ of the (ε, δ) events, with the improved conversion (``RDPConversion``).
/// - When both kinds are present, pure ε events are also tried inside the curve, as
///   RDP(α) ≤ min(ε, αε²/2) (ε-DP implies ε²/2-zCDP, Bun–Steinke 2016 Prop. 1.4; and D_α ≤ D_∞ = ε),
///   and the smaller of the two totals is reported. Both are valid bounds.
///
/// Events are composed as a ``PrivacyCostTally``: n events of one cost add n times its value, as
/// one product, in the order the distinct costs first occur. So the floating-point sums (curves,
/// pure ε inside the curve) depend only on the distinct costs and their counts, and a store that
/// counts its live costs in SQL gets the spend a statement composes from every event, bit for bit.
/// (With no cost repeated this is the event-by-event sum.)
///
/// The ε of a conversion is a binary float; it enters the exact total rounded **up** to a multiple
/// of 10⁻⁹ plus one such step, so rounding can only over-count.
public enum BudgetComposition {
    /// The spend of `costs` when the source's δ cap is `deltaCap`.
    /// - Complexity: O(n + d·k) for n events, d distinct costs and k = 156 orders.
    public static func compose(_ costs: [PrivacyCost], deltaCap: Decimal) -> BudgetSpend {
        compose(PrivacyCostTally(costs), deltaCap: deltaCap)
    }

    /// The spend of the events `tally` counts when the source's δ cap is `deltaCap`.
    /// - Complexity: O(d·k) for d distinct costs and k = 156 orders.
    public static func compose(_ tally: PrivacyCostTally, deltaCap: Decimal) -> BudgetSpend {
        guard !tally.isEmpty else { return .zero }
        var pureEpsilon: Decimal = 0
        var pureEpsilons: [(epsilon: Decimal, count: Int)] = []
        var approximateEpsilon: Decimal = 0
        var approximateDelta: Decimal = 0
        var rho: Decimal = 0
        var curve = RDPCurve.zero
        var hasCurve = false
        for entry in tally.entries {
            let count = Decimal(entry.count)
            switch entry.cost {
            case .pure(let epsilon):
                pureEpsilon += epsilon * count
                pureEpsilons.append((epsilon, entry.count))
            case .approximate(let epsilon, let delta):
                approximateEpsilon += epsilon * count
                approximateDelta += delta * count
            case .zeroConcentrated(let value):
                rho += value * count
                hasCurve = true
            case .renyi(let events):
                curve = curve + events.scaled(by: entry.count)
                hasCurve = true
            }
        }
        guard hasCurve else {
            return BudgetSpend(epsilon: pureEpsilon + approximateEpsilon, delta: approximateDelta, method: .basic)
        }
        let conversionDelta = deltaCap - approximateDelta
        guard conversionDelta > 0, let deltaValue = double(conversionDelta) else {
            return BudgetSpend(epsilon: nil, delta: approximateDelta, method: .basic)
        }
        let rhoValue = double(rho) ?? .infinity
        let total = curve.adding { $0 * rhoValue }
        guard let separate = RDPConversion.epsilon(total, delta: deltaValue) else {
            return BudgetSpend(epsilon: nil, delta: approximateDelta, method: .basic)
        }
        var best = (epsilon: pureEpsilon + approximateEpsilon + roundedUp(separate.epsilon), order: separate.order)
        if !pureEpsilons.isEmpty {
            let pure = pureEpsilons.compactMap { entry in double(entry.epsilon).map { ($0, Double(entry.count)) } }
            let folded = total.adding { order in
                pure.reduce(0) { sum, entry in sum + entry.1 * min(entry.0, order * entry.0 * entry.0 / 2) }
            }
            if let together = RDPConversion.epsilon(folded, delta: deltaValue) {
                let epsilon = approximateEpsilon + roundedUp(together.epsilon)
                if epsilon < best.epsilon { best = (epsilon, together.order) }
            }
        }
        return BudgetSpend(
            epsilon: best.epsilon, delta: approximateDelta + conversionDelta,
            method: .renyi(order: best.order, conversionDelta: conversionDelta))
    }

    /// The ε of a zCDP or RDP cost on its own, at δ; `nil` when there is none. For display of
    /// single events; budgets always compose whole ledgers.
    static func standaloneEpsilon(_ cost: PrivacyCost, delta: Decimal) -> Decimal? {
        compose([cost], deltaCap: delta).epsilon
    }

    static func double(_ value: Decimal) -> Double? {
        Double(value.description)
    }

    /// `value` rounded up to a multiple of 10⁻⁹, plus 10⁻⁹ for the error of the float product.
    static func roundedUp(_ value: Double) -> Decimal {
        let scaled = (value * 1e9).rounded(.up)
        guard scaled.isFinite, scaled < 9e15 else { return Decimal(string: "9e15") ?? Decimal(Int64.max) }
        return Decimal(Int64(scaled) + 1) / Decimal(1_000_000_000)
    }
}
