/// What a caller may do, as its token grants: the people around a synthetic-data programme.
public enum Role: String, Sendable, CaseIterable, Comparable {
    /// Files requests: decides, plans and runs its own requests.
    case requester
    /// Posts signed approvals (the signature, not the token, is what counts).
    case approver
    /// Runs plans and reads the runs.
    case engineer
    /// Reads everything, changes nothing.
    case auditor
    /// Reads and verifies certificates.
    case consumer
    /// Everything, including revoking certificates.
    case admin

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }
}

/// Who is calling, as the token presented says: an identity in its canonical form and its roles.
public struct Caller: Sendable, Equatable {
    /// The identity, canonical (``CharterCore/Identity``).
    public var identity: String
    /// The roles the token grants.
    public var roles: Set<Role>

    /// A caller `identity` holding `roles`.
    public init(identity: String, roles: Set<Role>) {
        self.identity = identity
        self.roles = roles
    }
}
