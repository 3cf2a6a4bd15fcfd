import CharterCore

/// The rows a lifecycle change reads and writes, inside one write transaction of a store: each store
/// implements these few statements, and ``LifecycleRules`` holds the logic once for both.
protocol LifecycleRows {
    func certificate(_ id: String) throws -> CertificateRecord?
    func certificates() throws -> [CertificateRecord]
    func sourceExists(_ id: String) throws -> Bool
    func signingKeys() throws -> [SigningKeyRecord]
    /// One certificate's events, or all when `nil`, in id order.
    func lifecycleEvents(certificate: String?) throws -> [LifecycleEvent]
    /// The next event id: one more than the largest, gap-free.
    func nextLifecycleID() throws -> Int64
    func insert(_ event: LifecycleEvent, detailsText: String) throws
    func markRevoked(certificate: String, reason: String, actor: String, at: Timestamp) throws
    func markKeyRevoked(fingerprint: String, reason: String, actor: String, at: Timestamp) throws
    func insertActiveKey(_ key: SigningKeyRecord, actor: String) throws
    func audit(action: String, subject: String, details: JSONValue, actor: String, at: Timestamp) throws
}

extension LifecycleRules {
    /// ``RegistryStore/recordLifecycle(certificate:actor:at:_:)`` over a store's rows.
    static func record(
        _ rows: some LifecycleRows, certificate id: String, actor: String, at now: Timestamp,
        _ decide: (LifecycleContext) throws(RegistryError) -> LifecycleEntry?
    ) throws -> (context: LifecycleContext, event: LifecycleEvent?) {
        guard let certificate = try rows.certificate(id) else { throw RegistryError.unknownCertificate(id) }
        let context = LifecycleContext(certificate: certificate, events: try rows.lifecycleEvents(certificate: id))
        guard let entry = try decide(context) else { return (context, nil) }
        try check(entry)
        let event = LifecycleEvent(
            id: try rows.nextLifecycleID(), kind: entry.kind, certificate: id, outcome: entry.outcome, actor: actor,
            at: now, details: entry.details)
        try append(rows, event, summary: entry.summary)
        return (context, event)
    }

    /// Inserts an event and its audit record.
    private static func append(_ rows: some LifecycleRows, _ event: LifecycleEvent, summary: JSONValue) throws {
        let detailsText = try text(event.details)
        try rows.insert(event, detailsText: detailsText)
        try rows.audit(
            action: action(event.kind), subject: event.certificate ?? event.details["scope"]?.stringValue ?? "",
            details: auditDetails(event, detailsText: detailsText, summary: summary), actor: event.actor, at: event.at)
    }

    /// ``RegistryStore/respondToIncident(_:reason:replacement:actor:at:)`` over a store's rows.
    static func respond(
        _ rows: some LifecycleRows, _ scope: IncidentScope, reason: String, replacement: String?, actor: String,
        at now: Timestamp
    ) throws -> IncidentOutcome {
        let keys = try rows.signingKeys()
        var key: SigningKeyRecord?
        switch scope {
        case .source(let id):
            guard try rows.sourceExists(id) else { throw RegistryError.unknownSource(id) }
        case .certificate(let id):
            guard try rows.certificate(id) != nil else { throw RegistryError.unknownCertificate(id) }
        case .key(let fingerprint):
            guard let known = keys.key(fingerprint) else { throw RegistryError.unknownSigningKey(fingerprint) }
            key = known
        }
        let inScope = try rows.certificates().filter(scope.covers)
        let toRevoke = inScope.filter { $0.revocation == nil }
        let already = inScope.filter { $0.revocation != nil }
        let keyToRevoke = key.flatMap { $0.revocation == nil ? $0 : nil }
        let events = try rows.lifecycleEvents(certificate: nil)
        let notify = notices(for: inScope.map(\.id), events: events)
        var outcome = IncidentOutcome(
            scope: scope, revoked: [], alreadyRevoked: already, revokedKey: nil, activatedKey: nil, notify: notify,
            event: nil)
        if isRepeat(scope, events: events, toRevoke: toRevoke, keyToRevoke: keyToRevoke != nil) {
            outcome.alreadyRevoked = inScope
            return outcome
        }
        let revocationReason = "incident (\(scope)): \(reason)"
        try RegistryName.check(revocationReason, "reason")
        for var certificate in toRevoke {
            try rows.markRevoked(certificate: certificate.id, reason: revocationReason, actor: actor, at: now)
            try rows.audit(
                action: AuditAction.revokeCertificate, subject: certificate.id,
                details: ["id": .string(certificate.id), "reason": .string(revocationReason)], actor: actor, at: now)
            certificate.revocation = .init(reason: revocationReason, actor: actor, at: now)
            outcome.revoked.append(certificate)
        }
        if var revoked = keyToRevoke {
            try rows.markKeyRevoked(fingerprint: revoked.fingerprint, reason: revocationReason, actor: actor, at: now)
            try rows.audit(
                action: AuditAction.revokeSigningKey, subject: revoked.fingerprint,
                details: ["fingerprint": .string(revoked.fingerprint), "reason": .string(revocationReason)],
                actor: actor, at: now)
            let wasActive = revoked.status == .active
            revoked.status = .revoked
            revoked.revocation = .init(reason: revocationReason, actor: actor, at: now)
            outcome.revokedKey = revoked
            if wasActive {
                guard let replacement else {
                    throw RegistryError.keyActivationRefused(
                        "revoking the active key \(revoked.fingerprint) needs a replacement key to activate in the same transaction"
                    )
                }
                let fingerprint = try SigningKeyRecord.fingerprint(ofPublicKey: replacement)
                if let known = keys.key(fingerprint) {
                    throw RegistryError.signingKeyKnown(fingerprint: fingerprint, status: known.status)
                }
                let active = SigningKeyRecord(
                    fingerprint: fingerprint, publicKey: replacement, status: .active, activatedAt: now)
                try rows.insertActiveKey(active, actor: actor)
                try rows.audit(
                    action: AuditAction.activateSigningKey, subject: fingerprint,
                    details: [
                        "fingerprint": .string(fingerprint), "public_key": .string(replacement),
                        "activation": .string(SigningKeyActivation.rotation.rawValue),
                        "valid_from": .string(now.description), "retires": .null,
                    ], actor: actor, at: now)
                outcome.activatedKey = active
            }
        }
        let (details, summary) = incidentDetails(
            scope, reason: reason, revoked: outcome.revoked, alreadyRevoked: already,
            revokedKey: outcome.revokedKey?.fingerprint, activatedKey: outcome.activatedKey?.fingerprint,
            notify: notify)
        let event = LifecycleEvent(
            id: try rows.nextLifecycleID(), kind: .incident, certificate: nil, outcome: "responded", actor: actor,
            at: now, details: details)
        try append(rows, event, summary: summary)
        outcome.event = event
        return outcome
    }
}
