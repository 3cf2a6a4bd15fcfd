public import CharterCore

/// One entry of the audit chain, as stored.
///
/// Its hash is `sha256(previousHash + canonical JSON of {seq, at, actor, action, subject, details})`
/// (canonical JSON per RFC 8785, ``JSONValue/canonical()``), so each record pins every record
/// before it. Fields are kept as stored text so that a tampered record can still be read and named.
public struct AuditRecord: Sendable, Hashable {
    /// The position in the chain, from 1.
    public var seq: Int64
    /// When the change happened, RFC 3339 in UTC (``Timestamp/description``).
    public var at: String
    /// Who made it.
    public var actor: String
    /// What kind of change it was (`budget.reserve`, `certificate.revoke`, …).
    public var action: String
    /// What it changed: a source id or certificate id.
    public var subject: String
    /// The change itself, as canonical JSON text.
    public var details: String
    /// The hash of the record before (``AuditRecord/genesisHash`` for the first).
    public var previousHash: String
    /// This record's hash.
    public var hash: String

    /// The hash the first record chains from: `sha256:` and 64 zeros.
    public static let genesisHash = "sha256:" + String(repeating: "0", count: 64)

    /// The details as a JSON value, or `nil` when the stored text is not JSON.
    public var detailsValue: JSONValue? {
        try? JSONParser().parse(details)
    }

    /// The canonical JSON the hash covers, with the record placed at `seq`; `nil` when the
    /// details are not canonical JSON (a record written by Charter always has canonical details).
    func canonicalContent(seq: Int64) -> String? {
        guard let value = detailsValue, let canonical = try? value.canonical(), canonical == details else { return nil }
        let content: JSONValue = [
            "seq": .integer(Int(seq)), "at": .string(at), "actor": .string(actor), "action": .string(action),
            "subject": .string(subject), "details": value,
        ]
        return try? content.canonical()
    }

    /// The hash this record would have at `seq`, chained from its stored previous hash.
    func computedHash(seq: Int64) -> String? {
        canonicalContent(seq: seq).map { Self.chainHash(previous: previousHash, content: $0) }
    }

    /// `sha256(previous + content)`, written `sha256:<hex>`.
    static func chainHash(previous: String, content: String) -> String {
        ContentDigest.sha256(previous + content)
    }
}

/// The kinds of change the chain records, and the shape of their details.
enum AuditAction {
    /// `{source, epsilon_cap, delta_cap}`.
    static let registerSource = "source.register"
    /// `{event, source, run, mechanism, cost, lease_expires_at}`.
    static let reserve = "budget.reserve"
    /// `{event, lease_expires_at}`.
    static let renew = "budget.renew"
    /// `{event}`.
    static let commit = "budget.commit"
    /// `{event, reason}`.
    static let release = "budget.release"
    /// `{event, lease_expired_at}`: a reservation released because its lease ran out.
    static let leaseExpired = "budget.lease-expired"
    /// `{id, source, tier, audience, consumers, issued_at, expires_at, digest, key_id}` (`key_id`
    /// absent from records written before the registry kept signing keys).
    static let recordCertificate = "certificate.record"
    /// `{id, reason}`.
    static let revokeCertificate = "certificate.revoke"
    /// `{fingerprint, public_key, activation, valid_from, retires}`: a key became the active one
    /// (`activation` `first-use`, `init` or `rotate`), valid from `valid_from` (the record's time, or
    /// earlier for `init`), retiring `retires` (a fingerprint, or null) at the record's time.
    static let activateSigningKey = "key.activate"
    /// `{fingerprint, reason}`.
    static let revokeSigningKey = "key.revoke"

    /// `lifecycle.publication`, `lifecycle.revalidation`, `lifecycle.access`, `lifecycle.incident`,
    /// `lifecycle.retirement` (``LifecycleRules/action(_:)``): `{event, kind, certificate, outcome,
    /// details_sha256, summary}`, the details themselves in the lifecycle table. An incident's
    /// revocations, key revocation and key activation are recorded before it, each as its own kind.

    /// The actor recorded for lease expiry, which no person performs.
    static let leaseExpiryActor = "charter:lease-expiry"
}
