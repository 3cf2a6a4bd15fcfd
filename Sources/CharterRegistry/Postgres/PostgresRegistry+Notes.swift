public import CharterCore

extension PostgresRegistry {
    public func recordNote(_ note: AuditNote, subject: String, details: JSONValue, actor: String, at now: Timestamp)
        throws(RegistryError)
    {
        try Self.checkNote(subject: subject, actor: actor)
        try write(at: now) { transaction, head, now in
            try appendAudit(
                transaction, &head, at: now, actor: actor, action: note.rawValue, subject: subject, details: details)
        }
    }
}
