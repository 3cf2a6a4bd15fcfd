import CharterCore

/// The signing-key rules, once for both stores (see ``RegistryTransaction``).
extension RegistryTransaction {
    /// Makes `publicKey` the active key as `activation` allows (checked before: the actor, the
    /// fingerprint, `activatedAt`), retiring the active one at `now`.
    mutating func activateSigningKey(
        publicKey: String, fingerprint: String, as activation: SigningKeyActivation, activatedAt: Timestamp,
        actor: String, at now: Timestamp
    ) throws -> (active: SigningKeyRecord, retired: SigningKeyRecord?) {
        let keys = try signingKeys()
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
            let certificates = try one("SELECT count(*) AS n FROM certificates")?.integer("n") ?? 0
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
                throw RegistryError.keyActivationRefused("the registry has no signing key to rotate: use charter keys init")
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
            try execute(
                "UPDATE signing_keys SET status = 'retired', retired_at = ? WHERE fingerprint = ?",
                [.integer(now.millisecondsSinceEpoch), .text(previous.fingerprint)])
            retired = previous
        }
        let active = SigningKeyRecord(fingerprint: fingerprint, publicKey: publicKey, status: .active, activatedAt: activatedAt)
        try execute(
            """
            INSERT INTO signing_keys (fingerprint, public_key, status, activated_at, activated_by)
            VALUES (?, ?, 'active', ?, ?)
            """,
            [.text(fingerprint), .text(publicKey), .integer(activatedAt.millisecondsSinceEpoch), .text(actor)])
        try appendAudit(
            at: now, actor: actor, action: AuditAction.activateSigningKey, subject: fingerprint,
            details: [
                "fingerprint": .string(fingerprint), "public_key": .string(publicKey),
                "activation": .string(activation.rawValue), "valid_from": .string(activatedAt.description),
                "retires": retired.map { .string($0.fingerprint) } ?? .null,
            ])
        return (active, retired)
    }

    /// Revokes a key, with the reason and who revoked it.
    mutating func revokeSigningKey(_ fingerprint: String, reason: String, actor: String, at now: Timestamp) throws
        -> SigningKeyRecord
    {
        guard var key = try signingKeys().key(fingerprint) else { throw RegistryError.unknownSigningKey(fingerprint) }
        if let revocation = key.revocation {
            throw RegistryError.signingKeyAlreadyRevoked(fingerprint: fingerprint, revocation: revocation)
        }
        key.status = .revoked
        key.revocation = .init(reason: reason, actor: actor, at: now)
        try execute(
            """
            UPDATE signing_keys SET status = 'revoked', revoked_at = ?, revoked_reason = ?, revoked_by = ?
            WHERE fingerprint = ?
            """,
            [.integer(now.millisecondsSinceEpoch), .text(reason), .text(actor), .text(fingerprint)])
        try appendAudit(
            at: now, actor: actor, action: AuditAction.revokeSigningKey, subject: fingerprint,
            details: ["fingerprint": .string(fingerprint), "reason": .string(reason)])
        return key
    }

    /// Every key, ordered by activation time, then fingerprint.
    func signingKeys() throws -> [SigningKeyRecord] {
        try rows("SELECT * FROM signing_keys ORDER BY activated_at, \(Self.bytewise("fingerprint"))", []).map { row in
            let fingerprint = try row.text("fingerprint")
            guard let status = SigningKeyRecord.Status(rawValue: try row.text("status")) else {
                throw RegistryError.database("signing key \(fingerprint) has an unknown status")
            }
            var key = SigningKeyRecord(
                fingerprint: fingerprint, publicKey: try row.text("public_key"), status: status,
                activatedAt: Timestamp(millisecondsSinceEpoch: try row.integer("activated_at")),
                retiredAt: try row.optionalInteger("retired_at").map(Timestamp.init(millisecondsSinceEpoch:)))
            if let revoked = try row.revocation() {
                key.revocation = .init(reason: revoked.reason, actor: revoked.actor, at: revoked.at)
            }
            return key
        }
    }
}

/// The signing-key checks that need no database, run before the transaction.
extension SigningKeyRecord {
    /// Checks an activation's actor and start and returns the key's fingerprint and start.
    static func checkedActivation(
        publicKey: String, as activation: SigningKeyActivation, validFrom: Timestamp?, actor: String, at now: Timestamp
    ) throws(RegistryError) -> (fingerprint: String, activatedAt: Timestamp) {
        try RegistryName.check(actor, "actor")
        let fingerprint = try fingerprint(ofPublicKey: publicKey)
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
        return (fingerprint, validFrom ?? now)
    }
}
