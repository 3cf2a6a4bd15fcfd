public import CharterCore

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// What the privacy-budget ledger says about a request's source dataset, handed to a decision
/// by whoever reads the ledger (the policy layer reads no files and no databases).
public struct SourceBudget: Sendable, Equatable {
    /// Where the source stands in the ledger.
    public enum Standing: Sendable, Equatable {
        /// The ledger has no budget for the source: nothing has been spent from it, and its first
        /// run registers the policy's per-source cap.
        case unregistered
        /// The ledger's lifetime cap for the source and what remains of it after everything
        /// committed and every live reservation.
        case registered(capEpsilon: Decimal, capDelta: Decimal, remainingEpsilon: Decimal, remainingDelta: Decimal)
    }

    /// The ledger read, as the decision names it (a registry path).
    public var ledger: String
    /// The source dataset (`source.dataset` of the request).
    public var source: String
    /// Where it stands.
    public var standing: Standing

    /// A source's standing in a ledger.
    public init(ledger: String, source: String, standing: Standing) {
        self.ledger = ledger
        self.source = source
        self.standing = standing
    }
}

/// The lifetime-budget check of a decision (DESIGN §4 `budgets`, §6 "budget before and after"),
/// shared by ``DecisionEvaluator`` and ``DecisionProgram``.
///
/// What remains is the ledger's remainder, tightened to the policy's `budgets.per_source` cap
/// when the policy's cap is the lower one (an overlay may tighten the budget the ledger was
/// registered with). A source the ledger does not know has spent nothing: the policy's cap
/// remains. A request spends the ε and δ its generator states (none for a generator without
/// them); each that is more than what remains is a hard-mandatory violation at the request's
/// value, with the policy's cap as the policy node. The note says what remains before and after.
enum BudgetCheck {
    /// The id of the violations.
    static let id = "budgets.per_source"

    /// The violations and the note for `request` against `budget` under `policy`.
    static func check(_ budget: SourceBudget, policy: Policy, request: GenerationRequest) -> (
        violations: [Decision.Violation], note: String
    ) {
        let caps = policy.budgets
        let remaining: (epsilon: Decimal, delta: Decimal)
        let origin: String
        switch budget.standing {
        case .unregistered:
            guard let epsilon = caps?.perSourceEpsilon?.value else {
                return (
                    [],
                    "budget not checked: source '\(budget.source)' has no budget in the ledger \(budget.ledger) and policy '\(policy.name.value)' sets none"
                )
            }
            remaining = (epsilon, caps?.perSourceDelta?.value ?? 0)
            origin = "not yet in the ledger \(budget.ledger), so the policy's cap"
        case .registered(let capEpsilon, let capDelta, let remainingEpsilon, let remainingDelta):
            remaining = (
                tightened(remainingEpsilon, ledgerCap: capEpsilon, policyCap: caps?.perSourceEpsilon?.value),
                tightened(remainingDelta, ledgerCap: capDelta, policyCap: caps?.perSourceDelta?.value)
            )
            origin = "in the ledger \(budget.ledger)"
        }
        var violations: [Decision.Violation] = []
        let generator = request.generator
        for (field, value, left, cap) in [
            ("epsilon", generator.epsilon, remaining.epsilon, caps?.perSourceEpsilon),
            ("delta", generator.delta, remaining.delta, caps?.perSourceDelta),
        ] {
            guard let value, value.value > left else { continue }
            violations.append(
                Decision.Violation(
                    id: id, enforcement: .hardMandatory, code: .decisionBudgetExceeded,
                    message:
                        "generator.\(field) \(value.text) is more than the \(left) left of the lifetime budget of source '\(budget.source)'",
                    requestLocation: value.location, policyLocation: cap?.location ?? caps?.location,
                    remedy: "generator.\(field) \(value.text) → ≤ \(left)"))
        }
        let spent = (generator.epsilon?.value ?? 0, generator.delta?.value ?? 0)
        let after = violations.isEmpty ? "; after this run: ε \(remaining.epsilon - spent.0), δ \(remaining.delta - spent.1)" : ""
        let note =
            "budget of source '\(budget.source)' (\(origin)): ε \(remaining.epsilon), δ \(remaining.delta) left; "
            + "this request spends ε \(generator.epsilon?.text ?? "0"), δ \(generator.delta?.text ?? "0")" + after
        return (violations, note)
    }

    /// The ledger's remainder, no more than what the policy's lower cap leaves.
    private static func tightened(_ remaining: Decimal, ledgerCap: Decimal, policyCap: Decimal?) -> Decimal {
        guard let policyCap, policyCap < ledgerCap else { return remaining }
        let held = ledgerCap - remaining
        return min(remaining, max(0, policyCap - held))
    }
}
