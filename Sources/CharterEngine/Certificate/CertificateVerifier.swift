public import CharterCore
public import CharterRegistry

/// Checks a certificate file: its form, its Ed25519 signature against trusted keys, its validity
/// window, and the catalogue (known id, the same file digest, not revoked).
///
/// The checks are independent: every one that fails is reported, so an edited and revoked
/// certificate says both.
public struct CertificateVerifier: Sendable {
    /// Keys whose signatures are trusted (by key id).
    public var trustedKeys: [VerificationKey]
    /// The instant validity is judged at.
    public var now: Timestamp

    /// Creates a verifier.
    public init(trustedKeys: [VerificationKey], now: Timestamp) {
        self.trustedKeys = trustedKeys
        self.now = now
    }

    /// Verifies the bytes of a certificate file against the catalogue in `registry`.
    public func verify(fileBytes: [UInt8], registry: any RegistryStore) -> CertificateVerification {
        var result = CertificateVerification()
        let text = String(decoding: fileBytes, as: UTF8.self)
        guard String(validating: fileBytes, as: UTF8.self) != nil else {
            result.findings.append(.init(.unreadable, "the file is not UTF-8 text"))
            return result
        }
        let value: JSONValue
        do {
            value = try JSONParser().parse(text)
        } catch {
            result.findings.append(.init(.unreadable, "the file is not JSON: \(error)"))
            return result
        }
        let certificate: Certificate
        do {
            certificate = try CertificateCodec.decode(value)
        } catch {
            result.findings.append(.init(.unreadable, error.message))
            return result
        }
        result.certificate = certificate
        if let written = try? CertificateCodec.fileText(certificate), Array(written.utf8) != fileBytes {
            let offset =
                Array(zip(written.utf8, fileBytes)).firstIndex { $0.0 != $0.1 }
                ?? min(written.utf8.count, fileBytes.count)
            result.findings.append(
                .init(.form, "the file is not as charter writes this certificate (first difference at byte \(offset))"))
        }
        checkSignature(value, certificate, into: &result)
        checkValidity(certificate, into: &result)
        checkCatalogue(certificate, fileBytes: fileBytes, registry: registry, into: &result)
        return result
    }

    private func checkSignature(
        _ value: JSONValue, _ certificate: Certificate, into result: inout CertificateVerification
    ) {
        guard let signature = certificate.signature else {
            result.findings.append(.init(.signature, "the certificate is not signed"))
            return
        }
        result.keyID = signature.keyID
        guard signature.algorithm == "ed25519" else {
            result.findings.append(.init(.signature, "unsupported signature algorithm \"\(signature.algorithm)\""))
            return
        }
        guard let key = trustedKeys.first(where: { $0.id == signature.keyID }) else {
            result.findings.append(
                .init(
                    .unknownKey,
                    "signed by key \(signature.keyID), which is not a trusted key"
                        + (trustedKeys.isEmpty ? "" : " (trusted: \(trustedKeys.map(\.id).joined(separator: ", ")))")))
            return
        }
        guard let payload = try? CertificateCodec.signingPayload(of: value),
            key.isValidSignature(signature.value, for: payload)
        else {
            result.findings.append(
                .init(
                    .signature, "the signature does not match the certificate's content: it was altered after signing"))
            return
        }
    }

    private func checkValidity(_ certificate: Certificate, into result: inout CertificateVerification) {
        guard let issued = Timestamp(rfc3339: certificate.issuedAt) else {
            result.findings.append(.init(.validity, "issued_at \"\(certificate.issuedAt)\" is not an RFC 3339 time"))
            return
        }
        guard let expires = Timestamp(rfc3339: certificate.expiresAt) else {
            result.findings.append(.init(.validity, "expires_at \"\(certificate.expiresAt)\" is not an RFC 3339 time"))
            return
        }
        if now < issued {
            result.findings.append(.init(.validity, "not valid before \(issued) (now \(now))"))
        }
        if now >= expires {
            result.findings.append(.init(.expired, "expired at \(expires) (now \(now))"))
        }
    }

    private func checkCatalogue(
        _ certificate: Certificate, fileBytes: [UInt8], registry: any RegistryStore,
        into result: inout CertificateVerification
    ) {
        let record: CertificateRecord?
        do {
            record = try registry.certificate(certificate.id)
        } catch {
            result.findings.append(.init(.catalogue, "cannot read the catalogue: \(error)"))
            return
        }
        guard let record else {
            result.findings.append(.init(.catalogue, "certificate \"\(certificate.id)\" is not in the catalogue"))
            return
        }
        result.record = record
        let digest = ContentDigest.sha256(fileBytes)
        if record.digest != digest {
            result.findings.append(
                .init(
                    .catalogue, "the file's digest \(digest) is not the one the catalogue recorded (\(record.digest))"))
        }
        if Timestamp(rfc3339: certificate.expiresAt) != record.expiresAt {
            result.findings.append(
                .init(
                    .catalogue, "expires_at \(certificate.expiresAt) differs from the catalogue's \(record.expiresAt)"))
        }
        if let revocation = record.revocation {
            result.findings.append(
                .init(
                    .revoked, "revoked at \(revocation.at) by \(revocation.actor): \(revocation.reason)"))
        }
    }
}

/// What ``CertificateVerifier`` found.
public struct CertificateVerification: Sendable {
    /// The certificate, when the file could be read as one.
    public var certificate: Certificate?
    /// The catalogue's record, when there is one.
    public var record: CertificateRecord?
    /// The key id the certificate names.
    public var keyID: String?
    /// Every check that failed; empty when the certificate is valid.
    public var findings: [CertificateFinding] = []

    /// Whether every check passed.
    public var isValid: Bool { findings.isEmpty }
    /// Whether the file could not be read as a certificate at all.
    public var isUnreadable: Bool { findings.contains { $0.kind == .unreadable } }
}

/// One failed check.
public struct CertificateFinding: Sendable, Equatable {
    /// Which check.
    public enum Kind: String, Sendable, Equatable {
        /// Not UTF-8, not JSON, or not a certificate.
        case unreadable
        /// Not in the form charter writes.
        case form
        /// Missing, malformed or not matching the content.
        case signature
        /// Signed by a key that is not trusted.
        case unknownKey = "unknown-key"
        /// Not yet valid, or malformed dates.
        case validity
        /// Past its expiry.
        case expired
        /// Unknown to the catalogue, or not the file the catalogue recorded.
        case catalogue
        /// Revoked in the catalogue.
        case revoked
    }

    public var kind: Kind
    public var message: String

    init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
}
