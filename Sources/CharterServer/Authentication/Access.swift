import CharterCore

/// Who may call an operation: the roles a route admits, and whether it changes state (which a
/// server without tokens refuses with 401) or only reads (open when the server has no tokens).
struct Access: Sendable {
    /// The roles admitted when the server has tokens.
    var roles: Set<Role>
    /// Whether the operation changes state (a run, a revocation, an approval).
    var changesState: Bool
    /// The policy's roles whose members are admitted too, whatever their token's roles.
    var policyRoles: PolicyRoles = .none

    /// Which members of the policy's roles an operation admits.
    enum PolicyRoles: Sendable {
        /// None: the token's roles decide.
        case none
        /// A member of any of the policy's roles (an approver, for the roles they hold).
        case any
        /// Members of these roles.
        case named(Set<String>)

        func admits(_ held: Set<String>) -> Bool {
            switch self {
            case .none: false
            case .any: !held.isEmpty
            case .named(let names): !names.isDisjoint(with: held)
            }
        }
    }

    /// The policy role whose members may revoke certificates.
    static let privacyOfficer = "privacy_officer"

    /// Reads any authenticated caller may make.
    static let anyone = Access(roles: Set(Role.allCases), changesState: false)
    /// Deciding, linting and planning: everyone but a consumer.
    static let deciding = Access(roles: [.requester, .approver, .engineer, .auditor, .admin], changesState: false)
    /// The budgets: as deciding.
    static let budgets = deciding
    /// The audit chain: auditors and admins.
    static let audit = Access(roles: [.auditor, .admin], changesState: false)
    /// Posting a signed approval: approvers, admins, and members of the policy's roles (the route
    /// admits a non-admin only for a role they hold in the policy).
    static let approving = Access(roles: [.approver, .admin], changesState: true, policyRoles: .any)
    /// Starting a run: engineers and admins, and requesters for their own requests (checked by the route).
    static let running = Access(roles: [.engineer, .admin, .requester], changesState: true)
    /// Reading a run: as running, and auditors.
    static let runReading = Access(roles: [.engineer, .admin, .requester, .auditor], changesState: false)
    /// Revoking a certificate: admins and the policy's privacy officers.
    static let revoking = Access(roles: [.admin], changesState: true, policyRoles: .named([privacyOfficer]))
}

/// Turns an `Authorization` header into a caller, or the 401/403 that says why not.
struct Authenticator: Sendable {
    /// The accepted tokens; `nil` runs the server read-only.
    var tokens: TokenFile?
    /// The policy's roles each identity holds (empty without a policy).
    var policyRoles: @Sendable (String) -> Set<String> = { _ in [] }

    /// The caller the request authenticates as for an operation needing `access`; `nil` for an
    /// anonymous read on a server without tokens.
    /// - Throws: ``APIError`` 401 (no or unknown token; any state change without tokens) or 403.
    func authorize(_ header: String?, for access: Access) throws(APIError) -> Caller? {
        let caller = try authenticate(header, for: access)
        if let caller { try permit(caller, access) }
        return caller
    }

    /// Who the header says is calling: `nil` for an anonymous read on a server without tokens.
    /// - Throws: ``APIError`` 401 for no or an unknown token, and for any state change on a
    ///   server without tokens.
    func authenticate(_ header: String?, for access: Access) throws(APIError) -> Caller? {
        guard let tokens else {
            if access.changesState {
                throw APIError.unauthorized("this server runs read-only (no --tokens): it changes nothing")
            }
            return nil
        }
        guard let header else { throw APIError.unauthorized("an Authorization: Bearer token is required") }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APIError.unauthorized("the Authorization header must be `Bearer TOKEN`")
        }
        guard let token = parts[1].split(whereSeparator: \.isWhitespace).first,
            var caller = tokens.caller(presenting: String(token))
        else {
            throw APIError.unauthorized("the token is not valid", invalidToken: true)
        }
        caller.policyRoles = policyRoles(caller.identity)
        return caller
    }

    /// Refuses `caller` when none of its roles is admitted to `access`.
    /// - Throws: ``APIError`` 403.
    func permit(_ caller: Caller, _ access: Access) throws(APIError) {
        guard caller.roles.isDisjoint(with: access.roles) && !access.policyRoles.admits(caller.policyRoles) else { return }
        var needs = access.roles.sorted().map(\.rawValue)
        switch access.policyRoles {
        case .none: break
        case .any: needs.append("a role of the policy")
        case .named(let names): needs += names.sorted().map { "the policy's \($0)" }
        }
        let held = caller.roles.sorted().map(\.rawValue) + caller.policyRoles.sorted()
        throw APIError.forbidden(
            "'\(caller.identity)' (\(held.joined(separator: ", "))) may not do this; "
                + "it needs one of: \(needs.joined(separator: ", "))")
    }
}
