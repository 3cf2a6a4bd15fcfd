public import CharterCore

extension SQLiteRegistry {
    public func recordNote(_ note: AuditNote, subject: String, details: JSONValue, actor: String, at now: Timestamp)
        throws(RegistryError)
    {
        try Self.checkNote(subject: subject, actor: actor)
        try write { db in
            try appendAudit(db, at: now, actor: actor, action: note.rawValue, subject: subject, details: details)
        }
    }
}
