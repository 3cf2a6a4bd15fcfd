/// What a caller may do, as its token grants: the people around a synthetic-data programme.
public enum Role: String, Sendable, CaseIterable, Comparable {
    /// Files requests: decides, plans and runs its own requests.
    case requester
    /// Posts signed approvals (the signature, not the token, is what counts). A member of any of
    /// the policy's roles holds it without the token saying so.
    case approver
    /// Runs plans and reads the runs.
    case engineer
    /// Reads everything, changes nothing.
    case auditor
    /// Reads and verifies certificates.
    case consumer
    /// Everything, including revoking certificates (which the policy's `privacy_officer` members
    /// may do too).
    case admin

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }
}

/// Who is calling: an identity in its canonical form, the server roles its token grants, and the
/// policy's roles it holds (read from the live policy when the call is authorized).
public struct Caller: Sendable, Equatable {
    /// The identity, canonical (``CharterCore/Identity``).
    public var identity: String
    /// The roles the token grants.
    public var roles: Set<Role>
    /// The policy's roles (`data_steward`, `privacy_officer`, …) the identity is a member of,
    /// directly or through a group of the policy's directory.
    public var policyRoles: Set<String>

    /// A caller `identity` holding `roles`, and `policyRoles` in the policy.
    public init(identity: String, roles: Set<Role>, policyRoles: Set<String> = []) {
        self.identity = identity
        self.roles = roles
        self.policyRoles = policyRoles
    }
}
