public import CharterCore

extension PostgresRegistry {
    public func signingKeys() throws(RegistryError) -> [SigningKeyRecord] {
        try read { transaction in try Self.signingKeys(transaction) }
    }

    public func activateSigningKey(
        publicKey: String, as activation: SigningKeyActivation, validFrom: Timestamp?, actor: String,
        at now: Timestamp
    ) throws(RegistryError) -> (active: SigningKeyRecord, retired: SigningKeyRecord?) {
        try RegistryName.check(actor, "actor")
        let fingerprint = try SigningKeyRecord.fingerprint(ofPublicKey: publicKey)
        if let validFrom {
            guard activation == .initial else {
                throw .keyActivationRefused(
                    "only charter keys init may start a key's validity before now: a rotation or first use starts it now"
                )
            }
            guard validFrom <= now else {
                throw .keyActivationRefused("a key's validity cannot start (\(validFrom)) after now (\(now))")
            }
        }
        let activatedAt = validFrom ?? now
        return try write(at: now) { transaction, head, now in
            let keys = try Self.signingKeys(transaction)
            if let known = keys.key(fingerprint) {
                throw RegistryError.signingKeyKnown(fingerprint: fingerprint, status: known.status)
            }
            switch activation {
            case .firstUse:
                guard keys.isEmpty else {
                    throw RegistryError.keyActivationRefused(
                        "the registry already has signing keys: a key is adopted on first use only by a registry that has none"
                    )
                }
                let certificates = try transaction.one("SELECT count(*) AS n FROM certificates")?.integer("n") ?? 0
                guard certificates == 0 else {
                    throw RegistryError.keyActivationRefused(
                        "the registry holds \(certificates) certificate(s) recorded before it kept signing keys: choose its key explicitly with charter keys init"
                    )
                }
            case .initial:
                guard keys.isEmpty else {
                    throw RegistryError.keyActivationRefused(
                        "the registry already has signing keys (active: \(keys.active?.fingerprint ?? "none")): use charter keys rotate"
                    )
                }
            case .rotation:
                guard !keys.isEmpty else {
                    throw RegistryError.keyActivationRefused(
                        "the registry has no signing key to rotate: use charter keys init")
                }
            }
            var retired = keys.active
            if var previous = retired {
                previous.status = .retired
                previous.retiredAt = now
                guard previous.activatedAt <= now else {
                    throw RegistryError.keyActivationRefused(
                        "the active key \(previous.fingerprint) was activated at \(previous.activatedAt), after \(now)")
                }
                try transaction.execute(
                    "UPDATE signing_keys SET status = 'retired', retired_at = $1 WHERE fingerprint = $2",
                    [.integer(now.millisecondsSinceEpoch), .text(previous.fingerprint)])
                retired = previous
            }
            let active = SigningKeyRecord(
                fingerprint: fingerprint, publicKey: publicKey, status: .active, activatedAt: activatedAt)
            try transaction.execute(
                """
                INSERT INTO signing_keys (fingerprint, public_key, status, activated_at, activated_by)
                VALUES ($1, $2, 'active', $3, $4)
                """,
                [.text(fingerprint), .text(publicKey), .integer(activatedAt.millisecondsSinceEpoch), .text(actor)])
            try appendAudit(
                transaction, &head, at: now, actor: actor, action: AuditAction.activateSigningKey, subject: fingerprint,
                details: [
                    "fingerprint": .string(fingerprint), "public_key": .string(publicKey),
                    "activation": .string(activation.rawValue), "valid_from": .string(activatedAt.description),
                    "retires": retired.map { .string($0.fingerprint) } ?? .null,
                ])
            return (active, retired)
        }
    }

    public func revokeSigningKey(_ fingerprint: String, reason: String, actor: String, at now: Timestamp)
        throws(RegistryError) -> SigningKeyRecord
    {
        try RegistryName.check(reason, "reason")
        try RegistryName.check(actor, "actor")
        return try write(at: now) { transaction, head, now in
            guard var key = try Self.signingKeys(transaction).key(fingerprint) else {
                throw RegistryError.unknownSigningKey(fingerprint)
            }
            if let revocation = key.revocation {
                throw RegistryError.signingKeyAlreadyRevoked(fingerprint: fingerprint, revocation: revocation)
            }
            key.status = .revoked
            key.revocation = .init(reason: reason, actor: actor, at: now)
            try transaction.execute(
                """
                UPDATE signing_keys SET status = 'revoked', revoked_at = $1, revoked_reason = $2, revoked_by = $3
                WHERE fingerprint = $4
                """,
                [.integer(now.millisecondsSinceEpoch), .text(reason), .text(actor), .text(fingerprint)])
            try appendAudit(
                transaction, &head, at: now, actor: actor, action: AuditAction.revokeSigningKey, subject: fingerprint,
                details: ["fingerprint": .string(fingerprint), "reason": .string(reason)])
            return key
        }
    }

    static func signingKeys(_ transaction: PostgresTransaction) throws -> [SigningKeyRecord] {
        try transaction.rows("SELECT * FROM signing_keys ORDER BY activated_at, fingerprint COLLATE \"C\"").map { row in
            let fingerprint = try row.text("fingerprint")
            guard let status = SigningKeyRecord.Status(rawValue: try row.text("status")) else {
                throw RegistryError.database("signing key \(fingerprint) has an unknown status")
            }
            var key = SigningKeyRecord(
                fingerprint: fingerprint, publicKey: try row.text("public_key"), status: status,
                activatedAt: Timestamp(millisecondsSinceEpoch: try row.integer("activated_at")),
                retiredAt: try row.optionalInteger("retired_at").map(Timestamp.init(millisecondsSinceEpoch:)))
            if let revokedAt = try row.optionalInteger("revoked_at") {
                key.revocation = .init(
                    reason: try row.optionalText("revoked_reason") ?? "",
                    actor: try row.optionalText("revoked_by") ?? "",
                    at: Timestamp(millisecondsSinceEpoch: revokedAt))
            }
            return key
        }
    }
}
