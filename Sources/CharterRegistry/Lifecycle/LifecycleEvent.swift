public import CharterCore

/// One thing that happened to a certificate after it was issued — its publication terms, a
/// revalidation, a consumer's access (allowed or refused), an incident, its retirement — as the
/// registry stores it, with an audit record of the same transaction.
///
/// The registry stores what the workflow decided (``details``) and pins it in the audit chain by
/// its digest (`details_sha256`), beside a short ``LifecycleEntry/summary`` the narrative reads.
public struct LifecycleEvent: Sendable, Hashable {
    /// What kind of event it is.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// What a certificate was published with: its plan, its source's profile, its files and
        /// their digests, its revalidation terms.
        case publication
        /// A re-measurement of the gates and of drift against the current source.
        case revalidation
        /// A consumer's use of a certificate's data, allowed or refused.
        case access
        /// An incident that revoked certificates (and perhaps a signing key).
        case incident
        /// The certificate's files were removed and the certificate retired.
        case retirement
    }

    /// The event's number, from 1, gap-free in the order recorded.
    public var id: Int64
    public var kind: Kind
    /// The certificate it concerns; `nil` for an incident (which names its scope in its details).
    public var certificate: String?
    /// `recorded`, `passed`, `failed`, `allowed`, `refused`, `responded`, `retired`.
    public var outcome: String
    /// Who did it.
    public var actor: String
    /// When.
    public var at: Timestamp
    /// What was decided, as the workflow wrote it.
    public var details: JSONValue

    /// Describes a stored event.
    public init(
        id: Int64, kind: Kind, certificate: String?, outcome: String, actor: String, at: Timestamp, details: JSONValue
    ) {
        self.id = id
        self.kind = kind
        self.certificate = certificate
        self.outcome = outcome
        self.actor = actor
        self.at = at
        self.details = details
    }
}

/// What a lifecycle decision records: its kind, outcome and details, and the short summary its
/// audit record carries.
public struct LifecycleEntry: Sendable, Hashable {
    public var kind: LifecycleEvent.Kind
    public var outcome: String
    public var details: JSONValue
    /// A few plain fields for the audit record (consumer, purpose, reason, failing columns): the
    /// narrative tells them without reading the details.
    public var summary: JSONValue

    /// Describes an entry to record.
    public init(kind: LifecycleEvent.Kind, outcome: String, details: JSONValue, summary: JSONValue = [:]) {
        self.kind = kind
        self.outcome = outcome
        self.details = details
        self.summary = summary
    }
}

/// What a lifecycle decision sees, read in the same transaction that records it: the certificate
/// as the catalogue holds it and every lifecycle event of it so far.
public struct LifecycleContext: Sendable {
    public var certificate: CertificateRecord
    public var events: [LifecycleEvent]

    /// Describes the state under the registry's write lock.
    public init(certificate: CertificateRecord, events: [LifecycleEvent]) {
        self.certificate = certificate
        self.events = events
    }

    /// The publication record (its plan, profile, files and terms), if the run recorded one.
    public var publication: LifecycleEvent? { events.last { $0.kind == .publication } }
    /// The retirement, if retired.
    public var retirement: LifecycleEvent? { events.first { $0.kind == .retirement } }
}

/// What an incident names: every certificate derived from it is revoked.
public enum IncidentScope: Sendable, Hashable, CustomStringConvertible {
    /// A source dataset: every certificate issued from it.
    case source(String)
    /// One certificate.
    case certificate(String)
    /// A signing key (fingerprint): every certificate it signed; the key is revoked and, when it
    /// was the active key, a new one is activated in the same transaction.
    case key(String)

    /// `source:ID`, `certificate:ID` or `key:FINGERPRINT`, the audit record's subject.
    public var description: String {
        switch self {
        case .source(let id): "source:\(id)"
        case .certificate(let id): "certificate:\(id)"
        case .key(let fingerprint): "key:\(fingerprint)"
        }
    }

    /// Whether `certificate` derives from what the incident names.
    public func covers(_ certificate: CertificateRecord) -> Bool {
        switch self {
        case .source(let id): certificate.source == id
        case .certificate(let id): certificate.id == id
        case .key(let fingerprint): certificate.keyID == fingerprint
        }
    }
}

/// What an incident did, all in one transaction.
public struct IncidentOutcome: Sendable {
    /// A consumer to notify: someone allowed to use a certificate the incident revoked.
    public struct Notice: Sendable, Hashable {
        public var certificate: String
        public var consumer: String
        /// The identities that accessed the data for that consumer.
        public var accessedBy: [String]
        /// The last allowed access.
        public var lastAccess: Timestamp

        public init(certificate: String, consumer: String, accessedBy: [String], lastAccess: Timestamp) {
            self.certificate = certificate
            self.consumer = consumer
            self.accessedBy = accessedBy
            self.lastAccess = lastAccess
        }
    }

    public var scope: IncidentScope
    /// Certificates revoked now.
    public var revoked: [CertificateRecord]
    /// Certificates in scope that were revoked before.
    public var alreadyRevoked: [CertificateRecord]
    /// The signing key revoked now, for a key incident.
    public var revokedKey: SigningKeyRecord?
    /// The key activated in its place, when the revoked key was the active one.
    public var activatedKey: SigningKeyRecord?
    /// Who to tell, from the access log of every certificate in scope.
    public var notify: [Notice]
    /// The incident's event; `nil` when a repeat found nothing to change.
    public var event: LifecycleEvent?
    /// Whether anything changed (`false` for a repeat).
    public var changed: Bool { event != nil }
}

/// The rules both stores share, so that each only reads and writes rows.
enum LifecycleRules {
    /// The audit action of a kind: `lifecycle.revalidation`, ….
    static func action(_ kind: LifecycleEvent.Kind) -> String { "lifecycle.\(kind.rawValue)" }

    /// The canonical text a details value is stored as.
    static func text(_ details: JSONValue) throws(RegistryError) -> String {
        do {
            return try details.canonical()
        } catch {
            throw .database("lifecycle details could not be written as canonical JSON")
        }
    }

    /// The audit record of an event, pinning its details by digest.
    static func auditDetails(_ event: LifecycleEvent, detailsText: String, summary: JSONValue) -> JSONValue {
        [
            "event": .integer(Int(event.id)), "kind": .string(event.kind.rawValue),
            "certificate": event.certificate.map(JSONValue.string) ?? .null, "outcome": .string(event.outcome),
            "details_sha256": .string(ContentDigest.sha256(detailsText)), "summary": summary,
        ]
    }

    /// Checks an entry before anything is written.
    static func check(_ entry: LifecycleEntry) throws(RegistryError) {
        try RegistryName.check(entry.outcome, "outcome")
        guard entry.kind != .incident else {
            throw .invalidName("incidents are recorded with respondToIncident, not as a certificate's event")
        }
    }

    /// Decodes a stored row's fields.
    static func event(
        id: Int64, kind: String, certificate: String?, outcome: String, actor: String, at: Int64, details: String
    ) throws -> LifecycleEvent {
        guard let kind = LifecycleEvent.Kind(rawValue: kind) else {
            throw RegistryError.database("lifecycle event \(id) has an unknown kind \"\(kind)\"")
        }
        guard let value = try? JSONParser().parse(details) else {
            throw RegistryError.database("the details of lifecycle event \(id) are not JSON")
        }
        return LifecycleEvent(
            id: id, kind: kind, certificate: certificate, outcome: outcome, actor: actor,
            at: Timestamp(millisecondsSinceEpoch: at), details: value)
    }

    /// The consumers to notify about `certificates`: every consumer an allowed access was recorded
    /// for, with who accessed and when last, sorted by certificate then consumer.
    static func notices(for certificates: [String], events: [LifecycleEvent]) -> [IncidentOutcome.Notice] {
        let wanted = Set(certificates)
        var grouped: [String: [String: (by: Set<String>, last: Timestamp)]] = [:]
        for event in events where event.kind == .access && event.outcome == "allowed" {
            guard let certificate = event.certificate, wanted.contains(certificate),
                let consumer = event.details["consumer"]?.stringValue
            else { continue }
            var entry = grouped[certificate, default: [:]][consumer] ?? (by: [], last: event.at)
            if let by = event.details["by"]?.stringValue { entry.by.insert(by) }
            entry.last = max(entry.last, event.at)
            grouped[certificate, default: [:]][consumer] = entry
        }
        return grouped.keys.sorted().flatMap { certificate in
            (grouped[certificate] ?? [:]).sorted { $0.key < $1.key }.map { consumer, entry in
                IncidentOutcome.Notice(
                    certificate: certificate, consumer: consumer, accessedBy: entry.by.sorted(), lastAccess: entry.last)
            }
        }
    }

    /// The incident's details and audit summary.
    static func incidentDetails(
        _ scope: IncidentScope, reason: String, revoked: [CertificateRecord], alreadyRevoked: [CertificateRecord],
        revokedKey: String?, activatedKey: String?, notify: [IncidentOutcome.Notice]
    ) -> (details: JSONValue, summary: JSONValue) {
        let notices = JSONValue.array(
            notify.map {
                [
                    "certificate": .string($0.certificate), "consumer": .string($0.consumer),
                    "accessed_by": .array($0.accessedBy.map(JSONValue.string)),
                    "last_access": .string($0.lastAccess.description),
                ]
            })
        let consumers = JSONValue.array(Array(Set(notify.map(\.consumer))).sorted().map(JSONValue.string))
        let details: JSONValue = [
            "scope": .string(scope.description), "reason": .string(reason),
            "revoked": .array(revoked.map { .string($0.id) }),
            "already_revoked": .array(alreadyRevoked.map { .string($0.id) }),
            "revoked_key": revokedKey.map(JSONValue.string) ?? .null,
            "activated_key": activatedKey.map(JSONValue.string) ?? .null, "notify": notices,
        ]
        let summary: JSONValue = [
            "scope": .string(scope.description), "reason": .string(reason),
            "revoked": .array(revoked.map { .string($0.id) }), "consumers": consumers,
            "revoked_key": revokedKey.map(JSONValue.string) ?? .null,
            "activated_key": activatedKey.map(JSONValue.string) ?? .null,
        ]
        return (details, summary)
    }

    /// Whether a repeat of an incident would change nothing: the same scope was recorded before,
    /// nothing in scope is left to revoke and the key (if any) is revoked already.
    static func isRepeat(
        _ scope: IncidentScope, events: [LifecycleEvent], toRevoke: [CertificateRecord], keyToRevoke: Bool
    ) -> Bool {
        toRevoke.isEmpty && !keyToRevoke
            && events.contains { $0.kind == .incident && $0.details["scope"]?.stringValue == scope.description }
    }
}
