public import CharterCore

/// Everything the registry refuses or fails at. Messages follow the project style: lowercase, one
/// line, user input quoted.
public enum RegistryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The registry file could not be opened or created.
    case cannotOpen(path: String, reason: String)
    /// The registry file does not exist (and the caller did not ask to create it).
    case notFound(path: String)
    /// The file was migrated by a newer Charter: it holds migrations this build does not know.
    case schemaTooNew(path: String, unknownMigrations: [String])
    /// SQLite failed.
    case database(String)
    /// No budget is registered for the source.
    case unknownSource(String)
    /// The source is registered with another cap.
    case capMismatch(source: String, registered: BudgetCap, requested: BudgetCap)
    /// A cap is malformed.
    case invalidCap(String)
    /// A cost is malformed.
    case invalidCost(String)
    /// An id or name is malformed.
    case invalidName(String)
    /// The reservation would take the source past its cap.
    case budgetExceeded(source: String, cap: BudgetCap, wouldHold: BudgetSpend)
    /// No ledger event has this id.
    case unknownEvent(Int64)
    /// The event is not a live reservation (it was committed or released).
    case notReserved(event: Int64, state: LedgerEvent.State)
    /// The reservation's lease ran out before it was committed or renewed.
    case leaseExpired(event: Int64, expiredAt: Timestamp)
    /// A lease must be positive.
    case invalidLease(String)
    /// No certificate has this id.
    case unknownCertificate(String)
    /// A certificate with this id is already in the catalogue.
    case duplicateCertificate(String)
    /// The certificate was already revoked.
    case alreadyRevoked(id: String, revocation: CertificateRecord.Revocation)
    /// A certificate record is malformed.
    case invalidCertificate(String)
    /// The plan has already reserved (one approval buys one run).
    case planAlreadyRun(plan: String, event: Int64, state: LedgerEvent.State)
    /// The source's ledger is not the state the plan pinned.
    case ledgerMoved(source: String)
    /// A signing key (its public key or fingerprint) is malformed.
    case invalidSigningKey(String)
    /// The trust store holds no signing key with this fingerprint.
    case unknownSigningKey(String)
    /// The key is already in the trust store: a key is activated once, and a retired or revoked
    /// key never comes back.
    case signingKeyKnown(fingerprint: String, status: SigningKeyRecord.Status)
    /// The key was already revoked.
    case signingKeyAlreadyRevoked(fingerprint: String, revocation: SigningKeyRecord.Revocation)
    /// A key cannot be activated this way now (first use on a registry that has keys or certificates,
    /// `init` on one that has keys, a rotation on one that has none).
    case keyActivationRefused(String)
    /// The catalogue refuses a certificate whose signer is not the active key at its issue time.
    case untrustedSigner(certificate: String, reason: String)

    public var description: String {
        switch self {
        case .planAlreadyRun(let plan, let event, let state):
            "plan \(plan) has already run (ledger event \(event), \(state.rawValue)): one approval buys one run; make a new plan and have it approved"
        case .ledgerMoved(let source):
            "the ledger of source \"\(source)\" changed since the plan was made: its approvals were given for another budget state; make a new plan and have it approved"
        case .cannotOpen(let path, let reason): "cannot open registry \"\(path)\": \(reason)"
        case .notFound(let path): "no registry at \"\(path)\""
        case .schemaTooNew(let path, let unknown):
            "registry \"\(path)\" was written by a newer charter (unknown migrations \(unknown.map { "\"\($0)\"" }.joined(separator: ", ")))"
        case .database(let message): "registry database error: \(message)"
        case .unknownSource(let source): "no budget is registered for source \"\(source)\""
        case .capMismatch(let source, let registered, let requested):
            "source \"\(source)\" is registered with cap ε \(registered.epsilon) δ \(registered.delta), not ε \(requested.epsilon) δ \(requested.delta)"
        case .invalidCap(let message), .invalidCost(let message), .invalidName(let message),
            .invalidLease(let message), .invalidCertificate(let message):
            message
        case .budgetExceeded(let source, let cap, let held):
            "privacy budget of \"\(source)\" exceeded: the reservation would hold ε \(held.epsilon.map { "\($0)" } ?? "unbounded") δ \(held.delta) of cap ε \(cap.epsilon) δ \(cap.delta)"
        case .unknownEvent(let id): "no ledger event \(id)"
        case .notReserved(let id, let state): "ledger event \(id) is \(state.rawValue), not reserved"
        case .leaseExpired(let id, let at): "the lease of ledger event \(id) expired at \(at)"
        case .unknownCertificate(let id): "no certificate \"\(id)\" in the catalogue"
        case .duplicateCertificate(let id): "certificate \"\(id)\" is already in the catalogue"
        case .alreadyRevoked(let id, let revocation):
            "certificate \"\(id)\" was already revoked at \(revocation.at) by \"\(revocation.actor)\""
        case .invalidSigningKey(let message), .keyActivationRefused(let message): message
        case .unknownSigningKey(let fingerprint): "no signing key \"\(fingerprint)\" in the registry"
        case .signingKeyKnown(let fingerprint, let status):
            "signing key \(fingerprint) is already in the registry (\(status.rawValue)); a key is activated once"
        case .signingKeyAlreadyRevoked(let fingerprint, let revocation):
            "signing key \(fingerprint) was already revoked at \(revocation.at) by \"\(revocation.actor)\""
        case .untrustedSigner(let certificate, let reason):
            "the catalogue refuses certificate \"\(certificate)\": \(reason)"
        }
    }

    /// Whether the error is the caller's (bad input, unknown ids, refused transitions) rather than
    /// the storage's.
    public var isUsageError: Bool {
        switch self {
        case .cannotOpen, .schemaTooNew, .database: false
        default: true
        }
    }
}
