public import CharterCore
public import CharterRegistry

extension CertificateRecord {
    /// `revoked`, `expired` (at `now` or before) or `valid`.
    public func status(at now: Timestamp) -> String {
        let certificate = self
        if certificate.revocation != nil { return "revoked" }
        return certificate.expiresAt <= now ? "expired" : "valid"
    }

    /// The entry as `charter catalog --format json` prints it and a server returns it.
    public func json(at now: Timestamp) -> JSONValue {
        let certificate = self
        var object: [String: JSONValue] = [
            "id": .string(certificate.id), "source": .string(certificate.source), "tier": .string(certificate.tier),
            "audience": .string(certificate.audience), "consumers": .array(certificate.consumers.map { .string($0) }),
            "issued_at": .string(certificate.issuedAt.description),
            "expires_at": .string(certificate.expiresAt.description),
            "digest": .string(certificate.digest), "status": .string(certificate.status(at: now)),
            "key_id": certificate.keyID.map(JSONValue.string) ?? .null,
        ]
        if let revocation = certificate.revocation {
            object["revoked"] = [
                "at": .string(revocation.at.description), "actor": .string(revocation.actor),
                "reason": .string(revocation.reason),
            ]
        }
        return .object(object)
    }

    /// Expired (and not revoked) at the given severity; expiring within `window` as a warning.
    public func finding(
        at now: Timestamp, registry path: String, expiredSeverity: Diagnostic.Severity, window: Duration = .zero
    ) -> Diagnostic? {
        let certificate = self
        guard certificate.revocation == nil else { return nil }
        if certificate.expiresAt <= now {
            return Diagnostic(
                expiredSeverity, .certificateExpired,
                "certificate \"\(certificate.id)\" expired at \(certificate.expiresAt)",
                at: .file(path), help: "stop using the data it covers, or re-certify it")
        }
        if certificate.expiresAt <= now.advanced(by: window) {
            let days = now.duration(to: certificate.expiresAt).components.seconds / 86_400
            return .warning(
                .certificateExpiring,
                "certificate \"\(certificate.id)\" expires at \(certificate.expiresAt), in \(days) day\(days == 1 ? "" : "s")",
                at: .file(path), help: "re-certify it before it expires")
        }
        return nil
    }
}
