public import CharterCore

// The rule lives in RegistryTransaction+Audit.swift, shared with PostgreSQL.
extension SQLiteRegistry {
    public func recordNote(_ note: AuditNote, subject: String, details: JSONValue, actor: String, at now: Timestamp)
        throws(RegistryError)
    {
        try AuditNote.check(subject: subject, actor: actor)
        try change { try $0.recordNote(note, subject: subject, details: details, actor: actor, at: now) }
    }
}
