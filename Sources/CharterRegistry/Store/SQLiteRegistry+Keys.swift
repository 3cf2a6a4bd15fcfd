public import CharterCore

// The signing-key rules live in RegistryTransaction+Keys.swift, shared with PostgreSQL.
extension SQLiteRegistry {
    public func signingKeys() throws(RegistryError) -> [SigningKeyRecord] {
        try snapshot { try $0.signingKeys() }
    }

    public func activateSigningKey(
        publicKey: String, as activation: SigningKeyActivation, validFrom: Timestamp?, actor: String,
        at now: Timestamp
    ) throws(RegistryError) -> (active: SigningKeyRecord, retired: SigningKeyRecord?) {
        let (fingerprint, activatedAt) = try SigningKeyRecord.checkedActivation(
            publicKey: publicKey, as: activation, validFrom: validFrom, actor: actor, at: now)
        return try change {
            try $0.activateSigningKey(
                publicKey: publicKey, fingerprint: fingerprint, as: activation, activatedAt: activatedAt, actor: actor,
                at: now)
        }
    }

    public func revokeSigningKey(_ fingerprint: String, reason: String, actor: String, at now: Timestamp)
        throws(RegistryError) -> SigningKeyRecord
    {
        try RegistryName.check(reason, "reason")
        try RegistryName.check(actor, "actor")
        return try change { try $0.revokeSigningKey(fingerprint, reason: reason, actor: actor, at: now) }
    }
}
