public import CharterCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Proves who approved. Implemented where keys and request digests are known
/// (`CharterWorkflow`'s `ApprovalIdentities`): it verifies an approval's signature against the
/// policy's allowed signers and resolves `group:` role members through the policy's directory.
public protocol ApprovalAuthenticator: Sendable {
    /// Why `approval` of `request` is not proven to come from `signer` (its canonical `by`) on
    /// `now`; `nil` when it is.
    func problem(
        with approval: GenerationRequest.Approval, signer: Identity, of request: GenerationRequest, now: CalendarDate
    ) -> String?

    /// The members of the group `name` (without `group:`); empty when the directory does not know it.
    func members(ofGroup name: String) -> [Identity]
}

/// Approvals taken as written, groups resolved through a directory: what policy tests decide
/// with, since their cases state approvals, not signatures (they test the policy's logic).
public struct WrittenApprovals: ApprovalAuthenticator {
    /// The groups.
    public let directory: GroupDirectory

    /// Approvals as written, with `directory`'s groups.
    public init(directory: GroupDirectory = .empty) {
        self.directory = directory
    }

    public func problem(
        with approval: GenerationRequest.Approval, signer: Identity, of request: GenerationRequest, now: CalendarDate
    ) -> String? { nil }

    public func members(ofGroup name: String) -> [Identity] { directory.members(of: name) }
}

/// Decides which of a request's approvals count.
///
/// People are compared in ``Identity``'s canonical form. An approval counts when its approver is
/// a well-formed person (never a `group:`: a group's members approve, each for themselves), is
/// not the requester (separation of duties), is a member of the role it names (directly or through
/// a group the authenticator resolves), the approval is proven to be theirs when the policy names
/// allowed signers, it is not dated after `now`, and, when a plan digest is given, it is bound to
/// that digest (an approval of another plan is stale).
public struct ApprovalValidator: Sendable {
    /// Why an approval does not count.
    public enum Rejection: String, Sendable, Equatable {
        case unknownRole = "the policy has no such role"
        case malformedIdentity = "the approver is not a well-formed identity"
        case groupApprover = "a group cannot approve: each of its members approves as a person"
        case notMember = "the approver is not a member of the role"
        case requester = "the requester cannot approve their own request"
        case unauthenticated = "the approval is not proven to be the approver's"
        case future = "the approval is dated after the evaluation date"
        case stale = "the approval is for a different plan"
        case unbound = "the approval names no plan digest"
    }

    /// One approval and whether it counts.
    public struct Verdict: Sendable, Equatable {
        public var approval: GenerationRequest.Approval
        /// `nil` when the approval counts.
        public var rejection: Rejection?
        /// More about the rejection (which key, which signature problem), when there is more.
        public var detail: String?
        /// The approver in canonical form (as written, trimmed and lower-cased, when malformed).
        public var signer: String

        /// Why the approval does not count, in a sentence; `nil` when it counts.
        public var reason: String? {
            rejection.map { rejection in detail.map { "\(rejection.rawValue): \($0)" } ?? rejection.rawValue }
        }
    }

    /// Every approval of the request, in order, with its verdict.
    public let verdicts: [Verdict]

    /// Roles with at least one valid approval.
    public let approvedRoles: Set<String>

    /// Checks the approvals of `request` against the roles of `policy`. With `planDigest` `nil`
    /// staleness is not checked. When the policy names allowed signers, an approval counts only
    /// if `authenticator` proves it; without an authenticator none does.
    public init(
        request: GenerationRequest, policy: Policy, now: CalendarDate, planDigest: String?,
        authenticator: (any ApprovalAuthenticator)? = nil
    ) {
        let context = Context(policy: policy, request: request, now: now, planDigest: planDigest, authenticator: authenticator)
        verdicts = request.approvals.map { approval in
            context.verdict(of: approval, members: policy.role(named: approval.role.value)?.members)
        }
        approvedRoles = Set(verdicts.lazy.filter { $0.rejection == nil }.map(\.approval.role.value))
    }

    /// What every verdict of one decision shares; the one place an approval is judged, for the
    /// interpreter and the compiled program alike.
    struct Context {
        let request: GenerationRequest
        let requester: String
        let now: CalendarDate
        let planDigest: String?
        let authenticator: (any ApprovalAuthenticator)?
        /// Whether the policy names allowed signers.
        let requiresSignatures: Bool

        init(
            policy: Policy, request: GenerationRequest, now: CalendarDate, planDigest: String?,
            authenticator: (any ApprovalAuthenticator)?
        ) {
            self.request = request
            requester = ApprovalValidator.canonical(request.requester.value)
            self.now = now
            self.planDigest = planDigest
            self.authenticator = authenticator
            requiresSignatures = policy.identities?.allowedSigners != nil
        }

        /// The verdict on `approval`, whose role has `members` (`nil`: no such role).
        func verdict(of approval: GenerationRequest.Approval, members: [Located<String>]?) -> Verdict {
            let signer = ApprovalValidator.canonical(approval.by.value)
            func verdict(_ rejection: Rejection?, _ detail: String? = nil) -> Verdict {
                Verdict(approval: approval, rejection: rejection, detail: detail, signer: signer)
            }
            guard let members else { return verdict(.unknownRole) }
            let identity: Identity
            do {
                identity = try Identity(approval.by.value)
            } catch {
                return verdict(.malformedIdentity, "'\(approval.by.value)' \(error.message)")
            }
            if identity.isGroup { return verdict(.groupApprover) }
            if identity.canonical == requester { return verdict(.requester) }
            guard isMember(identity, of: members) else { return verdict(.notMember) }
            if requiresSignatures {
                guard let authenticator else {
                    return verdict(.unauthenticated, "the policy's allowed signers were not loaded")
                }
                if let problem = authenticator.problem(with: approval, signer: identity, of: request, now: now) {
                    return verdict(.unauthenticated, problem)
                }
            }
            if approval.at.value > now { return verdict(.future) }
            if let planDigest, let plan = approval.plan, plan.value != planDigest { return verdict(.stale) }
            if planDigest != nil, approval.plan == nil { return verdict(.unbound) }
            return verdict(nil)
        }

        /// Whether `person` is one of `members`, or in a group among them.
        private func isMember(_ person: Identity, of members: [Located<String>]) -> Bool {
            Role.members(members, include: person, groups: authenticator)
        }
    }

    /// `written` in canonical form; when malformed, trimmed and lower-cased, so that a malformed
    /// identity still never equals a different well-formed one by accident of case.
    static func canonical(_ written: String) -> String {
        Identity.canonical(written) ?? written.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// The valid approvals.
    public var valid: [GenerationRequest.Approval] { verdicts.filter { $0.rejection == nil }.map(\.approval) }

    /// A valid approval in the role that overrides the rule.
    public func override(of rule: String, by role: String) -> GenerationRequest.Approval? {
        valid.first { $0.role.value == role && $0.override?.value == rule }
    }
}
