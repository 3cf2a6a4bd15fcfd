public import CharterCore
import GRDB

extension SQLiteRegistry {
    public func recordLifecycle(
        certificate id: String, actor: String, at now: Timestamp,
        _ decide: (LifecycleContext) throws(RegistryError) -> LifecycleEntry?
    ) throws(RegistryError) -> (context: LifecycleContext, event: LifecycleEvent?) {
        try RegistryName.check(actor, "actor")
        return try write { db in
            try LifecycleRules.record(
                SQLiteLifecycleRows(db: db, registry: self), certificate: id, actor: actor, at: now, decide)
        }
    }

    public func lifecycleEvents(certificate: String?) throws(RegistryError) -> [LifecycleEvent] {
        try read { db in try SQLiteLifecycleRows(db: db, registry: self).lifecycleEvents(certificate: certificate) }
    }

    public func respondToIncident(
        _ scope: IncidentScope, reason: String, replacement: String?, actor: String, at now: Timestamp
    ) throws(RegistryError) -> IncidentOutcome {
        try RegistryName.check(reason, "reason")
        try RegistryName.check(actor, "actor")
        return try write { db in
            try LifecycleRules.respond(
                SQLiteLifecycleRows(db: db, registry: self), scope, reason: reason, replacement: replacement,
                actor: actor, at: now)
        }
    }

    /// Every lifecycle event as the audit chain pins it: id → (kind, certificate, outcome, details digest).
    static func lifecycleSnapshot(_ db: Database) throws -> [Int64: RegistrySnapshot.Lifecycle] {
        var events: [Int64: RegistrySnapshot.Lifecycle] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, kind, certificate, outcome, details FROM lifecycle_events") {
            events[try row.integer("id")] = .init(
                kind: try row.text("kind"), certificate: try row.optionalText("certificate"),
                outcome: try row.text("outcome"), detailsDigest: ContentDigest.sha256(try row.text("details")))
        }
        return events
    }
}

/// The lifecycle statements on SQLite, inside one `write`.
struct SQLiteLifecycleRows: LifecycleRows {
    let db: Database
    let registry: SQLiteRegistry

    func certificate(_ id: String) throws -> CertificateRecord? { try SQLiteRegistry.certificate(db, id) }

    func certificates() throws -> [CertificateRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM certificates ORDER BY issued_at, id").map(
            SQLiteRegistry.certificate(from:))
    }

    func sourceExists(_ id: String) throws -> Bool {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM sources WHERE id = ?", arguments: [id]) ?? 0 > 0
    }

    func signingKeys() throws -> [SigningKeyRecord] { try SQLiteRegistry.signingKeys(db) }

    func lifecycleEvents(certificate: String?) throws -> [LifecycleEvent] {
        let rows: [Row]
        if let certificate {
            rows = try Row.fetchAll(
                db, sql: "SELECT * FROM lifecycle_events WHERE certificate = ? ORDER BY id", arguments: [certificate])
        } else {
            rows = try Row.fetchAll(db, sql: "SELECT * FROM lifecycle_events ORDER BY id")
        }
        return try rows.map { row in
            try LifecycleRules.event(
                id: try row.integer("id"), kind: try row.text("kind"), certificate: try row.optionalText("certificate"),
                outcome: try row.text("outcome"), actor: try row.text("actor"), at: try row.integer("at"),
                details: try row.text("details"))
        }
    }

    func nextLifecycleID() throws -> Int64 {
        (try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM lifecycle_events") ?? 0) + 1
    }

    func insert(_ event: LifecycleEvent, detailsText: String) throws {
        try db.execute(
            sql: """
                INSERT INTO lifecycle_events (id, kind, certificate, outcome, actor, at, details)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                event.id, event.kind.rawValue, event.certificate, event.outcome, event.actor,
                event.at.millisecondsSinceEpoch, detailsText,
            ])
    }

    func markRevoked(certificate: String, reason: String, actor: String, at: Timestamp) throws {
        try db.execute(
            sql: "UPDATE certificates SET revoked_at = ?, revoked_reason = ?, revoked_by = ? WHERE id = ?",
            arguments: [at.millisecondsSinceEpoch, reason, actor, certificate])
    }

    func markKeyRevoked(fingerprint: String, reason: String, actor: String, at: Timestamp) throws {
        try db.execute(
            sql: """
                UPDATE signing_keys SET status = 'revoked', revoked_at = ?, revoked_reason = ?, revoked_by = ?
                WHERE fingerprint = ?
                """,
            arguments: [at.millisecondsSinceEpoch, reason, actor, fingerprint])
    }

    func insertActiveKey(_ key: SigningKeyRecord, actor: String) throws {
        try db.execute(
            sql: """
                INSERT INTO signing_keys (fingerprint, public_key, status, activated_at, activated_by)
                VALUES (?, ?, 'active', ?, ?)
                """,
            arguments: [key.fingerprint, key.publicKey, key.activatedAt.millisecondsSinceEpoch, actor])
    }

    func audit(action: String, subject: String, details: JSONValue, actor: String, at: Timestamp) throws {
        try registry.appendAudit(db, at: at, actor: actor, action: action, subject: subject, details: details)
    }
}
