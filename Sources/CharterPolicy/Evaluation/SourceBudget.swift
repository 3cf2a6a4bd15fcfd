internal import CharterCore

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

    /// A spend as the ledger composes it: one (ε, δ) guarantee for a set of events.
    public struct Spend: Sendable, Equatable {
        /// The ε, or `nil` when the events admit no finite ε within the cap's δ (Rényi or zCDP
        /// events with no δ left to convert them at).
        public var epsilon: Decimal?
        /// The δ.
        public var delta: Decimal

        /// A spend.
        public init(epsilon: Decimal?, delta: Decimal) {
            self.epsilon = epsilon
            self.delta = delta
        }
    }

    /// How the ledger composed a spend.
    public enum Method: Sendable, Equatable {
        /// Nothing was spent.
        case none
        /// Basic composition: every event's ε and δ added.
        case basic
        /// The zCDP and Rényi-DP events summed into one curve and converted to ε once, at the
        /// Rényi order `order` and δ = `conversionDelta` (the part of the cap's δ the (ε, δ) events
        /// leave); the other events added by basic composition.
        case renyi(order: Double, conversionDelta: Decimal)
    }

    /// What the ledger would hold once it reserved the request's run, composed the way the ledger
    /// composes, worked out by whoever read the ledger (the policy layer composes nothing).
    ///
    /// The spends are composed against ``capEpsilon`` and ``capDelta``, the cap the run is judged
    /// by: the ledger's own, tightened component by component to the policy's `budgets.per_source`
    /// where that is lower (a Rényi curve is then converted within the tightened δ). When the
    /// policy's cap is not the lower one, the run fits here exactly when the ledger's reservation
    /// would succeed.
    public struct Composed: Sendable, Equatable {
        /// The ε cap the spends are checked against.
        public var capEpsilon: Decimal
        /// The δ cap the spends are checked against (and Rényi curves converted within).
        public var capDelta: Decimal
        /// What the ledger holds now (committed events and live reservations).
        public var before: Spend
        /// How ``before`` was composed.
        public var beforeMethod: Method
        /// What the run reserves, as the ledger writes it (`ε=1 δ=0.000001`, `ρ=0.2`); `nil`
        /// when the run reserves nothing.
        public var cost: String?
        /// What the ledger would hold with the run reserved.
        public var after: Spend
        /// How ``after`` was composed.
        public var afterMethod: Method
        /// The largest ε the request could state, its δ unchanged, for the run to fit: exact or
        /// rounded down, never more than fits; `nil` when not worked out or when no ε fits.
        public var largestEpsilon: Decimal?
        /// The largest δ the request could state, its ε unchanged, for the run to fit: exact or
        /// rounded down; `nil` when not worked out or when no δ fits.
        public var largestDelta: Decimal?

        /// A composed budget.
        public init(
            capEpsilon: Decimal, capDelta: Decimal, before: Spend, beforeMethod: Method, cost: String?, after: Spend,
            afterMethod: Method, largestEpsilon: Decimal? = nil, largestDelta: Decimal? = nil
        ) {
            self.capEpsilon = capEpsilon
            self.capDelta = capDelta
            self.before = before
            self.beforeMethod = beforeMethod
            self.cost = cost
            self.after = after
            self.afterMethod = afterMethod
            self.largestEpsilon = largestEpsilon
            self.largestDelta = largestDelta
        }

        /// Whether the spend after the run stays within the cap.
        public var fits: Bool {
            guard let epsilon = after.epsilon else { return false }
            return epsilon <= capEpsilon && after.delta <= capDelta
        }
    }

    /// The ledger read, as the decision names it (a registry path).
    public var ledger: String
    /// The source dataset (`source.dataset` of the request).
    public var source: String
    /// Where it stands.
    public var standing: Standing
    /// The ledger's spend before and after the request's run, composed as the ledger composes;
    /// when present the decision judges the run by it, and by ``standing``'s remainders otherwise.
    public var composed: Composed?

    /// A source's standing in a ledger, with the composed spend when the reader worked it out.
    public init(ledger: String, source: String, standing: Standing, composed: Composed? = nil) {
        self.ledger = ledger
        self.source = source
        self.standing = standing
        self.composed = composed
    }
}

/// The lifetime-budget check of a decision (DESIGN §4 `budgets`, §6 "budget before and after"),
/// shared by ``DecisionEvaluator`` and ``DecisionProgram``.
///
/// With a composed budget (``SourceBudget/composed``) the run is judged by what the ledger would
/// hold once it reserved the run, composed the way the ledger composes (Rényi curves converted
/// once): the run is denied exactly when that spend does not fit the cap, which is when the
/// ledger's own reservation would fail (or, where the policy's cap is lower, when the policy's
/// would). The violation is at the request's ε when the ε after the run is over the cap (or the
/// ledger already has no finite ε), and at its δ when the δ is over, or when the run's δ leaves
/// no δ to convert the ledger's Rényi curve at; the remedy names the largest value that fits when
/// the reader worked it out, else what is left.
///
/// Without one, what remains is the ledger's remainder, tightened to the policy's
/// `budgets.per_source` cap when the policy's cap is the lower one (an overlay may tighten the
/// budget the ledger was registered with). A source the ledger does not know has spent nothing:
/// the policy's cap remains. A request spends the ε and δ its generator states (none for a
/// generator without them); each that is more than what remains is a hard-mandatory violation at
/// the request's value, with the policy's cap as the policy node. The note says what remains
/// before and after.
enum BudgetCheck {
    /// The id of the violations.
    static let id = "budgets.per_source"

    /// The violations and the note for `request` against `budget` under `policy`.
    static func check(_ budget: SourceBudget, policy: Policy, request: GenerationRequest) -> (
        violations: [Decision.Violation], note: String
    ) {
        if let composed = budget.composed {
            return check(composed, of: budget, policy: policy, request: request)
        }
        let caps = policy.budgets
        let remaining: (epsilon: Decimal, delta: Decimal)
        let origin: String
        switch budget.standing {
        case .unregistered:
            guard let epsilon = caps?.perSourceEpsilon?.value else {
                return ([], unchecked(budget, policy: policy))
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

    /// The note when neither the ledger nor the policy has a cap for the source.
    private static func unchecked(_ budget: SourceBudget, policy: Policy) -> String {
        "budget not checked: source '\(budget.source)' has no budget in the ledger \(budget.ledger) and policy '\(policy.name.value)' sets none"
    }

    /// The check against the spend the ledger would hold after the run.
    private static func check(
        _ composed: SourceBudget.Composed, of budget: SourceBudget, policy: Policy, request: GenerationRequest
    ) -> (violations: [Decision.Violation], note: String) {
        let caps = policy.budgets
        if case .unregistered = budget.standing, caps?.perSourceEpsilon == nil {
            return ([], unchecked(budget, policy: policy))
        }
        let generator = request.generator
        let before = composed.before
        let after = composed.after
        let rdp = composed.afterMethod.isRenyi || composed.beforeMethod.isRenyi
        // What is left before the run, as the ledger counts it: ε is the cap less the composed ε;
        // a Rényi curve is converted within whatever δ the (ε, δ) events leave, so that is the δ
        // a run's (ε, δ) can still take.
        let leftEpsilon = max(0, composed.capEpsilon - (before.epsilon ?? composed.capEpsilon))
        let leftDelta: Decimal =
            if case .renyi(_, let conversionDelta) = composed.beforeMethod {
                max(0, conversionDelta)
            } else {
                max(0, composed.capDelta - before.delta)
            }
        var violations: [Decision.Violation] = []
        if composed.cost != nil, !composed.fits {
            // The run's δ leaves the ledger's Rényi curve no δ to be converted at.
            let leavesNoDelta = after.epsilon == nil && before.epsilon != nil
            let deltaOver = after.delta > composed.capDelta || leavesNoDelta
            let epsilonOver = after.epsilon.map { $0 > composed.capEpsilon } ?? (before.epsilon == nil)
            let consequence: String =
                if !rdp {
                    ""
                } else if let epsilon = after.epsilon {
                    " (composed by RDP, the run would bring it to ε \(epsilon) of \(composed.capEpsilon))"
                } else if before.epsilon == nil {
                    " (composed by RDP, its (ε, δ) events already leave no δ to convert the Rényi curve at)"
                } else {
                    ""
                }
            for (field, value, left, largest, over, cap) in [
                (
                    "epsilon", generator.epsilon, leftEpsilon, composed.largestEpsilon, epsilonOver,
                    caps?.perSourceEpsilon
                ),
                ("delta", generator.delta, leftDelta, composed.largestDelta, deltaOver, caps?.perSourceDelta),
            ] where over {
                let limit = largest ?? left
                let policyLocation = cap?.location ?? caps?.location
                guard let value else {
                    // The run reserves a value the request does not state (dp-copula without ε
                    // reserves ε 0): the violation is at the generator.
                    violations.append(
                        Decision.Violation(
                            id: id, enforcement: .hardMandatory, code: .decisionBudgetExceeded,
                            message:
                                "generator '\(generator.type.value)' reserves \(composed.cost ?? "nothing") and the lifetime budget of source '\(budget.source)' has no room for it\(consequence)",
                            requestLocation: generator.type.location, policyLocation: policyLocation, remedy: nil))
                    continue
                }
                let message =
                    field == "delta" && leavesNoDelta
                    ? "generator.delta \(value.text) leaves none of the δ \(left) the lifetime budget of source '\(budget.source)' has left to convert its Rényi curve at (composed by RDP)"
                    : "generator.\(field) \(value.text) is more than the \(left) left of the lifetime budget of source '\(budget.source)'\(consequence)"
                violations.append(
                    Decision.Violation(
                        id: id, enforcement: .hardMandatory, code: .decisionBudgetExceeded, message: message,
                        requestLocation: value.location, policyLocation: policyLocation,
                        remedy: "generator.\(field) \(value.text) → ≤ \(limit)"))
            }
        }
        let origin =
            if case .unregistered = budget.standing {
                "not yet in the ledger \(budget.ledger), so the policy's cap"
            } else {
                "in the ledger \(budget.ledger)"
            }
        let spends =
            composed.cost == nil
            ? "this request reserves nothing (generator '\(generator.type.value)')"
            : "this request spends ε \(generator.epsilon?.text ?? "0"), δ \(generator.delta?.text ?? "0")"
        var note: String
        if rdp {
            note =
                "budget of source '\(budget.source)' (\(origin), composed by RDP): "
                + "ε \(spentText(before)) spent, \(leftEpsilon) left of ε \(composed.capEpsilon), δ \(composed.capDelta)"
                + "\(conversion(composed.beforeMethod)); \(spends)"
            if let cost = composed.cost { note += ", reserved as \(cost)" }
            if violations.isEmpty {
                note +=
                    "; after this run: ε \(spentText(after)) spent, \(max(0, composed.capEpsilon - (after.epsilon ?? composed.capEpsilon))) left"
                    + conversion(composed.afterMethod)
            }
            if caps?.composition?.value == .basic {
                note += "; the policy declares composition basic, but the ledger composes zCDP and Rényi events by RDP"
            }
        } else {
            note = "budget of source '\(budget.source)' (\(origin)): ε \(leftEpsilon), δ \(leftDelta) left; \(spends)"
            if violations.isEmpty {
                note +=
                    "; after this run: ε \(max(0, composed.capEpsilon - (after.epsilon ?? composed.capEpsilon))), δ \(max(0, composed.capDelta - after.delta))"
            }
        }
        return (violations, note)
    }

    /// A composed ε, or `(no finite bound)`.
    private static func spentText(_ spend: SourceBudget.Spend) -> String {
        spend.epsilon.map { "\($0)" } ?? "(no finite bound)"
    }

    /// ` (order 14, converted at δ 0.000009)` for a Rényi composition, else nothing.
    private static func conversion(_ method: SourceBudget.Method) -> String {
        guard case .renyi(let order, let delta) = method else { return "" }
        let orderText = order == order.rounded() && abs(order) < 1e15 ? "\(Int(order))" : "\(order)"
        return " (order \(orderText), converted at δ \(delta))"
    }

    /// The ledger's remainder, no more than what the policy's lower cap leaves.
    private static func tightened(_ remaining: Decimal, ledgerCap: Decimal, policyCap: Decimal?) -> Decimal {
        guard let policyCap, policyCap < ledgerCap else { return remaining }
        let held = ledgerCap - remaining
        return min(remaining, max(0, policyCap - held))
    }
}

extension SourceBudget.Method {
    /// Whether a Rényi curve was converted.
    var isRenyi: Bool {
        if case .renyi = self { true } else { false }
    }
}
