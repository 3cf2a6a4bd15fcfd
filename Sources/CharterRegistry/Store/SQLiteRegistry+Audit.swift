import CharterCore

// The chain's reading and verification live in RegistryTransaction+Audit.swift, shared with PostgreSQL.
extension SQLiteRegistry {
    public func auditRecords() throws(RegistryError) -> [AuditRecord] {
        try snapshot { try $0.auditRecords() }
    }

    public func latestAuditRecords(_ limit: Int, actions: [String]) throws(RegistryError) -> [AuditRecord] {
        try snapshot { try $0.latestAuditRecords(limit, actions: actions) }
    }

    /// Checks the chain (``AuditVerifier``), after the file's own integrity check.
    public func verifyAudit() throws(RegistryError) -> AuditVerification {
        let integrity = try integrityCheck()
        let findings =
            integrity == ["ok"]
            ? []
            : [
                AuditFinding(
                    .corrupt, seq: nil, "the registry database fails its integrity check",
                    notes: Array(integrity.prefix(10)))
            ]
        return try snapshot { try $0.verifyAudit(with: findings) }
    }
}
