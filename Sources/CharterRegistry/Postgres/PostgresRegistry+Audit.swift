import CharterCore

extension PostgresRegistry {
    public func auditRecords() throws(RegistryError) -> [AuditRecord] {
        try read { transaction in try Self.auditRecords(transaction) }
    }

    /// Checks the chain as ``SQLiteRegistry/verifyAudit()`` does (the same ``AuditVerifier`` over
    /// the same snapshot), without SQLite's file integrity check: the server keeps its own.
    public func verifyAudit() throws(RegistryError) -> AuditVerification {
        try read { transaction in
            let records = try Self.auditRecords(transaction)
            guard let head = try transaction.one("SELECT seq, hash FROM audit_head WHERE id = 1") else {
                return AuditVerification(
                    recordCount: records.count, headSeq: 0, headHash: "",
                    findings: [AuditFinding(.headMismatch, seq: nil, "the audit chain head is missing")])
            }
            let headSeq = try head.integer("seq")
            let headHash = try head.text("hash")
            let verifier = AuditVerifier(
                records: records, headSeq: headSeq, headHash: headHash, snapshot: try Self.snapshot(transaction))
            return AuditVerification(
                recordCount: records.count, headSeq: headSeq, headHash: headHash, findings: verifier.verify())
        }
    }

    static func auditRecords(_ transaction: PostgresTransaction) throws -> [AuditRecord] {
        try transaction.rows("SELECT * FROM audit_log ORDER BY seq").map { row in
            AuditRecord(
                seq: try row.integer("seq"), at: try row.text("at"), actor: try row.text("actor"),
                action: try row.text("action"), subject: try row.text("subject"), details: try row.text("details"),
                previousHash: try row.text("previous_hash"), hash: try row.text("hash"))
        }
    }

    /// The tables reduced to what the chain pins (as ``SQLiteRegistry`` reduces them).
    static func snapshot(_ transaction: PostgresTransaction) throws -> RegistrySnapshot {
        var snapshot = RegistrySnapshot()
        for row in try transaction.rows("SELECT id, epsilon_cap, delta_cap FROM sources") {
            snapshot.sources[try row.text("id")] = try row.text("epsilon_cap") + " " + row.text("delta_cap")
        }
        for row in try transaction.rows("SELECT id, source, cost, state FROM ledger_events") {
            snapshot.events[try row.integer("id")] = .init(
                source: try row.text("source"), cost: try row.text("cost"), state: try row.text("state"))
        }
        for row in try transaction.rows(
            "SELECT id, source, digest, expires_at, revoked_reason, key_id FROM certificates")
        {
            snapshot.certificates[try row.text("id")] = .init(
                source: try row.text("source"), digest: try row.text("digest"),
                expiresAt: Timestamp(millisecondsSinceEpoch: try row.integer("expires_at")).description,
                revokedReason: try row.optionalText("revoked_reason"), keyID: try row.optionalText("key_id"))
        }
        func time(_ milliseconds: Int64?) -> String? {
            milliseconds.map { Timestamp(millisecondsSinceEpoch: $0).description }
        }
        for row in try transaction.rows("SELECT * FROM signing_keys") {
            snapshot.keys[try row.text("fingerprint")] = .init(
                publicKey: try row.text("public_key"), status: try row.text("status"),
                activatedAt: Timestamp(millisecondsSinceEpoch: try row.integer("activated_at")).description,
                retiredAt: time(try row.optionalInteger("retired_at")),
                revokedAt: time(try row.optionalInteger("revoked_at")),
                revokedReason: try row.optionalText("revoked_reason"))
        }
        snapshot.lifecycle = try lifecycleSnapshot(transaction)
        return snapshot
    }
}
