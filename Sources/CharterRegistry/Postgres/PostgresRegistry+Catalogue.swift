public import CharterCore

// The catalogue's rules live in RegistryTransaction+Catalogue.swift, shared with SQLite.
extension PostgresRegistry {
    public func recordCertificate(_ certificate: CertificateRecord, actor: String, at now: Timestamp)
        throws(RegistryError)
    {
        let consumers = try certificate.checkedConsumers(actor: actor)
        try change(at: now) { try $0.recordCertificate(certificate, consumers: consumers, actor: actor, at: $1) }
    }

    public func revokeCertificate(_ id: String, reason: String, actor: String, at now: Timestamp) throws(RegistryError)
        -> CertificateRecord
    {
        try RegistryName.check(reason, "reason")
        try RegistryName.check(actor, "actor")
        return try change(at: now) { try $0.revokeCertificate(id, reason: reason, actor: actor, at: $1) }
    }

    public func certificate(_ id: String) throws(RegistryError) -> CertificateRecord? {
        try snapshot { try $0.certificate(id) }
    }

    public func certificates() throws(RegistryError) -> [CertificateRecord] {
        try snapshot { try $0.certificates() }
    }
}
