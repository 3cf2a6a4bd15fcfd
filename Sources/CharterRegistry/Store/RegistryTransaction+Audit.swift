import CharterCore

/// The audit chain as the verifier reads it, once for both stores (see ``RegistryTransaction``).
extension RegistryTransaction {
    /// Every audit record, in chain order.
    func auditRecords() throws -> [AuditRecord] {
        try rows("SELECT * FROM audit_log ORDER BY seq", []).map(Self.auditRecord)
    }

    /// The latest `limit` records whose action is one of `actions` (any action when empty), in
    /// chain order: what a dashboard shows without reading the whole chain.
    func latestAuditRecords(_ limit: Int, actions: [String]) throws -> [AuditRecord] {
        let placeholders = actions.map { _ in "?" }.joined(separator: ", ")
        let filter = actions.isEmpty ? "" : "WHERE action IN (\(placeholders)) "
        let sql =
            "SELECT * FROM (SELECT * FROM audit_log \(filter)ORDER BY seq DESC LIMIT ?) AS latest ORDER BY seq"
        return try rows(sql, actions.map(SQLValue.text) + [.integer(Int64(max(0, limit)))]).map(Self.auditRecord)
    }

    /// The record a row of `audit_log` holds.
    static func auditRecord(_ row: Record) throws -> AuditRecord {
        AuditRecord(
            seq: try row.integer("seq"), at: try row.text("at"), actor: try row.text("actor"),
            action: try row.text("action"), subject: try row.text("subject"), details: try row.text("details"),
            previousHash: try row.text("previous_hash"), hash: try row.text("hash"))
    }

    /// Appends a record that changes no table (``AuditNote``).
    mutating func recordNote(_ note: AuditNote, subject: String, details: JSONValue, actor: String, at now: Timestamp)
        throws
    {
        try appendAudit(at: now, actor: actor, action: note.rawValue, subject: subject, details: details)
    }

    /// Checks the chain against its head row and the tables it pins, with `findings` (what the
    /// store found about itself, such as SQLite's integrity check) first.
    func verifyAudit(with findings: [AuditFinding] = []) throws -> AuditVerification {
        let records = try auditRecords()
        guard let head = try one("SELECT seq, hash FROM audit_head WHERE id = 1") else {
            return AuditVerification(
                recordCount: records.count, headSeq: 0, headHash: "",
                findings: [AuditFinding(.headMismatch, seq: nil, "the audit chain head is missing")])
        }
        let headSeq = try head.integer("seq")
        let headHash = try head.text("hash")
        let verifier = AuditVerifier(records: records, headSeq: headSeq, headHash: headHash, snapshot: try snapshot())
        return AuditVerification(
            recordCount: records.count, headSeq: headSeq, headHash: headHash, findings: findings + verifier.verify())
    }

    /// The tables reduced to what the chain pins, written the way the audit details write them.
    func snapshot() throws -> RegistrySnapshot {
        var snapshot = RegistrySnapshot()
        for row in try rows("SELECT id, epsilon_cap, delta_cap FROM sources", []) {
            snapshot.sources[try row.text("id")] = try row.text("epsilon_cap") + " " + row.text("delta_cap")
        }
        for row in try rows("SELECT id, source, cost, state FROM ledger_events", []) {
            snapshot.events[try row.integer("id")] = .init(
                source: try row.text("source"), cost: try row.text("cost"), state: try row.text("state"))
        }
        for row in try rows("SELECT id, source, digest, expires_at, revoked_reason, key_id FROM certificates", []) {
            snapshot.certificates[try row.text("id")] = .init(
                source: try row.text("source"), digest: try row.text("digest"),
                expiresAt: Timestamp(millisecondsSinceEpoch: try row.integer("expires_at")).description,
                revokedReason: try row.optionalText("revoked_reason"), keyID: try row.optionalText("key_id"))
        }
        func time(_ milliseconds: Int64?) -> String? {
            milliseconds.map { Timestamp(millisecondsSinceEpoch: $0).description }
        }
        for row in try rows("SELECT * FROM signing_keys", []) {
            snapshot.keys[try row.text("fingerprint")] = .init(
                publicKey: try row.text("public_key"), status: try row.text("status"),
                activatedAt: Timestamp(millisecondsSinceEpoch: try row.integer("activated_at")).description,
                retiredAt: time(try row.optionalInteger("retired_at")),
                revokedAt: time(try row.optionalInteger("revoked_at")),
                revokedReason: try row.optionalText("revoked_reason"))
        }
        // Lifecycle events: id → (kind, certificate, outcome, details digest).
        for row in try rows("SELECT id, kind, certificate, outcome, details FROM lifecycle_events", []) {
            snapshot.lifecycle[try row.integer("id")] = .init(
                kind: try row.text("kind"), certificate: try row.optionalText("certificate"),
                outcome: try row.text("outcome"), detailsDigest: ContentDigest.sha256(try row.text("details")))
        }
        return snapshot
    }
}
