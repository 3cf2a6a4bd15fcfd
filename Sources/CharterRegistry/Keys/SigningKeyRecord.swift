public import CharterCore
internal import Crypto

#if canImport(FoundationEssentials)
    internal import FoundationEssentials
#else
    internal import Foundation
#endif

/// One of the organisation's certificate-signing keys, as the registry's trust store records it.
///
/// A key is `active` from the moment it is activated (exactly one at a time), `retired` once a
/// rotation replaced it (its signatures stay trusted for certificates issued while it was active),
/// or `revoked` (no certificate it signed is trusted any more, whenever it was issued). Only the
/// public half is recorded; the private key stays in its 0600 file.
public struct SigningKeyRecord: Sendable, Hashable {
    /// Where a key is in its life.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// The one key runs sign with and the catalogue accepts.
        case active
        /// Replaced by a rotation; trusted for what it signed while it was active.
        case retired
        /// Withdrawn; nothing it signed is trusted.
        case revoked
    }

    /// Why, by whom and when a key was revoked.
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

    /// `sha256:` of the raw 32-byte Ed25519 public key: the `key_id` a certificate's signature names.
    public var fingerprint: String
    /// The raw public key in base64.
    public var publicKey: String
    /// Its status.
    public var status: Status
    /// When it became the active key.
    public var activatedAt: Timestamp
    /// When a rotation retired it (set for retired keys, and kept for a retired key later revoked).
    public var retiredAt: Timestamp?
    /// Its revocation, when revoked.
    public var revocation: Revocation?

    /// Describes a key.
    public init(
        fingerprint: String, publicKey: String, status: Status, activatedAt: Timestamp, retiredAt: Timestamp? = nil,
        revocation: Revocation? = nil
    ) {
        self.fingerprint = fingerprint
        self.publicKey = publicKey
        self.status = status
        self.activatedAt = activatedAt
        self.retiredAt = retiredAt
        self.revocation = revocation
    }

    /// Whether a certificate this key signed, issued at `issuedAt`, is trusted: the key is not
    /// revoked, and `issuedAt` falls in the period it was active (from its activation, until its
    /// retirement for a retired key).
    ///
    /// This is the one rule for trusting a signer, used by the catalogue, by `cert verify` against a
    /// registry and by `cert verify` against a trust bundle.
    /// - Returns: `nil` when trusted, else why not (one line, lowercase).
    public func distrust(issuedAt: Timestamp) -> String? {
        switch status {
        case .revoked:
            let revoked = revocation.map { " at \($0.at) by \($0.actor): \($0.reason)" } ?? ""
            return "signing key \(fingerprint) was revoked\(revoked); nothing it signed is trusted"
        case .active, .retired:
            if issuedAt < activatedAt {
                return "issued at \(issuedAt), before signing key \(fingerprint) became active at \(activatedAt)"
            }
            if status == .retired, let retiredAt, issuedAt >= retiredAt {
                return "issued at \(issuedAt), after signing key \(fingerprint) was retired at \(retiredAt)"
            }
            return nil
        }
    }

    /// The fingerprint of a raw public key in base64, after checking that it is an Ed25519 public key.
    /// - Throws: ``RegistryError/invalidSigningKey(_:)`` when it is not base64 of a 32-byte Ed25519 key.
    public static func fingerprint(ofPublicKey base64: String) throws(RegistryError) -> String {
        guard let raw = Data(base64Encoded: base64), raw.count == 32,
            (try? Curve25519.Signing.PublicKey(rawRepresentation: raw)) != nil
        else {
            throw .invalidSigningKey(
                "a signing key's public key must be base64 of 32 bytes (Ed25519), got \"\(base64)\"")
        }
        return ContentDigest.sha256([UInt8](raw))
    }
}

extension [SigningKeyRecord] {
    /// The active key, when there is one.
    public var active: SigningKeyRecord? { first { $0.status == .active } }

    /// The key with `fingerprint`, when known.
    public func key(_ fingerprint: String) -> SigningKeyRecord? { first { $0.fingerprint == fingerprint } }
}

/// How a key becomes the active one.
public enum SigningKeyActivation: String, Sendable, Hashable, CaseIterable {
    /// A run's key adopted on first use: only on a registry with no signing key and no certificate yet.
    case firstUse = "first-use"
    /// `charter keys init`: only on a registry with no signing key yet (it may hold older certificates).
    case initial = "init"
    /// `charter keys rotate`: the active key, if any, is retired at the same instant.
    case rotation = "rotate"
}
