import CharterCore
import GRDB

extension SQLiteRegistry {
    public func auditRecords() throws(RegistryError) -> [AuditRecord] {
        try read { db in try Self.auditRecords(db) }
    }

    public func verifyAudit() throws(RegistryError) -> AuditVerification {
        let integrity = try integrityCheck()
        return try read { db in
            let records = try Self.auditRecords(db)
            guard let head = try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit_head WHERE id = 1") else {
                return AuditVerification(
                    recordCount: records.count, headSeq: 0, headHash: "",
                    findings: [AuditFinding(.headMismatch, seq: nil, "the audit chain head is missing")])
            }
            let headSeq = try head.integer("seq")
            let headHash = try head.text("hash")
            var findings: [AuditFinding] = []
            if integrity != ["ok"] {
                findings.append(
                    AuditFinding(
                        .corrupt, seq: nil, "the registry database fails its integrity check",
                        notes: Array(integrity.prefix(10))))
            }
            let verifier = AuditVerifier(
                records: records, headSeq: headSeq, headHash: headHash, snapshot: try Self.snapshot(db))
            findings += verifier.verify()
            return AuditVerification(
                recordCount: records.count, headSeq: headSeq, headHash: headHash, findings: findings)
        }
    }

    static func auditRecords(_ db: Database) throws -> [AuditRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY seq").map { row in
            AuditRecord(
                seq: try row.integer("seq"), at: try row.text("at"), actor: try row.text("actor"),
                action: try row.text("action"), subject: try row.text("subject"), details: try row.text("details"),
                previousHash: try row.text("previous_hash"), hash: try row.text("hash"))
        }
    }

    /// The tables reduced to what the chain pins, written the way the audit details write them.
    static func snapshot(_ db: Database) throws -> RegistrySnapshot {
        var snapshot = RegistrySnapshot()
        for row in try Row.fetchAll(db, sql: "SELECT id, epsilon_cap, delta_cap FROM sources") {
            snapshot.sources[try row.text("id")] = try row.text("epsilon_cap") + " " + row.text("delta_cap")
        }
        for row in try Row.fetchAll(db, sql: "SELECT id, source, cost, state FROM ledger_events") {
            snapshot.events[try row.integer("id")] = .init(
                source: try row.text("source"), cost: try row.text("cost"), state: try row.text("state"))
        }
        for row in try Row.fetchAll(
            db, sql: "SELECT id, source, digest, expires_at, revoked_reason, key_id FROM certificates")
        {
            snapshot.certificates[try row.text("id")] = .init(
                source: try row.text("source"), digest: try row.text("digest"),
                expiresAt: Timestamp(millisecondsSinceEpoch: try row.integer("expires_at")).description,
                revokedReason: try row.optionalText("revoked_reason"), keyID: try row.optionalText("key_id"))
        }
        func time(_ milliseconds: Int64?) -> String? {
            milliseconds.map { Timestamp(millisecondsSinceEpoch: $0).description }
        }
        for row in try Row.fetchAll(db, sql: "SELECT * FROM signing_keys") {
            snapshot.keys[try row.text("fingerprint")] = .init(
                publicKey: try row.text("public_key"), status: try row.text("status"),
                activatedAt: Timestamp(millisecondsSinceEpoch: try row.integer("activated_at")).description,
                retiredAt: time(try row.optionalInteger("retired_at")),
                revokedAt: time(try row.optionalInteger("revoked_at")),
                revokedReason: try row.optionalText("revoked_reason"))
        }
        snapshot.lifecycle = try lifecycleSnapshot(db)
        return snapshot
    }
}
