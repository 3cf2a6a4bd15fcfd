internal import CharterCore
internal import Crypto

#if canImport(FoundationEssentials)
    internal import FoundationEssentials
#else
    internal import Foundation
#endif
#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Musl)
    internal import Musl
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// The Ed25519 key that signs certificates, kept in a file readable by its owner only.
///
/// The file holds the 32-byte private key in base64 and a newline; a `.pub` file beside it holds
/// the public key the same way, for verifiers elsewhere. A key's id is the SHA-256 of its raw
/// public key (`sha256:<hex>`).
public struct SigningKey: Sendable {
    /// Why a key cannot be read or made.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }

        public init(message: String) {
            self.message = message
        }
    }

    /// Where the key lives unless `--key` or `CHARTER_SIGNING_KEY` says otherwise.
    public static let defaultPath = ".charter/signing-key"

    private let key: Curve25519.Signing.PrivateKey

    /// The public half.
    public var publicKey: VerificationKey { VerificationKey(key: key.publicKey) }

    /// Wraps a raw 32-byte private key.
    public init(rawRepresentation bytes: [UInt8]) throws(Failure) {
        do {
            key = try Curve25519.Signing.PrivateKey(rawRepresentation: bytes)
        } catch {
            throw Failure(message: "not an Ed25519 private key (\(bytes.count) bytes; want 32)")
        }
    }

    /// A new key from the system's secure generator.
    public static func generate() -> SigningKey {
        SigningKey(key: Curve25519.Signing.PrivateKey())
    }

    private init(key: Curve25519.Signing.PrivateKey) {
        self.key = key
    }

    /// The key path after `--key` and `CHARTER_SIGNING_KEY`.
    public static func resolvePath(explicit: String?, environment: [String: String]) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = environment["CHARTER_SIGNING_KEY"], !fromEnvironment.isEmpty { return fromEnvironment }
        return defaultPath
    }

    /// Signs `payload`, returning the 64-byte signature in base64.
    public func sign(_ payload: [UInt8]) throws(Failure) -> String {
        do {
            return Data(try key.signature(for: payload)).base64EncodedString()
        } catch {
            throw Failure(message: "cannot sign: \(error)")
        }
    }

    /// Reads the key at `path`, or makes one there (mode 0600, its directory 0700) when there is
    /// no file. Refuses a key file that others may read.
    /// - Returns: the key and whether it was created now.
    public static func loadOrCreate(at path: String) throws(Failure) -> (key: SigningKey, created: Bool) {
        if FileManager.default.fileExists(atPath: path) { return (try load(at: path), false) }
        let key = generate()
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? ""
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw Failure(message: "cannot create the key's directory \"\(directory)\": \(error)")
            }
        }
        let text = Data(key.key.rawRepresentation).base64EncodedString() + "\n"
        // Written whole under a temporary name, then linked into place: a process racing this one
        // sees no key or the whole key, never an empty file, and the loser reads the winner's.
        let temporary = "\(path).creating-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        defer { unlink(temporary) }
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw Failure(message: "cannot create the signing key \"\(path)\": \(String(cString: strerror(errno)))")
        }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == bytes.count, synced == 0 else {
            throw Failure(message: "cannot write the signing key \"\(path)\"")
        }
        if link(temporary, path) != 0 {
            guard errno == EEXIST else {
                throw Failure(message: "cannot create the signing key \"\(path)\": \(String(cString: strerror(errno)))")
            }
            return (try load(at: path), false)
        }
        let publicText = key.publicKey.base64 + "\n"
        _ = FileManager.default.createFile(atPath: path + ".pub", contents: Data(publicText.utf8))
        return (key, true)
    }

    /// Reads the key at `path`.
    public static func load(at path: String) throws(Failure) -> SigningKey {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if let mode = attributes?[.posixPermissions] as? Int, mode & 0o077 != 0 {
            throw Failure(
                message:
                    "the signing key \"\(path)\" is readable by others (mode \(String(mode, radix: 8))); chmod 600 it")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(message: "cannot read the signing key \"\(path)\"")
        }
        let text = trimmed(String(decoding: data, as: UTF8.self))
        guard let raw = Data(base64Encoded: text) else {
            throw Failure(message: "the signing key \"\(path)\" is not base64")
        }
        return try SigningKey(rawRepresentation: [UInt8](raw))
    }
}

/// An Ed25519 public key that checks certificate signatures.
public struct VerificationKey: Sendable, Hashable {
    fileprivate let key: Curve25519.Signing.PublicKey

    fileprivate init(key: Curve25519.Signing.PublicKey) {
        self.key = key
    }

    /// Wraps a raw 32-byte public key.
    public init(rawRepresentation bytes: [UInt8]) throws(SigningKey.Failure) {
        do {
            key = try Curve25519.Signing.PublicKey(rawRepresentation: bytes)
        } catch {
            throw SigningKey.Failure(message: "not an Ed25519 public key (\(bytes.count) bytes; want 32)")
        }
    }

    /// Reads a public key file (base64 of the raw key).
    public static func load(at path: String) throws(SigningKey.Failure) -> VerificationKey {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SigningKey.Failure(message: "cannot read the public key \"\(path)\"")
        }
        let text = trimmed(String(decoding: data, as: UTF8.self))
        guard let raw = Data(base64Encoded: text) else {
            throw SigningKey.Failure(message: "the public key \"\(path)\" is not base64")
        }
        return try VerificationKey(rawRepresentation: [UInt8](raw))
    }

    /// The raw key in base64.
    public var base64: String { Data(key.rawRepresentation).base64EncodedString() }

    /// `sha256:` of the raw 32-byte key.
    public var id: String { ContentDigest.sha256([UInt8](key.rawRepresentation)) }

    /// Whether `signature` (base64) is this key's signature of `payload`.
    public func isValidSignature(_ signature: String, for payload: [UInt8]) -> Bool {
        guard let bytes = Data(base64Encoded: signature), bytes.count == 64 else { return false }
        return key.isValidSignature(bytes, for: payload)
    }

    public static func == (lhs: VerificationKey, rhs: VerificationKey) -> Bool {
        lhs.key.rawRepresentation == rhs.key.rawRepresentation
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(key.rawRepresentation)
    }
}

/// `text` without leading and trailing whitespace.
func trimmed(_ text: String) -> String {
    String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
}
