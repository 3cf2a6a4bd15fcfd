import CharterCore

/// ``LifecycleRows`` over the shared rules' transaction (``RegistryTransaction``): the lifecycle
/// statements written once, for SQLite and PostgreSQL alike. A class, so that the audit appends
/// (which move the chain head) stay visible to the store that hands the transaction back.
final class RegistryChangeLifecycleRows<Change: RegistryTransaction>: LifecycleRows {
    private(set) var change: Change

    init(_ change: Change) {
        self.change = change
    }

    func certificate(_ id: String) throws -> CertificateRecord? { try change.certificate(id) }

    func certificates() throws -> [CertificateRecord] { try change.certificates() }

    func sourceExists(_ id: String) throws -> Bool {
        try change.one("SELECT id FROM sources WHERE id = ?", [.text(id)]) != nil
    }

    func signingKeys() throws -> [SigningKeyRecord] { try change.signingKeys() }

    func lifecycleEvents(certificate: String?) throws -> [LifecycleEvent] {
        let rows =
            if let certificate {
                try change.rows(
                    "SELECT * FROM lifecycle_events WHERE certificate = ? ORDER BY id", [.text(certificate)])
            } else {
                try change.rows("SELECT * FROM lifecycle_events ORDER BY id", [])
            }
        return try rows.map { row in
            try LifecycleRules.event(
                id: try row.integer("id"), kind: try row.text("kind"), certificate: try row.optionalText("certificate"),
                outcome: try row.text("outcome"), actor: try row.text("actor"), at: try row.integer("at"),
                details: try row.text("details"))
        }
    }

    /// Under the store's write lock no other writer inserts, so one more than the largest is gap-free.
    func nextLifecycleID() throws -> Int64 {
        (try change.one("SELECT COALESCE(MAX(id), 0) + 1 AS next FROM lifecycle_events")?.integer("next")) ?? 1
    }

    func insert(_ event: LifecycleEvent, detailsText: String) throws {
        try change.execute(
            """
            INSERT INTO lifecycle_events (id, kind, certificate, outcome, actor, at, details)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .integer(event.id), .text(event.kind.rawValue), .optionalText(event.certificate),
                .text(event.outcome), .text(event.actor), .integer(event.at.millisecondsSinceEpoch),
                .text(detailsText),
            ])
    }

    func markRevoked(certificate: String, reason: String, actor: String, at: Timestamp) throws {
        try change.execute(
            "UPDATE certificates SET revoked_at = ?, revoked_reason = ?, revoked_by = ? WHERE id = ?",
            [.integer(at.millisecondsSinceEpoch), .text(reason), .text(actor), .text(certificate)])
    }

    func markKeyRevoked(fingerprint: String, reason: String, actor: String, at: Timestamp) throws {
        try change.execute(
            """
            UPDATE signing_keys SET status = 'revoked', revoked_at = ?, revoked_reason = ?, revoked_by = ?
            WHERE fingerprint = ?
            """,
            [.integer(at.millisecondsSinceEpoch), .text(reason), .text(actor), .text(fingerprint)])
    }

    func insertActiveKey(_ key: SigningKeyRecord, actor: String) throws {
        try change.execute(
            """
            INSERT INTO signing_keys (fingerprint, public_key, status, activated_at, activated_by)
            VALUES (?, ?, 'active', ?, ?)
            """,
            [
                .text(key.fingerprint), .text(key.publicKey), .integer(key.activatedAt.millisecondsSinceEpoch),
                .text(actor),
            ])
    }

    func audit(action: String, subject: String, details: JSONValue, actor: String, at: Timestamp) throws {
        try change.appendAudit(at: at, actor: actor, action: action, subject: subject, details: details)
    }
}
