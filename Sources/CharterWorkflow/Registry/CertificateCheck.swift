public import CharterCore
public import CharterEngine
public import CharterRegistry

/// `cert verify`: a certificate file checked — its bytes as Charter wrote them, its Ed25519
/// signature by a trusted key, issued and not expired at the instant, and known, matching and not
/// revoked in the catalogue.
public enum CertificateCheck {
    /// The keys a certificate is checked against: each public key file given, else the public half
    /// of the signing key at `signingKeyPath` (its `.pub` file, else the key itself).
    public static func trustedKeys(publicKeyPaths: [String], signingKeyPath: String) throws(SigningKey.Failure)
        -> [VerificationKey]
    {
        guard publicKeyPaths.isEmpty else {
            return try publicKeyPaths.map { path throws(SigningKey.Failure) in try VerificationKey.load(at: path) }
        }
        let store = FileSystemInputStore()
        if store.kind(of: signingKeyPath + ".pub") != nil {
            return [try VerificationKey.load(at: signingKeyPath + ".pub")]
        }
        if store.kind(of: signingKeyPath) != nil {
            return [try SigningKey.load(at: signingKeyPath).publicKey]
        }
        throw SigningKey.Failure(message: "no trusted key: \"\(signingKeyPath)\" does not exist; give --public-key")
    }

    /// Verifies `bytes` against `keys` at `instant`, and against the catalogue of `registry`.
    public static func verify(
        _ bytes: [UInt8], keys: [VerificationKey], instant: ActingInstant, registry: any RegistryStore
    ) -> CertificateVerification {
        CertificateVerifier(trustedKeys: keys, now: instant.timestamp).verify(fileBytes: bytes, registry: registry)
    }
}

extension CertificateVerification {
    /// The verification of `file` as `charter cert verify --format json` prints it and a server
    /// returns it.
    public func json(file: String) -> JSONValue {
        [
            "file": .string(file), "valid": .bool(isValid), "certificate_id": certificate.map { .string($0.id) } ?? .null,
            "key_id": keyID.map(JSONValue.string) ?? .null,
            "expires_at": certificate.map { .string($0.expiresAt) } ?? .null,
            "findings": .array(findings.map { ["check": .string($0.kind.rawValue), "message": .string($0.message)] }),
        ]
    }
}
