public import CharterCore

/// The registry's operations, narrow enough that another database (PostgreSQL, for a shared
/// registry) can implement them without touching callers.
///
/// Every change is atomic and appends its audit record in the same transaction. No operation reads a
/// clock: each is handed `now`, so runs are reproducible and tests control time.
///
/// Budget flow for a run: ``reserve(_:at:)`` before spending (an atomic check-and-reserve: two
/// runs can never both take the last of a budget), then ``commit(_:actor:at:)`` once the run has
/// spent it or ``release(_:reason:actor:at:)`` when it did not. ``renewLease(_:for:actor:at:)``
/// keeps a long run's reservation alive; a reservation whose process died is released by the first
/// writer after its lease expires, and that release is audited.
public protocol RegistryStore: BudgetReading, Sendable {
    // MARK: Ledger

    /// Registers a source's lifetime budget. Registering the same cap again is a no-op; another cap
    /// is refused.
    /// - Returns: whether the source was new.
    @discardableResult
    func registerSource(_ source: String, cap: BudgetCap, actor: String, at now: Timestamp) throws(RegistryError)
        -> Bool

    /// Atomically checks that the request fits the source's budget together with everything
    /// committed and every live reservation, and reserves it. Expired leases are released first.
    /// - Throws: ``RegistryError/budgetExceeded(source:cap:wouldHold:)`` when it does not fit.
    ///
    /// With `pin`, the same transaction first refuses a plan that has already reserved
    /// (``RegistryError/planAlreadyRun(plan:event:state:)``) and a ledger that is not the one the
    /// plan pinned (``RegistryError/ledgerMoved(source:)``), before expired leases are released.
    func reserve(_ request: ReservationRequest, pinnedTo pin: LedgerPin?, at now: Timestamp) throws(RegistryError)
        -> LedgerEvent

    /// Extends a live reservation's lease to `now + lease`.
    func renewLease(_ event: Int64, for lease: Duration, actor: String, at now: Timestamp) throws(RegistryError)
        -> LedgerEvent

    /// Marks a live reservation as spent. Refused once its lease has expired.
    func commit(_ event: Int64, actor: String, at now: Timestamp) throws(RegistryError) -> LedgerEvent

    /// Gives a live reservation back.
    func release(_ event: Int64, reason: String, actor: String, at now: Timestamp) throws(RegistryError) -> LedgerEvent

    /// Releases every reservation whose lease expired at `now`, auditing each.
    /// - Returns: the released events.
    @discardableResult
    func releaseExpiredLeases(at now: Timestamp) throws(RegistryError) -> [LedgerEvent]

    /// One source's budget at `now`.
    func budget(for source: String, at now: Timestamp) throws(RegistryError) -> BudgetStatement

    /// Every source's budget at `now`, sorted by source.
    func budgets(at now: Timestamp) throws(RegistryError) -> [BudgetStatement]

    // MARK: Catalogue

    /// Adds an issued certificate to the catalogue. Its source must be registered, and its signer
    /// (``CertificateRecord/keyID``) must be the active signing key, active since before its issue
    /// time; any other signer is refused with ``RegistryError/untrustedSigner(certificate:reason:)``.
    func recordCertificate(_ certificate: CertificateRecord, actor: String, at now: Timestamp) throws(RegistryError)

    /// Revokes a certificate, with the reason and who revoked it.
    func revokeCertificate(_ id: String, reason: String, actor: String, at now: Timestamp) throws(RegistryError)
        -> CertificateRecord

    /// One certificate, or `nil`.
    func certificate(_ id: String) throws(RegistryError) -> CertificateRecord?

    /// Every certificate, sorted by issue time, then id.
    func certificates() throws(RegistryError) -> [CertificateRecord]

    // MARK: Signing keys

    /// Every certificate-signing key the registry trusts or once trusted, ordered by activation
    /// time, then fingerprint.
    func signingKeys() throws(RegistryError) -> [SigningKeyRecord]

    /// Makes a key the active one at `now`, atomically: under ``SigningKeyActivation/rotation`` the
    /// active key, if any, is retired at the same instant; ``SigningKeyActivation/firstUse`` only on
    /// a registry with no key and no certificate, ``SigningKeyActivation/initial`` only on one with no
    /// key. A key already known (active, retired or revoked) is refused.
    /// - Parameters:
    ///   - publicKey: the raw Ed25519 public key in base64.
    ///   - validFrom: when the key's validity starts, if before `now`: only for
    ///     ``SigningKeyActivation/initial``, so that certificates a registry recorded before it kept
    ///     keys verify; `nil` for `now`.
    /// - Returns: the new active key and the key it retired, if any.
    func activateSigningKey(
        publicKey: String, as activation: SigningKeyActivation, validFrom: Timestamp?, actor: String,
        at now: Timestamp
    ) throws(RegistryError) -> (active: SigningKeyRecord, retired: SigningKeyRecord?)

    /// Revokes a key at `now`: no certificate it signed verifies any more, whenever issued. Revoking
    /// the active key leaves none active until a rotation.
    func revokeSigningKey(_ fingerprint: String, reason: String, actor: String, at now: Timestamp)
        throws(RegistryError) -> SigningKeyRecord

    // MARK: Lifecycle

    /// Records one lifecycle event of certificate `id` — a publication, revalidation, access or
    /// retirement — decided by `decide` inside the write transaction, under the same lock as every
    /// other change: what it sees (the catalogue entry and the certificate's events so far) cannot
    /// change before its entry is written, so a concurrent incident either comes first and is seen,
    /// or comes after and sees this event. `decide` returns `nil` to record nothing (a repeat); an
    /// error it throws rolls everything back.
    /// - Throws: ``RegistryError/unknownCertificate(_:)`` for an id the catalogue does not know.
    /// - Returns: what `decide` saw, and the event recorded (or `nil`).
    func recordLifecycle(
        certificate id: String, actor: String, at now: Timestamp,
        _ decide: (LifecycleContext) throws(RegistryError) -> LifecycleEntry?
    ) throws(RegistryError) -> (context: LifecycleContext, event: LifecycleEvent?)

    /// Lifecycle events in the order recorded: one certificate's, or every one (incidents included)
    /// when `certificate` is `nil`.
    func lifecycleEvents(certificate: String?) throws(RegistryError) -> [LifecycleEvent]

    /// Responds to an incident in one transaction: revokes every certificate in `scope` not yet
    /// revoked; for ``IncidentScope/key(_:)`` revokes the key and, when it was the active one,
    /// activates `replacement` (a raw Ed25519 public key in base64) in its place; lists the
    /// consumers to notify from the access log; records the incident. A repeat that would change
    /// nothing records nothing and returns the same notices.
    /// - Throws: ``RegistryError/unknownSigningKey(_:)``, ``RegistryError/unknownSource(_:)`` or
    ///   ``RegistryError/unknownCertificate(_:)`` for a scope the registry does not know;
    ///   ``RegistryError/keyActivationRefused(_:)`` when the active key is revoked without a
    ///   replacement.
    func respondToIncident(
        _ scope: IncidentScope, reason: String, replacement: String?, actor: String, at now: Timestamp
    ) throws(RegistryError) -> IncidentOutcome

    // MARK: Audit

    /// The audit chain, in order.
    func auditRecords() throws(RegistryError) -> [AuditRecord]

    /// The latest `limit` audit records whose action is one of `actions` (any action when
    /// `actions` is empty), in chain order; reads only those records.
    func latestAuditRecords(_ limit: Int, actions: [String]) throws(RegistryError) -> [AuditRecord]

    /// Checks the chain's hashes, links and head, and that replaying it gives the ledger, the
    /// catalogue and the signing keys as stored.
    func verifyAudit() throws(RegistryError) -> AuditVerification

    /// Appends a record that changes no table (``AuditNote``): a refused request, an accepted
    /// approval or run, a run found interrupted.
    /// - Throws: ``RegistryError/invalidName(_:)`` for a subject or actor that is not a registry name.
    func recordNote(_ note: AuditNote, subject: String, details: JSONValue, actor: String, at now: Timestamp)
        throws(RegistryError)
}

/// What a decision needs of a ledger: one source's budget. ``RegistryReader`` (a read-only SQLite
/// file) and every ``RegistryStore`` provide it.
public protocol BudgetReading: Sendable {
    /// One source's budget at `now`.
    /// - Throws: ``RegistryError/unknownSource(_:)`` when no budget is registered for `source`.
    func budget(for source: String, at now: Timestamp) throws(RegistryError) -> BudgetStatement
}

extension RegistryReader: BudgetReading {}

extension RegistryStore {
    /// Reserves with no plan pinned (``reserve(_:pinnedTo:at:)``).
    public func reserve(_ request: ReservationRequest, at now: Timestamp) throws(RegistryError) -> LedgerEvent {
        try reserve(request, pinnedTo: nil, at: now)
    }

    /// Makes a key the active one from `now` (see
    /// ``activateSigningKey(publicKey:as:validFrom:actor:at:)``).
    public func activateSigningKey(
        publicKey: String, as activation: SigningKeyActivation, actor: String, at now: Timestamp
    ) throws(RegistryError) -> (active: SigningKeyRecord, retired: SigningKeyRecord?) {
        try activateSigningKey(publicKey: publicKey, as: activation, validFrom: nil, actor: actor, at: now)
    }

    /// Certificates not revoked that expire at or before `now + window`, including those already
    /// expired, soonest first.
    public func certificates(expiringWithin window: Duration, at now: Timestamp) throws(RegistryError)
        -> [CertificateRecord]
    {
        let limit = now.advanced(by: window)
        return try certificates().filter { $0.revocation == nil && $0.expiresAt <= limit }
            .sorted { ($0.expiresAt, $0.id) < ($1.expiresAt, $1.id) }
    }
}
