public import CharterCore
public import CharterEngine
public import CharterRegistry
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// `charter keys`: the organisation's certificate-signing keys in the registry's trust store —
/// adopted on first use or chosen with `init`, rotated, revoked, listed and exported as a trust
/// bundle — and the key a run may sign with.
///
/// Every change goes through ``RegistryStore``, which audits it in the same transaction. The private
/// keys stay in their 0600 files; the registry records public keys only.
public enum SigningKeyTrust {
    /// Why a key operation could not be done.
    public struct Failure: OperationFailure, Sendable, Equatable, CustomStringConvertible {
        /// What went wrong, in one line.
        public var message: String
        /// `unreadable` for bad input (exit 2), `denied` for a refusal (exit 1).
        public var status: OperationStatus

        public var description: String { message }

        init(_ message: String, _ status: OperationStatus = .unreadable) {
            self.message = message
            self.status = status
        }
    }

    /// A rotation: the new active key, where its private half was written, and the key it retired.
    public struct Rotation: Sendable {
        /// The new active key.
        public var active: SigningKeyRecord
        /// The key it retired, if one was active.
        public var retired: SigningKeyRecord?
        /// The signing key file now holding the new private key (mode 0600), its public key beside it.
        public var keyPath: String
    }

    /// The key a run signs with, and whether it was adopted now.
    public struct RunKey: Sendable {
        /// The signing key.
        public var key: SigningKey
        /// Whether the key file was created now.
        public var createdFile: Bool
        /// The registry's record of the key when this run adopted it on first use (a front end says so).
        public var adopted: SigningKeyRecord?
    }

    /// The signing key a run at `now` signs with: the file at `keyPath`, which must be the registry's
    /// active key.
    ///
    /// First use: a registry with no signing key at all and no certificate adopts the run's key
    /// (created 0600 when missing) as its active key, audited as `key.activate` (`first-use`). A
    /// registry that has keys never gets a new key file made for it: a missing file is refused.
    ///
    /// Whether the key is the active one is the engine's check (``PlanEngine``), made before it
    /// reserves any budget.
    public static func runKey(registry: any RegistryStore, keyPath: String, actor: String, at now: Timestamp)
        throws(Failure) -> RunKey
    {
        let keys = try read { () throws(RegistryError) in try registry.signingKeys() }
        let exists = FileSystemInputStore().kind(of: keyPath) != nil
        if !exists, !keys.isEmpty {
            throw Failure(
                "no signing key at \"\(keyPath)\": "
                    + (keys.active.map { "the registry's active key is \($0.fingerprint); give --key with its file" }
                        ?? "the registry has no active key; make one with charter keys rotate"),
                .unreadable)
        }
        let loaded: (key: SigningKey, created: Bool)
        do {
            loaded = exists ? (try SigningKey.load(at: keyPath), false) : try SigningKey.loadOrCreate(at: keyPath)
        } catch {
            throw Failure(error.message)
        }
        var adopted: SigningKeyRecord?
        if keys.isEmpty {
            do {
                adopted = try registry.activateSigningKey(
                    publicKey: loaded.key.publicKey.base64, as: .firstUse, actor: actor, at: now
                ).active
            } catch {
                // Another run adopted a key first (concurrent first runs share the key file, which
                // is created atomically): when it is this key, there is nothing left to adopt.
                let current = try? registry.signingKeys()
                guard let active = current?.active, active.publicKey == loaded.key.publicKey.base64 else {
                    throw Failure("\(error)", .denied)
                }
            }
        }
        return RunKey(key: loaded.key, createdFile: loaded.created, adopted: adopted)
    }

    /// `charter keys init`: makes the key at `keyPath` (created 0600 when missing) the active key of
    /// a registry that has none, such as one whose certificates predate the trust store.
    /// - Parameter validFrom: when its validity starts, if before `now` (the issue time of the oldest
    ///   certificate it signed, for a registry upgraded from before signing keys); `nil` for `now`.
    public static func initialise(
        registry: any RegistryStore, keyPath: String, validFrom: Timestamp? = nil, actor: String, at now: Timestamp
    ) throws(Failure) -> (active: SigningKeyRecord, createdFile: Bool) {
        let loaded: (key: SigningKey, created: Bool)
        do {
            loaded = try SigningKey.loadOrCreate(at: keyPath)
        } catch {
            throw Failure(error.message)
        }
        let active = try read { () throws(RegistryError) in
            try registry.activateSigningKey(
                publicKey: loaded.key.publicKey.base64, as: .initial, validFrom: validFrom, actor: actor, at: now)
        }
        return (active.active, loaded.created)
    }

    /// `charter keys rotate`: a new key from the system's secure generator becomes the active key at
    /// `now` and the active one is retired at the same instant (certificates it signed before stay
    /// valid). The new private key replaces the file at `keyPath` (mode 0600, `.pub` beside it), so
    /// the retired private key is gone; a file there holding a key the registry does not know is
    /// never overwritten.
    public static func rotate(registry: any RegistryStore, keyPath: String, actor: String, at now: Timestamp)
        throws(Failure) -> Rotation
    {
        let keys = try read { () throws(RegistryError) in try registry.signingKeys() }
        guard !keys.isEmpty else {
            throw Failure("the registry has no signing key to rotate: use charter keys init", .unreadable)
        }
        let result = try withNextKey(keyPath: keyPath, keys: keys) { (publicKey) throws(Failure) in
            do throws(RegistryError) {
                return try registry.activateSigningKey(publicKey: publicKey, as: .rotation, actor: actor, at: now)
            } catch {
                throw Failure("\(error)", error.isUsageError ? .unreadable : .denied)
            }
        }
        return Rotation(active: result.active, retired: result.retired, keyPath: keyPath)
    }

    /// Makes a new key beside `keyPath` (`KEY.next`, mode 0600), hands its public key to `activate`
    /// (which records it in the registry) and, once that succeeded, moves it into `keyPath`; when
    /// `activate` fails, the new key is deleted. An existing key file the registry does not know is
    /// never overwritten.
    static func withNextKey<T>(
        keyPath: String, keys: [SigningKeyRecord], _ activate: (String) throws(Failure) -> T
    ) throws(Failure) -> T {
        let store = FileSystemInputStore()
        if store.kind(of: keyPath) != nil {
            let current: SigningKey
            do {
                current = try SigningKey.load(at: keyPath)
            } catch {
                throw Failure(error.message)
            }
            guard keys.key(current.publicKey.id) != nil else {
                throw Failure(
                    "\"\(keyPath)\" holds key \(current.publicKey.id), which the registry does not know: refusing to overwrite it; name another --key"
                )
            }
        }
        let pending = keyPath + ".next"
        guard store.kind(of: pending) == nil, store.kind(of: pending + ".pub") == nil else {
            throw Failure(
                "\"\(pending)\" exists: an earlier rotation was interrupted; check charter keys list, then remove it")
        }
        let next: SigningKey
        do {
            next = try SigningKey.loadOrCreate(at: pending).key
        } catch {
            throw Failure(error.message)
        }
        let result: T
        do {
            result = try activate(next.publicKey.base64)
        } catch {
            unlink(pending)
            unlink(pending + ".pub")
            throw error
        }
        guard rename(pending, keyPath) == 0, rename(pending + ".pub", keyPath + ".pub") == 0 else {
            throw Failure(
                "the registry's active key is now \(next.publicKey.id), but its file could not be moved from \"\(pending)\" to \"\(keyPath)\": \(String(cString: strerror(errno)))"
            )
        }
        return result
    }

    /// `charter keys revoke`: nothing the key signed verifies any more, whenever it was issued.
    public static func revoke(
        registry: any RegistryStore, fingerprint: String, reason: String, actor: String, at now: Timestamp
    ) throws(Failure) -> SigningKeyRecord {
        try read { () throws(RegistryError) in
            try registry.revokeSigningKey(fingerprint, reason: reason, actor: actor, at: now)
        }
    }

    /// `charter keys export`: the trust bundle of every key, and the digest a consumer pins.
    public static func export(registry: any RegistryStore) throws(Failure) -> (text: String, digest: String) {
        let keys = try read { () throws(RegistryError) in try registry.signingKeys() }
        let text: String
        do {
            text = try TrustBundle(keys: keys).fileText()
        } catch {
            throw Failure(error.message)
        }
        return (text, ContentDigest.sha256(text))
    }

    private static func read<T>(_ body: () throws(RegistryError) -> T) throws(Failure) -> T {
        do {
            return try body()
        } catch {
            throw Failure(error.description, .unreadable)
        }
    }
}

extension SigningKeyRecord {
    /// The key as `charter keys list --format json` prints it and a server returns it.
    public var json: JSONValue {
        [
            "fingerprint": .string(fingerprint), "public_key": .string(publicKey), "status": .string(status.rawValue),
            "valid_from": .string(activatedAt.description),
            "valid_until": retiredAt.map { .string($0.description) } ?? .null,
            "revoked": revocation.map {
                ["at": .string($0.at.description), "actor": .string($0.actor), "reason": .string($0.reason)]
            } ?? .null,
        ]
    }

    /// One line for `charter keys list`.
    public var line: String {
        var text =
            "\(fingerprint)  \(status.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0))  from \(activatedAt)"
        if let retiredAt { text += " until \(retiredAt)" }
        if let revocation { text += "  revoked at \(revocation.at) by \(revocation.actor): \(revocation.reason)" }
        return text
    }
}
