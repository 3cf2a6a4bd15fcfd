import CharterCore

/// The catalogue's rules, once for both stores (see ``RegistryTransaction``).
extension RegistryTransaction {
    /// Adds a certificate (checked before: ``CertificateRecord/checkedConsumers(actor:)``) whose
    /// source is registered and whose signer is the active key.
    mutating func recordCertificate(_ certificate: CertificateRecord, consumers: String, actor: String, at now: Timestamp)
        throws
    {
        guard try cap(certificate.source) != nil else { throw RegistryError.unknownSource(certificate.source) }
        guard try self.certificate(certificate.id) == nil else {
            throw RegistryError.duplicateCertificate(certificate.id)
        }
        try checkSigner(certificate, at: now)
        try execute(
            """
            INSERT INTO certificates (id, source, tier, audience, consumers, issued_at, expires_at, digest, key_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(certificate.id), .text(certificate.source), .text(certificate.tier), .text(certificate.audience),
                .text(consumers), .integer(certificate.issuedAt.millisecondsSinceEpoch),
                .integer(certificate.expiresAt.millisecondsSinceEpoch), .text(certificate.digest),
                .optionalText(certificate.keyID),
            ])
        try appendAudit(
            at: now, actor: actor, action: AuditAction.recordCertificate, subject: certificate.id,
            details: [
                "id": .string(certificate.id), "source": .string(certificate.source), "tier": .string(certificate.tier),
                "audience": .string(certificate.audience),
                "consumers": .array(certificate.consumers.map { .string($0) }),
                "issued_at": .string(certificate.issuedAt.description),
                "expires_at": .string(certificate.expiresAt.description), "digest": .string(certificate.digest),
                "key_id": certificate.keyID.map(JSONValue.string) ?? .null,
            ])
    }

    /// Refuses a certificate whose signer is not the active key, or was not yet active when the
    /// certificate was issued, or when it is recorded (`now`).
    func checkSigner(_ certificate: CertificateRecord, at now: Timestamp) throws {
        let keyID = certificate.keyID ?? ""
        let keys = try signingKeys()
        guard let signer = keys.key(keyID) else {
            let active = keys.active.map { "the active key is \($0.fingerprint)" } ?? "the registry has no active key"
            throw RegistryError.untrustedSigner(
                certificate: certificate.id,
                reason: "it is signed by \(keyID), which is not a registry signing key (\(active))")
        }
        guard signer.status == .active else {
            throw RegistryError.untrustedSigner(
                certificate: certificate.id,
                reason: "it is signed by \(keyID), which is \(signer.status.rawValue), not the active key")
        }
        for instant in [certificate.issuedAt, now] {
            if let reason = signer.distrust(issuedAt: instant) {
                throw RegistryError.untrustedSigner(certificate: certificate.id, reason: reason)
            }
        }
    }

    /// Revokes a certificate, with the reason and who revoked it.
    mutating func revokeCertificate(_ id: String, reason: String, actor: String, at now: Timestamp) throws
        -> CertificateRecord
    {
        guard var certificate = try certificate(id) else { throw RegistryError.unknownCertificate(id) }
        if let revocation = certificate.revocation { throw RegistryError.alreadyRevoked(id: id, revocation: revocation) }
        certificate.revocation = .init(reason: reason, actor: actor, at: now)
        try execute(
            "UPDATE certificates SET revoked_at = ?, revoked_reason = ?, revoked_by = ? WHERE id = ?",
            [.integer(now.millisecondsSinceEpoch), .text(reason), .text(actor), .text(id)])
        try appendAudit(
            at: now, actor: actor, action: AuditAction.revokeCertificate, subject: id,
            details: ["id": .string(id), "reason": .string(reason)])
        return certificate
    }

    /// Every certificate, sorted by issue time, then id.
    func certificates() throws -> [CertificateRecord] {
        try rows("SELECT * FROM certificates ORDER BY issued_at, \(Self.bytewise("id"))", []).map(Self.certificate(from:))
    }

    /// One certificate, or `nil`.
    func certificate(_ id: String) throws -> CertificateRecord? {
        try one("SELECT * FROM certificates WHERE id = ?", [.text(id)]).map(Self.certificate(from:))
    }

    static func certificate(from row: Record) throws -> CertificateRecord {
        let id = try row.text("id")
        guard
            let consumers = (try? JSONParser().parse(try row.text("consumers")))?.arrayValue?.compactMap(\.stringValue)
        else {
            throw RegistryError.database("the consumers of certificate \"\(id)\" are not a JSON list")
        }
        var certificate = CertificateRecord(
            id: id, source: try row.text("source"), tier: try row.text("tier"), audience: try row.text("audience"),
            consumers: consumers, issuedAt: Timestamp(millisecondsSinceEpoch: try row.integer("issued_at")),
            expiresAt: Timestamp(millisecondsSinceEpoch: try row.integer("expires_at")), digest: try row.text("digest"),
            keyID: try row.optionalText("key_id"))
        if let revoked = try row.revocation() {
            certificate.revocation = .init(reason: revoked.reason, actor: revoked.actor, at: revoked.at)
        }
        return certificate
    }
}

extension CertificateRecord {
    /// Checks the certificate and the actor before the transaction, and returns the consumers as
    /// stored (canonical JSON).
    func checkedConsumers(actor: String) throws(RegistryError) -> String {
        try validate()
        try RegistryName.check(actor, "actor")
        do {
            return try JSONValue.array(consumers.map { .string($0) }).canonical()
        } catch {
            throw .invalidCertificate("consumers cannot be written as JSON")
        }
    }
}
