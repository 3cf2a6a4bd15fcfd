public import CharterCore

extension PostgresRegistry {
    public func recordLifecycle(
        certificate id: String, actor: String, at now: Timestamp,
        _ decide: (LifecycleContext) throws(RegistryError) -> LifecycleEntry?
    ) throws(RegistryError) -> (context: LifecycleContext, event: LifecycleEvent?) {
        try RegistryName.check(actor, "actor")
        return try write(at: now) { transaction, head, now in
            let rows = PostgresLifecycleRows(transaction: transaction, registry: self, head: head)
            defer { head = rows.head }
            return try LifecycleRules.record(rows, certificate: id, actor: actor, at: now, decide)
        }
    }

    public func lifecycleEvents(certificate: String?) throws(RegistryError) -> [LifecycleEvent] {
        try read { transaction in
            try PostgresLifecycleRows(transaction: transaction, registry: self, head: Head(seq: 0, hash: ""))
                .lifecycleEvents(certificate: certificate)
        }
    }

    public func respondToIncident(
        _ scope: IncidentScope, reason: String, replacement: String?, actor: String, at now: Timestamp
    ) throws(RegistryError) -> IncidentOutcome {
        try RegistryName.check(reason, "reason")
        try RegistryName.check(actor, "actor")
        return try write(at: now) { transaction, head, now in
            let rows = PostgresLifecycleRows(transaction: transaction, registry: self, head: head)
            defer { head = rows.head }
            return try LifecycleRules.respond(
                rows, scope, reason: reason, replacement: replacement, actor: actor, at: now)
        }
    }

    /// Every lifecycle event as the audit chain pins it (as ``SQLiteRegistry`` reduces them).
    static func lifecycleSnapshot(_ transaction: PostgresTransaction) throws -> [Int64: RegistrySnapshot.Lifecycle] {
        var events: [Int64: RegistrySnapshot.Lifecycle] = [:]
        for row in try transaction.rows("SELECT id, kind, certificate, outcome, details FROM lifecycle_events") {
            events[try row.integer("id")] = .init(
                kind: try row.text("kind"), certificate: try row.optionalText("certificate"),
                outcome: try row.text("outcome"), detailsDigest: ContentDigest.sha256(try row.text("details")))
        }
        return events
    }
}

/// The lifecycle statements on PostgreSQL, inside one `write` that holds the audit head's lock.
final class PostgresLifecycleRows: LifecycleRows {
    let transaction: PostgresTransaction
    let registry: PostgresRegistry
    /// The locked head, moved by every audit append and handed back when the body ends.
    var head: PostgresRegistry.Head

    init(transaction: PostgresTransaction, registry: PostgresRegistry, head: PostgresRegistry.Head) {
        self.transaction = transaction
        self.registry = registry
        self.head = head
    }

    func certificate(_ id: String) throws -> CertificateRecord? {
        try PostgresRegistry.certificate(transaction, id)
    }

    func certificates() throws -> [CertificateRecord] {
        try transaction.rows("SELECT * FROM certificates ORDER BY issued_at, id COLLATE \"C\"")
            .map(PostgresRegistry.certificate(from:))
    }

    func sourceExists(_ id: String) throws -> Bool {
        try PostgresRegistry.cap(transaction, id) != nil
    }

    func signingKeys() throws -> [SigningKeyRecord] { try PostgresRegistry.signingKeys(transaction) }

    func lifecycleEvents(certificate: String?) throws -> [LifecycleEvent] {
        let rows: [PostgresRecord]
        if let certificate {
            rows = try transaction.rows(
                "SELECT * FROM lifecycle_events WHERE certificate = $1 ORDER BY id", [.text(certificate)])
        } else {
            rows = try transaction.rows("SELECT * FROM lifecycle_events ORDER BY id")
        }
        return try rows.map { row in
            try LifecycleRules.event(
                id: try row.integer("id"), kind: try row.text("kind"), certificate: try row.optionalText("certificate"),
                outcome: try row.text("outcome"), actor: try row.text("actor"), at: try row.integer("at"),
                details: try row.text("details"))
        }
    }

    func nextLifecycleID() throws -> Int64 {
        (try transaction.one("SELECT coalesce(max(id), 0)::bigint AS n FROM lifecycle_events")?.integer("n") ?? 0) + 1
    }

    func insert(_ event: LifecycleEvent, detailsText: String) throws {
        try transaction.execute(
            """
            INSERT INTO lifecycle_events (id, kind, certificate, outcome, actor, at, details)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """,
            [
                .integer(event.id), .text(event.kind.rawValue), .optionalText(event.certificate), .text(event.outcome),
                .text(event.actor), .integer(event.at.millisecondsSinceEpoch), .text(detailsText),
            ])
    }

    func markRevoked(certificate: String, reason: String, actor: String, at: Timestamp) throws {
        try transaction.execute(
            "UPDATE certificates SET revoked_at = $1, revoked_reason = $2, revoked_by = $3 WHERE id = $4",
            [.integer(at.millisecondsSinceEpoch), .text(reason), .text(actor), .text(certificate)])
    }

    func markKeyRevoked(fingerprint: String, reason: String, actor: String, at: Timestamp) throws {
        try transaction.execute(
            """
            UPDATE signing_keys SET status = 'revoked', revoked_at = $1, revoked_reason = $2, revoked_by = $3
            WHERE fingerprint = $4
            """,
            [.integer(at.millisecondsSinceEpoch), .text(reason), .text(actor), .text(fingerprint)])
    }

    func insertActiveKey(_ key: SigningKeyRecord, actor: String) throws {
        try transaction.execute(
            """
            INSERT INTO signing_keys (fingerprint, public_key, status, activated_at, activated_by)
            VALUES ($1, $2, 'active', $3, $4)
            """,
            [
                .text(key.fingerprint), .text(key.publicKey), .integer(key.activatedAt.millisecondsSinceEpoch),
                .text(actor),
            ])
    }

    func audit(action: String, subject: String, details: JSONValue, actor: String, at: Timestamp) throws {
        try registry.appendAudit(
            transaction, &head, at: at, actor: actor, action: action, subject: subject, details: details)
    }
}
