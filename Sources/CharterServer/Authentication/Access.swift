/// Who may call an operation: the roles a route admits, and whether it changes state (which a
/// server without tokens refuses with 401) or only reads (open when the server has no tokens).
struct Access: Sendable {
    /// The roles admitted when the server has tokens.
    var roles: Set<Role>
    /// Whether the operation changes state (a run, a revocation, an approval).
    var changesState: Bool

    /// Reads any authenticated caller may make.
    static let anyone = Access(roles: Set(Role.allCases), changesState: false)
    /// Deciding, linting and planning: everyone but a consumer.
    static let deciding = Access(roles: [.requester, .approver, .engineer, .auditor, .admin], changesState: false)
    /// The budgets: as deciding.
    static let budgets = deciding
    /// The audit chain: auditors and admins.
    static let audit = Access(roles: [.auditor, .admin], changesState: false)
    /// Posting a signed approval.
    static let approving = Access(roles: [.approver, .admin], changesState: true)
    /// Starting a run: engineers and admins, and requesters for their own requests (checked by the route).
    static let running = Access(roles: [.engineer, .admin, .requester], changesState: true)
    /// Reading a run: as running, and auditors.
    static let runReading = Access(roles: [.engineer, .admin, .requester, .auditor], changesState: false)
    /// Revoking a certificate.
    static let revoking = Access(roles: [.admin], changesState: true)
}

/// Turns an `Authorization` header into a caller, or the 401/403 that says why not.
struct Authenticator: Sendable {
    /// The accepted tokens; `nil` runs the server read-only.
    var tokens: TokenFile?

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
            let caller = tokens.caller(presenting: String(token))
        else {
            throw APIError.unauthorized("the token is not valid", invalidToken: true)
        }
        return caller
    }

    /// Refuses `caller` when none of its roles is admitted to `access`.
    /// - Throws: ``APIError`` 403.
    func permit(_ caller: Caller, _ access: Access) throws(APIError) {
        guard !caller.roles.isDisjoint(with: access.roles) else {
            throw APIError.forbidden(
                "'\(caller.identity)' (\(caller.roles.sorted().map(\.rawValue).joined(separator: ", "))) may not do this; "
                    + "it needs one of: \(access.roles.sorted().map(\.rawValue).joined(separator: ", "))")
        }
    }
}
