import CharterCore

// The chain's reading and verification live in RegistryTransaction+Audit.swift, shared with SQLite.
extension PostgresRegistry {
    public func auditRecords() throws(RegistryError) -> [AuditRecord] {
        try snapshot { try $0.auditRecords() }
    }

    public func latestAuditRecords(_ limit: Int, actions: [String]) throws(RegistryError) -> [AuditRecord] {
        try snapshot { try $0.latestAuditRecords(limit, actions: actions) }
    }

    /// Checks the chain as ``SQLiteRegistry/verifyAudit()`` does (the same ``AuditVerifier`` over
    /// the same snapshot), without SQLite's file integrity check: the server keeps its own.
    public func verifyAudit() throws(RegistryError) -> AuditVerification {
        try snapshot { try $0.verifyAudit() }
    }
}
