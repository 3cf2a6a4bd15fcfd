public import CharterCore

/// Decides which of a request's approvals count.
///
/// An approval counts when its approver is a member of the role it names (a `group:` member
/// matches an approval `by` the group itself: Charter has no directory to expand groups), the
/// approver is not the requester (separation of duties), it is not dated after `now`, and, when a
/// plan digest is given, it is bound to that digest (an approval of another plan is stale).
public struct ApprovalValidator: Sendable {
    /// Why an approval does not count.
    public enum Rejection: String, Sendable, Equatable {
        case unknownRole = "the policy has no such role"
        case notMember = "the approver is not a member of the role"
        case requester = "the requester cannot approve their own request"
        case future = "the approval is dated after the evaluation date"
        case stale = "the approval is for a different plan"
        case unbound = "the approval names no plan digest"
    }

    /// One approval and whether it counts.
    public struct Verdict: Sendable, Equatable {
        public var approval: GenerationRequest.Approval
        /// `nil` when the approval counts.
        public var rejection: Rejection?
    }

    /// Every approval of the request, in order, with its verdict.
    public let verdicts: [Verdict]

    /// Checks the approvals of `request` against the roles of `policy`. With `planDigest` `nil`
    /// staleness is not checked.
    public init(request: GenerationRequest, policy: Policy, now: CalendarDate, planDigest: String?) {
        verdicts = request.approvals.map { approval in
            guard let role = policy.role(named: approval.role.value) else {
                return Verdict(approval: approval, rejection: .unknownRole)
            }
            let rejection = Self.rejection(
                of: approval, requester: request.requester.value, now: now, planDigest: planDigest
            ) { person in role.members.contains { $0.value == person } }
            return Verdict(approval: approval, rejection: rejection)
        }
        approvedRoles = Set(verdicts.lazy.filter { $0.rejection == nil }.map(\.approval.role.value))
    }

    /// Why an approval in a role of the policy does not count (`nil` when it counts), in the
    /// order the reasons are checked; `isMember` says whether a person is a member of its role.
    static func rejection(
        of approval: GenerationRequest.Approval, requester: String, now: CalendarDate, planDigest: String?,
        isMember: (String) -> Bool
    ) -> Rejection? {
        if approval.by.value == requester { return .requester }
        if !isMember(approval.by.value) { return .notMember }
        if approval.at.value > now { return .future }
        if let planDigest, let plan = approval.plan, plan.value != planDigest { return .stale }
        if planDigest != nil, approval.plan == nil { return .unbound }
        return nil
    }

    /// The valid approvals.
    public var valid: [GenerationRequest.Approval] { verdicts.filter { $0.rejection == nil }.map(\.approval) }

    /// Roles with at least one valid approval.
    public let approvedRoles: Set<String>

    /// A valid approval in the role that overrides the rule.
    public func override(of rule: String, by role: String) -> GenerationRequest.Approval? {
        valid.first { $0.role.value == role && $0.override?.value == rule }
    }
}
