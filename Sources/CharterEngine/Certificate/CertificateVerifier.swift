public import CharterCore
public import CharterRegistry

#if canImport(FoundationEssentials)
    internal import FoundationEssentials
#else
    internal import Foundation
#endif

/// Checks a certificate file: its form, its Ed25519 signature by a key of the trust store, that key
/// trusted at the certificate's issue time, its validity window, the synthetic data file against
/// the certificate's digest when given, and — with a registry — the catalogue (known id, the same
/// file digest, not revoked).
///
/// The trust store is the registry's signing keys, or a published ``TrustBundle`` for a consumer
/// with no registry: the same keys and the same rule (``SigningKeyRecord/distrust(issuedAt:)``).
/// The checks are independent: every one that fails is reported, so an edited and revoked
/// certificate says both.
public struct CertificateVerifier: Sendable {
    /// The signing keys the registry or the trust bundle records, with their statuses.
    public var signingKeys: [SigningKeyRecord]
    /// The instant validity is judged at.
    public var now: Timestamp

    /// Creates a verifier.
    public init(signingKeys: [SigningKeyRecord], now: Timestamp) {
        self.signingKeys = signingKeys
        self.now = now
    }

    /// Verifies the bytes of a certificate file.
    ///
    /// - Parameters:
    ///   - fileBytes: the certificate file.
    ///   - registry: the catalogue to check it against; `nil` offline (the result says the catalogue
    ///     was not consulted, so a revoked certificate is not detected).
    ///   - data: the synthetic data file's bytes, checked against the certificate's `sha256`; `nil`
    ///     to skip.
    public func verify(fileBytes: [UInt8], registry: (any RegistryStore)?, data: [UInt8]? = nil)
        -> CertificateVerification
    {
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
        if let data {
            result.dataChecked = true
            let digest = ContentDigest.sha256(data)
            if digest != certificate.lineage.synthetic.sha256 {
                result.findings.append(
                    .init(
                        .data,
                        "the data file's digest \(digest) is not the certificate's \(certificate.lineage.synthetic.sha256) (\(certificate.lineage.synthetic.file), \(certificate.lineage.synthetic.rows) rows)"
                    ))
            }
        }
        if let registry {
            result.catalogueChecked = true
            checkCatalogue(certificate, fileBytes: fileBytes, registry: registry, into: &result)
        }
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
        guard let record = signingKeys.key(signature.keyID) else {
            let active = signingKeys.active.map { " (the active key is \($0.fingerprint))" } ?? " (no key is active)"
            result.findings.append(
                .init(
                    .unknownKey,
                    "signed by key \(signature.keyID), which is not one of the organisation's signing keys\(active)"))
            return
        }
        // The stored public key must be the one the fingerprint names: a store that pairs a trusted
        // fingerprint with another key is not trusted.
        guard let raw = Data(base64Encoded: record.publicKey),
            let key = try? VerificationKey(rawRepresentation: [UInt8](raw)), key.id == record.fingerprint
        else {
            result.findings.append(
                .init(.unknownKey, "the trust store's public key for \(record.fingerprint) is not the key it names"))
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
        guard let issued = Timestamp(rfc3339: certificate.issuedAt) else { return }  // a validity finding says why
        if let reason = record.distrust(issuedAt: issued) {
            result.findings.append(.init(.untrustedKey, reason))
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
    /// Whether the catalogue was consulted (not offline, from a trust bundle).
    public var catalogueChecked = false
    /// Whether a data file was checked against the certificate's digest.
    public var dataChecked = false
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
        /// Signed by a key that is not one of the organisation's signing keys.
        case unknownKey = "unknown-key"
        /// Signed by a known key that was not trusted at the issue time: revoked, or outside the
        /// period it was active.
        case untrustedKey = "untrusted-key"
        /// The data file is not the one the certificate covers.
        case data
        /// Not yet valid, or malformed dates.
        case validity
        /// Past its expiry.
        case expired
        /// Unknown to the catalogue, or not the file the catalogue recorded.
        case catalogue
        /// Revoked in the catalogue.
        case revoked
        /// Retired: its data files were removed (`charter catalog retire`); it still verifies as genuine.
        case retired
        /// The policy enforces revalidation and the certificate is overdue, or failed its latest one.
        case revalidation
    }

    /// Which check failed.
    public var kind: Kind
    /// What is wrong, in one line.
    public var message: String

    package init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
}
