public import CharterCore
public import CharterEngine
public import CharterRegistry

/// `cert verify`: a certificate file checked — its bytes as Charter wrote them, its Ed25519
/// signature by one of the organisation's signing keys, that key trusted when the certificate was
/// issued (active then, or retired since; never revoked), issued and not expired at the instant,
/// the data file's digest when given, and, online, known, matching and not revoked in the catalogue.
///
/// Online the signing keys come from the registry; offline from a trust bundle whose digest the
/// consumer pinned (``TrustBundle``), with no catalogue to consult.
public enum CertificateCheck {
    /// Verifies `bytes` at `instant` against the registry's signing keys and catalogue.
    /// - Parameter data: the synthetic data file's bytes, checked against the certificate; `nil` to skip.
    public static func verify(
        _ bytes: [UInt8], registry: any RegistryStore, instant: ActingInstant, data: [UInt8]? = nil
    ) -> CertificateVerification {
        let keys: [SigningKeyRecord]
        do {
            keys = try registry.signingKeys()
        } catch {
            // Fail closed: with no keys to trust, the signature check reports an unknown key.
            var result = CertificateVerifier(signingKeys: [], now: instant.timestamp)
                .verify(fileBytes: bytes, registry: registry, data: data)
            result.findings.append(.init(.catalogue, "cannot read the registry's signing keys: \(error)"))
            return result
        }
        var result = CertificateVerifier(signingKeys: keys, now: instant.timestamp)
            .verify(fileBytes: bytes, registry: registry, data: data)
        if let certificate = result.certificate {
            result.findings += lifecycleFindings(certificate.id, registry, instant)
        }
        return result
    }

    /// Retirement, and revalidation when the policy enforces it, from the registry's lifecycle events.
    static func lifecycleFindings(_ id: String, _ registry: any RegistryStore, _ instant: ActingInstant)
        -> [CertificateFinding]
    {
        let record: CertificateRecord?
        let events: [LifecycleEvent]
        do {
            record = try registry.certificate(id)
            events = try registry.lifecycleEvents(certificate: id)
        } catch {
            return [.init(.catalogue, "cannot read the certificate's lifecycle: \(error)")]
        }
        guard let record else { return [] }
        let context = LifecycleContext(certificate: record, events: events)
        var findings: [CertificateFinding] = []
        if let retired = context.retirement {
            findings.append(
                .init(.retired, "retired at \(retired.at) by \(retired.actor): its data files were removed"))
        }
        let status = RevalidationStatus(context, at: instant.timestamp)
        if status.terms.enforce, let problem = status.problem {
            findings.append(.init(.revalidation, "the policy enforces revalidation and \(problem)"))
        }
        return findings
    }

    /// Verifies `bytes` at `instant` offline, against a trust bundle; the catalogue is not consulted.
    /// - Parameter data: the synthetic data file's bytes, checked against the certificate; `nil` to skip.
    public static func verify(_ bytes: [UInt8], trust: TrustBundle, instant: ActingInstant, data: [UInt8]? = nil)
        -> CertificateVerification
    {
        CertificateVerifier(signingKeys: trust.keys, now: instant.timestamp)
            .verify(fileBytes: bytes, registry: nil, data: data)
    }
}

extension CertificateVerification {
    /// The verification of `file` as `charter cert verify --format json` prints it and a server
    /// returns it.
    public func json(file: String) -> JSONValue {
        [
            "file": .string(file), "valid": .bool(isValid),
            "certificate_id": certificate.map { .string($0.id) } ?? .null,
            "key_id": keyID.map(JSONValue.string) ?? .null,
            "expires_at": certificate.map { .string($0.expiresAt) } ?? .null,
            "catalogue_checked": .bool(catalogueChecked), "data_checked": .bool(dataChecked),
            "findings": .array(findings.map { ["check": .string($0.kind.rawValue), "message": .string($0.message)] }),
        ]
    }
}
