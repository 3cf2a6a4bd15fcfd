public import CharterCore

// The rule lives in RegistryTransaction+Audit.swift, shared with SQLite.
extension PostgresRegistry {
    public func recordNote(_ note: AuditNote, subject: String, details: JSONValue, actor: String, at now: Timestamp)
        throws(RegistryError)
    {
        try AuditNote.check(subject: subject, actor: actor)
        try change(at: now) { try $0.recordNote(note, subject: subject, details: details, actor: actor, at: $1) }
    }
}
