public import CharterCore

extension PostgresRegistry {
    public func recordCertificate(_ certificate: CertificateRecord, actor: String, at now: Timestamp)
        throws(RegistryError)
    {
        try certificate.validate()
        try RegistryName.check(actor, "actor")
        let consumers: String
        do {
            consumers = try JSONValue.array(certificate.consumers.map { .string($0) }).canonical()
        } catch {
            throw .invalidCertificate("consumers cannot be written as JSON")
        }
        try write(at: now) { transaction, head, now in
            guard try Self.cap(transaction, certificate.source) != nil else {
                throw RegistryError.unknownSource(certificate.source)
            }
            guard try Self.certificate(transaction, certificate.id) == nil else {
                throw RegistryError.duplicateCertificate(certificate.id)
            }
            try Self.checkSigner(transaction, certificate, at: now)
            try transaction.execute(
                """
                INSERT INTO certificates (id, source, tier, audience, consumers, issued_at, expires_at, digest, key_id)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                """,
                [
                    .text(certificate.id), .text(certificate.source), .text(certificate.tier),
                    .text(certificate.audience), .text(consumers),
                    .integer(certificate.issuedAt.millisecondsSinceEpoch),
                    .integer(certificate.expiresAt.millisecondsSinceEpoch), .text(certificate.digest),
                    .optionalText(certificate.keyID),
                ])
            try appendAudit(
                transaction, &head, at: now, actor: actor, action: AuditAction.recordCertificate,
                subject: certificate.id,
                details: [
                    "id": .string(certificate.id), "source": .string(certificate.source),
                    "tier": .string(certificate.tier),
                    "audience": .string(certificate.audience),
                    "consumers": .array(certificate.consumers.map { .string($0) }),
                    "issued_at": .string(certificate.issuedAt.description),
                    "expires_at": .string(certificate.expiresAt.description), "digest": .string(certificate.digest),
                    "key_id": certificate.keyID.map(JSONValue.string) ?? .null,
                ])
        }
    }

    /// Refuses a certificate whose signer is not the active key (as ``SQLiteRegistry`` does).
    static func checkSigner(_ transaction: PostgresTransaction, _ certificate: CertificateRecord, at now: Timestamp)
        throws
    {
        let keyID = certificate.keyID ?? ""
        let keys = try signingKeys(transaction)
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

    public func revokeCertificate(_ id: String, reason: String, actor: String, at now: Timestamp) throws(RegistryError)
        -> CertificateRecord
    {
        try RegistryName.check(reason, "reason")
        try RegistryName.check(actor, "actor")
        return try write(at: now) { transaction, head, now in
            guard var certificate = try Self.certificate(transaction, id) else {
                throw RegistryError.unknownCertificate(id)
            }
            if let revocation = certificate.revocation {
                throw RegistryError.alreadyRevoked(id: id, revocation: revocation)
            }
            certificate.revocation = .init(reason: reason, actor: actor, at: now)
            try transaction.execute(
                "UPDATE certificates SET revoked_at = $1, revoked_reason = $2, revoked_by = $3 WHERE id = $4",
                [.integer(now.millisecondsSinceEpoch), .text(reason), .text(actor), .text(id)])
            try appendAudit(
                transaction, &head, at: now, actor: actor, action: AuditAction.revokeCertificate, subject: id,
                details: ["id": .string(id), "reason": .string(reason)])
            return certificate
        }
    }

    public func certificate(_ id: String) throws(RegistryError) -> CertificateRecord? {
        try read { transaction in try Self.certificate(transaction, id) }
    }

    public func certificates() throws(RegistryError) -> [CertificateRecord] {
        try read { transaction in
            try transaction.rows("SELECT * FROM certificates ORDER BY issued_at, id COLLATE \"C\"")
                .map(Self.certificate(from:))
        }
    }

    static func certificate(_ transaction: PostgresTransaction, _ id: String) throws -> CertificateRecord? {
        try transaction.one("SELECT * FROM certificates WHERE id = $1", [.text(id)]).map(certificate(from:))
    }

    static func certificate(from row: PostgresRecord) throws -> CertificateRecord {
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
        if let revokedAt = try row.optionalInteger("revoked_at") {
            certificate.revocation = .init(
                reason: try row.optionalText("revoked_reason") ?? "", actor: try row.optionalText("revoked_by") ?? "",
                at: Timestamp(millisecondsSinceEpoch: revokedAt))
        }
        return certificate
    }
}
