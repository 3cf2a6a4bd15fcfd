public import CharterCore
public import CharterRegistry

/// `charter incident`: the playbook in one audited transaction — revoke every certificate derived
/// from a source, a certificate or a signing key; for a key, revoke it and, when it was the active
/// key, rotate to a new one; name the consumers to notify from the access log. Repeating it changes
/// nothing and names the same consumers.
public enum IncidentResponding {
    /// Responds to an incident.
    /// - Parameters:
    ///   - keyPath: the signing key file a key incident rotates: the new private key replaces it
    ///     (as `charter keys rotate` does) only when the incident's key was the active one.
    /// - Throws: ``LifecycleFailure`` for an unknown source, certificate or key, a malformed reason,
    ///   a key file that cannot be replaced.
    public static func respond(
        _ scope: IncidentScope, reason: String, keyPath: String, registry: any RegistryStore, actor: String,
        instant: ActingInstant
    ) throws(LifecycleFailure) -> IncidentOutcome {
        let now = instant.timestamp
        func respond(_ replacement: String?) throws(LifecycleFailure) -> IncidentOutcome {
            try lifecycleRead { () throws(RegistryError) in
                try registry.respondToIncident(scope, reason: reason, replacement: replacement, actor: actor, at: now)
            }
        }
        guard case .key(let fingerprint) = scope else { return try respond(nil) }
        let keys = try lifecycleRead { () throws(RegistryError) in try registry.signingKeys() }
        guard let key = keys.key(fingerprint) else {
            throw LifecycleFailure("no signing key \"\(LifecycleCertificate.escaped(fingerprint))\" in the registry")
        }
        guard key.status == .active else { return try respond(nil) }
        do throws(SigningKeyTrust.Failure) {
            return try SigningKeyTrust.withNextKey(keyPath: keyPath, keys: keys) {
                (publicKey) throws(SigningKeyTrust.Failure) in
                do throws(LifecycleFailure) {
                    return try respond(publicKey)
                } catch {
                    throw SigningKeyTrust.Failure(error.message, error.status)
                }
            }
        } catch {
            throw LifecycleFailure(error.message, error.status)
        }
    }
}

extension IncidentOutcome {
    /// The outcome as `charter incident --format json` prints it.
    public var json: JSONValue {
        [
            "scope": .string(scope.description), "changed": .bool(changed),
            "event": event.map { .integer(Int($0.id)) } ?? .null,
            "revoked": .array(revoked.map { .string($0.id) }),
            "already_revoked": .array(alreadyRevoked.map { .string($0.id) }),
            "revoked_key": revokedKey.map { .string($0.fingerprint) } ?? .null,
            "activated_key": activatedKey.map { .string($0.fingerprint) } ?? .null,
            "notify": .array(
                notify.map {
                    [
                        "certificate": .string($0.certificate), "consumer": .string($0.consumer),
                        "accessed_by": .array($0.accessedBy.map(JSONValue.string)),
                        "last_access": .string($0.lastAccess.description),
                    ]
                }),
        ]
    }

    /// The outcome in plain text.
    public var text: String {
        var lines: [String] = []
        if let event {
            lines.append("incident \(scope) recorded (event \(event.id), \(event.at))")
        } else {
            lines.append("incident \(scope): already responded to; nothing changed")
        }
        lines += revoked.map { "  revoked \($0.id) (source \($0.source))" }
        lines += alreadyRevoked.map { "  already revoked \($0.id)" }
        if let revokedKey { lines.append("  revoked signing key \(revokedKey.fingerprint)") }
        if let activatedKey { lines.append("  activated signing key \(activatedKey.fingerprint) in its place") }
        if notify.isEmpty {
            lines.append("  no consumer accessed the data: nobody to notify")
        } else {
            lines.append("  notify:")
            lines += notify.map {
                "    \($0.consumer) (certificate \($0.certificate); accessed by \($0.accessedBy.joined(separator: ", ")), last \($0.lastAccess))"
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
