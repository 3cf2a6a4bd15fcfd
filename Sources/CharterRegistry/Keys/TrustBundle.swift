public import CharterCore

#if canImport(FoundationEssentials)
    internal import FoundationEssentials
#else
    internal import Foundation
#endif

/// The registry's signing keys published for consumers who have no registry: `charter keys export`
/// writes it, `charter cert verify --trust` reads it.
///
/// The file is deterministic JSON (sorted keys, two-space indentation, keys ordered by activation
/// then fingerprint): the same trust store always gives the same bytes, so its SHA-256 can be
/// published and pinned. The bundle itself carries no signature: what protects it is the digest a
/// consumer pins, obtained over a channel the organisation authenticates (`cert verify` refuses a
/// bundle without a pinned digest, and one whose bytes do not match it). A signature by the active key
/// would not do: a key revoked because it leaked could sign a bundle calling itself active.
///
/// ```json
/// {
///   "charter_trust_bundle": 1,
///   "keys": [
///     {"fingerprint": "sha256:…", "public_key": "<base64>", "status": "retired",
///      "valid_from": "2026-11-01T00:00:00Z", "valid_until": "2026-12-01T00:00:00Z", "revoked": null}
///   ]
/// }
/// ```
public struct TrustBundle: Sendable, Hashable {
    /// Why a file is not a trust bundle, or not the pinned one.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// What is wrong, in one line.
        public var message: String
        public var description: String { message }

        init(_ message: String) {
            self.message = message
        }
    }

    /// The format version this build writes and reads.
    public static let version = 1

    /// The keys, ordered by activation time, then fingerprint.
    public var keys: [SigningKeyRecord]

    /// A bundle of `keys`. Revocations keep their time and reason; who revoked is not published.
    public init(keys: [SigningKeyRecord]) {
        self.keys = keys.map { key in
            var key = key
            key.revocation = key.revocation.map { .init(reason: $0.reason, actor: "", at: $0.at) }
            return key
        }
        .sorted { ($0.activatedAt, $0.fingerprint) < ($1.activatedAt, $1.fingerprint) }
    }

    /// The bundle as JSON.
    public var json: JSONValue {
        [
            "charter_trust_bundle": .integer(Self.version),
            "keys": .array(
                keys.map { key in
                    [
                        "fingerprint": .string(key.fingerprint), "public_key": .string(key.publicKey),
                        "status": .string(key.status.rawValue), "valid_from": .string(key.activatedAt.description),
                        "valid_until": key.retiredAt.map { .string($0.description) } ?? .null,
                        "revoked": key.revocation.map {
                            ["at": .string($0.at.description), "reason": .string($0.reason)]
                        }
                            ?? .null,
                    ]
                }),
        ]
    }

    /// The file's text: the JSON, pretty and deterministic, with a final newline.
    public func fileText() throws(Failure) -> String {
        do {
            return try json.pretty()
        } catch {
            throw Failure("the trust bundle cannot be written as JSON: \(error)")
        }
    }

    /// Reads a trust bundle file, after checking its bytes against the digest the consumer pinned.
    ///
    /// - Parameters:
    ///   - bytes: the file's bytes.
    ///   - pinnedDigest: the `sha256:` digest the consumer trusts, compared in constant time.
    /// - Throws: ``Failure`` when the digest differs or the file is not a well-formed bundle (unknown
    ///   fields, a fingerprint that is not its public key's, a status that contradicts its dates, two
    ///   active keys).
    public init(bytes: [UInt8], pinnedDigest: String) throws(Failure) {
        let digest = ContentDigest.sha256(bytes)
        guard Self.constantTimeEqual(Array(digest.utf8), Array(pinnedDigest.utf8)) else {
            throw Failure(
                "the trust bundle's digest \(digest) is not the pinned \(pinnedDigest): it was changed, or is not the bundle the digest was published for"
            )
        }
        try self.init(bytes: bytes)
    }

    /// Reads a trust bundle file without a pinned digest, for tests of the format and for a caller
    /// that authenticated the bytes itself.
    public init(bytes: [UInt8]) throws(Failure) {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw Failure("the trust bundle is not UTF-8")
        }
        let value: JSONValue
        do {
            value = try JSONParser().parse(text)
        } catch {
            throw Failure("the trust bundle is not JSON: \(error)")
        }
        guard let object = value.objectValue else { throw Failure("the trust bundle is not a JSON object") }
        try Self.expectFields(object, ["charter_trust_bundle", "keys"], in: "the trust bundle")
        guard case .integer(let version)? = object["charter_trust_bundle"], version == Self.version else {
            throw Failure("charter_trust_bundle must be \(Self.version)")
        }
        guard let entries = object["keys"]?.arrayValue else { throw Failure("keys must be a list") }
        var keys: [SigningKeyRecord] = []
        for (index, entry) in entries.enumerated() {
            keys.append(try Self.key(entry, at: index))
        }
        guard keys.filter({ $0.status == .active }).count <= 1 else {
            throw Failure("the trust bundle has more than one active key")
        }
        guard Set(keys.map(\.fingerprint)).count == keys.count else {
            throw Failure("the trust bundle lists a key twice")
        }
        let bundle = TrustBundle(keys: keys)
        guard bundle.keys == keys else { throw Failure("the trust bundle's keys are not in activation order") }
        self = bundle
    }

    private static func key(_ entry: JSONValue, at index: Int) throws(Failure) -> SigningKeyRecord {
        let what = "keys[\(index)]"
        guard let fields = entry.objectValue else { throw Failure("\(what) is not an object") }
        try expectFields(
            fields, ["fingerprint", "public_key", "status", "valid_from", "valid_until", "revoked"], in: what)
        func string(_ name: String) throws(Failure) -> String {
            guard let value = fields[name]?.stringValue else { throw Failure("\(what).\(name) must be a string") }
            return value
        }
        func time(_ value: JSONValue?, _ name: String) throws(Failure) -> Timestamp? {
            guard let value, value != .null else { return nil }
            guard let text = value.stringValue, let time = Timestamp(rfc3339: text), time.description == text else {
                throw Failure("\(what).\(name) must be an RFC 3339 time in UTC or null")
            }
            return time
        }
        let publicKey = try string("public_key")
        let fingerprint = try string("fingerprint")
        let computed: String
        do {
            computed = try SigningKeyRecord.fingerprint(ofPublicKey: publicKey)
        } catch {
            throw Failure("\(what): \(error)")
        }
        guard computed == fingerprint else {
            throw Failure("\(what).fingerprint \(fingerprint) is not the fingerprint of its public key (\(computed))")
        }
        guard let status = SigningKeyRecord.Status(rawValue: try string("status")) else {
            throw Failure("\(what).status must be active, retired or revoked")
        }
        guard let activatedAt = try time(fields["valid_from"], "valid_from") else {
            throw Failure("\(what).valid_from must be an RFC 3339 time")
        }
        let retiredAt = try time(fields["valid_until"], "valid_until")
        var revocation: SigningKeyRecord.Revocation?
        if let revoked = fields["revoked"], revoked != .null {
            guard let revokedFields = revoked.objectValue else {
                throw Failure("\(what).revoked must be an object or null")
            }
            try expectFields(revokedFields, ["at", "reason"], in: "\(what).revoked")
            guard let at = try time(revokedFields["at"], "revoked.at"),
                let reason = revokedFields["reason"]?.stringValue
            else { throw Failure("\(what).revoked needs at and reason") }
            revocation = .init(reason: reason, actor: "", at: at)
        }
        let consistent =
            switch status {
            case .active: retiredAt == nil && revocation == nil
            case .retired: retiredAt != nil && revocation == nil
            case .revoked: revocation != nil
            }
        guard consistent else {
            throw Failure("\(what).status \(status.rawValue) contradicts its valid_until and revoked fields")
        }
        if let retiredAt, retiredAt < activatedAt {
            throw Failure("\(what).valid_until is before its valid_from")
        }
        return SigningKeyRecord(
            fingerprint: fingerprint, publicKey: publicKey, status: status, activatedAt: activatedAt,
            retiredAt: retiredAt, revocation: revocation)
    }

    private static func expectFields(_ object: [String: JSONValue], _ names: Set<String>, in what: String)
        throws(Failure)
    {
        if let unknown = object.keys.filter({ !names.contains($0) }).sorted().first {
            throw Failure("\(what) has an unknown field \"\(unknown)\"")
        }
        if let missing = names.filter({ object[$0] == nil }).sorted().first {
            throw Failure("\(what) lacks the field \"\(missing)\"")
        }
    }

    /// Whether two byte strings are equal, in time that depends only on their lengths.
    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}
