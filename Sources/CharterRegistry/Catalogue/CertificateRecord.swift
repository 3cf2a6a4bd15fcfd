public import CharterCore

/// A catalogue entry: one issued certificate, who may use the data it covers, until when, and
/// whether it was revoked.
public struct CertificateRecord: Sendable, Hashable {
    /// Why, by whom and when a certificate was revoked.
    public struct Revocation: Sendable, Hashable {
        /// Why.
        public var reason: String
        /// Who revoked it.
        public var actor: String
        /// When.
        public var at: Timestamp

        /// Describes a revocation.
        public init(reason: String, actor: String, at: Timestamp) {
            self.reason = reason
            self.actor = actor
            self.at = at
        }
    }

    /// The certificate's id.
    public var id: String
    /// The source dataset it was generated from.
    public var source: String
    /// The policy tier that applied.
    public var tier: String
    /// The audience it was released to (`internal`, `partner`, `public`).
    public var audience: String
    /// The consumers allowed to use it.
    public var consumers: [String]
    /// When it was issued.
    public var issuedAt: Timestamp
    /// When it expires.
    public var expiresAt: Timestamp
    /// The SHA-256 of the certificate file, `sha256:<64 hex digits>`.
    public var digest: String
    /// The fingerprint of the key that signed it (its signature's `key_id`); `nil` only for
    /// certificates catalogued before the registry recorded signing keys.
    public var keyID: String?
    /// Its revocation, if revoked.
    public var revocation: Revocation?

    /// Describes a certificate; `revocation` is set only by revoking.
    public init(
        id: String, source: String, tier: String, audience: String, consumers: [String], issuedAt: Timestamp,
        expiresAt: Timestamp, digest: String, keyID: String?
    ) {
        self.keyID = keyID
        self.id = id
        self.source = source
        self.tier = tier
        self.audience = audience
        self.consumers = consumers
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.digest = digest
        self.revocation = nil
    }

    /// Whether it is neither revoked nor expired at `now`.
    public func isValid(at now: Timestamp) -> Bool {
        revocation == nil && now < expiresAt
    }

    /// Checks the fields a catalogue needs: non-empty names, a well-formed digest, expiry after issue.
    func validate() throws(RegistryError) {
        try RegistryName.check(id, "certificate id")
        try RegistryName.check(source, "source")
        for (value, what) in [(tier, "tier"), (audience, "audience")] {
            try RegistryName.check(value, what)
        }
        for consumer in consumers { try RegistryName.check(consumer, "consumer") }
        guard expiresAt > issuedAt else {
            throw .invalidCertificate("certificate \"\(id)\" expires (\(expiresAt)) before it is issued (\(issuedAt))")
        }
        guard Self.isDigest(digest) else {
            throw .invalidCertificate(
                "certificate digest must be \"sha256:\" and 64 lowercase hex digits, got \"\(digest)\"")
        }
        guard let keyID else {
            throw .invalidCertificate("certificate \"\(id)\" does not name the key that signed it")
        }
        guard Self.isDigest(keyID) else {
            throw .invalidCertificate(
                "a signing key id must be \"sha256:\" and 64 lowercase hex digits, got \"\(keyID)\"")
        }
    }

    /// Whether `text` is `sha256:` and 64 lowercase hex digits.
    static func isDigest(_ text: String) -> Bool {
        let hex = text.utf8.dropFirst(7)
        return text.hasPrefix("sha256:") && hex.count == 64
            && hex.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) })
    }
}

/// The rule for ids and names the registry stores: 1 to 200 characters, no control characters,
/// no leading or trailing whitespace.
enum RegistryName {
    static func check(_ value: String, _ what: String) throws(RegistryError) {
        guard !value.isEmpty, value.count <= 200,
            !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }),
            value.first?.isWhitespace == false, value.last?.isWhitespace == false
        else {
            throw .invalidName(
                "\(what) must be 1 to 200 characters without control characters or surrounding spaces, got \"\(value)\""
            )
        }
    }
}
