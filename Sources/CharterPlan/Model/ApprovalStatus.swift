/// Whether a plan may run, or which approvals it still needs. Approvals count only when bound to
/// the plan's digest (`plan: sha256:…` in the request's `approvals`).
public struct ApprovalStatus: Sendable, Equatable {
    /// Where the plan stands.
    public enum State: String, Sendable, Equatable, CaseIterable {
        /// Every approval is in, bound to this plan.
        case ready
        /// Approvals are missing, or not bound to this plan.
        case pending
    }

    /// Approvals still needed.
    public struct Needed: Sendable, Equatable {
        /// The roles any of which would do.
        public var roles: [String]
        /// How many more approvals of distinct roles are needed.
        public var count: Int
        /// What demands it (`approvals.all_of`, a rule id; for an override, the rule overridden).
        public var source: String
        /// Whether the approval must override a soft-mandatory rule (`override: <rule>`).
        public var isOverride: Bool

        /// Creates a need.
        public init(roles: [String], count: Int, source: String, isOverride: Bool) {
            self.roles = roles
            self.count = count
            self.source = source
            self.isOverride = isOverride
        }
    }

    /// An approval attached to the request that does not count for this plan.
    public struct Rejected: Sendable, Equatable {
        /// The role approved in.
        public var role: String
        /// Who approved.
        public var by: String
        /// Why it does not count.
        public var reason: String

        /// Creates a rejection.
        public init(role: String, by: String, reason: String) {
            self.role = role
            self.by = by
            self.reason = reason
        }
    }

    /// Where the plan stands.
    public var state: State
    /// Approvals still needed, in the decision's order.
    public var needed: [Needed]
    /// Approvals that do not count, in the request's order.
    public var rejected: [Rejected]

    /// Creates a status.
    public init(state: State, needed: [Needed], rejected: [Rejected]) {
        self.state = state
        self.needed = needed
        self.rejected = rejected
    }

    /// Nothing needed.
    public static let ready = ApprovalStatus(state: .ready, needed: [], rejected: [])
}
