public import CharterPolicy

/// Why a request does not compile to a plan.
public enum PlanCompileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The decision denies the request: nothing is planned for a denied request.
    case denied(requestID: String, violations: [Decision.Violation])
    /// The decision names no tier, or a tier the policy does not have.
    case unknownTier(String?)
    /// The decision is about another request or policy than the ones given.
    case mismatchedDecision(String)
    /// The ledger state is of another source than the request's.
    case mismatchedLedger(request: String, ledger: String)

    public var description: String {
        switch self {
        case .denied(let id, let violations):
            "request \(id) is denied; nothing is planned"
                + (violations.isEmpty
                    ? "" : ": " + violations.map { "[\($0.id)] \($0.message)" }.joined(separator: "; "))
        case .unknownTier(let tier):
            tier.map { "the decision's tier '\($0)' is not in the policy" } ?? "the decision names no tier"
        case .mismatchedDecision(let what): "the decision is not about this \(what)"
        case .mismatchedLedger(let request, let ledger):
            "the ledger state is of source '\(ledger)', the request's source is '\(request)'"
        }
    }
}
