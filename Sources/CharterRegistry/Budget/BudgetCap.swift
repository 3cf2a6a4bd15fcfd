#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// A lifetime privacy budget for one source dataset: the (ε, δ) that all runs against it together
/// may spend. Exact decimals, as the policy writes them (`budgets.per_source`).
public struct BudgetCap: Sendable, Hashable {
    /// The ε cap.
    public var epsilon: Decimal
    /// The δ cap.
    public var delta: Decimal

    /// Creates a cap.
    public init(epsilon: Decimal, delta: Decimal) {
        self.epsilon = epsilon
        self.delta = delta
    }

    /// Checks ε ≥ 0 and 0 ≤ δ < 1.
    func validate() throws(RegistryError) {
        guard epsilon.isFinite, epsilon >= 0 else {
            throw .invalidCap("epsilon cap must be a number >= 0, got \(epsilon)")
        }
        guard delta.isFinite, delta >= 0, delta < 1 else {
            throw .invalidCap("delta cap must be in [0, 1), got \(delta)")
        }
    }
}
