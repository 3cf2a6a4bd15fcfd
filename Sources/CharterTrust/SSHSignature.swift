import Crypto
import Foundation

/// An SSH signature in OpenSSH's SSHSIG format (`PROTOCOL.sshsig`), as `ssh-keygen -Y sign`
/// writes it: the signer's public key, a namespace that keeps a signature made for one purpose
/// from being replayed for another, the hash algorithm, and the signature over
/// `"SSHSIG" ‖ namespace ‖ reserved ‖ hash algorithm ‖ H(message)`.
public struct SSHSignature: Sendable, Equatable {
    /// The key that made the signature (to be checked against an allowed-signers file: the
    /// signature alone proves only that *some* key signed).
    public let publicKey: SSHPublicKey
    /// The namespace signed under.
    public let namespace: String
    /// `sha256` or `sha512`.
    public let hashAlgorithm: String
    /// The SSH signature blob.
    let signature: [UInt8]

    private static let magic = Array("SSHSIG".utf8)
    private static let label = "SSH SIGNATURE"

    /// Reads an armoured signature (`-----BEGIN SSH SIGNATURE-----` …).
    public init(armoured text: String) throws(SSHFormatError) {
        var reader = SSHReader(try SSHArmour.decode(text, label: Self.label))
        guard try reader.raw(6, "the SSHSIG preamble") == Self.magic else {
            throw SSHFormatError("not an SSHSIG signature")
        }
        let version = try reader.uint32("the version")
        guard version == 1 else { throw SSHFormatError("SSHSIG version \(version) is not supported") }
        publicKey = try SSHPublicKey(blob: try reader.string("the public key"))
        namespace = try reader.text("the namespace")
        _ = try reader.string("the reserved field")
        hashAlgorithm = try reader.text("the hash algorithm")
        guard ["sha256", "sha512"].contains(hashAlgorithm) else {
            throw SSHFormatError("hash algorithm \"\(hashAlgorithm.prefix(20))\" is not sha256 or sha512")
        }
        signature = try reader.string("the signature")
        guard reader.isAtEnd else { throw SSHFormatError("the signature has trailing bytes") }
    }

    private init(publicKey: SSHPublicKey, namespace: String, hashAlgorithm: String, signature: [UInt8]) {
        self.publicKey = publicKey
        self.namespace = namespace
        self.hashAlgorithm = hashAlgorithm
        self.signature = signature
    }

    /// Signs `message` under `namespace` with SHA-512, as `ssh-keygen -Y sign -n namespace` does.
    public static func sign(_ message: [UInt8], namespace: String, with key: SSHPrivateKey) throws(SSHFormatError)
        -> SSHSignature
    {
        let data = signedData(message, namespace: namespace, hashAlgorithm: "sha512")
        var blob = SSHWriter()
        blob.string(SSHPublicKey.Algorithm.ed25519.rawValue)
        do {
            blob.string(Array(try key.key.signature(for: data)))
        } catch {
            throw SSHFormatError("signing failed: \(error)")
        }
        return SSHSignature(publicKey: key.publicKey, namespace: namespace, hashAlgorithm: "sha512", signature: blob.bytes)
    }

    /// The armoured text, as `ssh-keygen -Y sign` writes it.
    public var armoured: String {
        var writer = SSHWriter()
        writer.raw(Self.magic)
        writer.uint32(1)
        writer.string(publicKey.blob)
        writer.string(namespace)
        writer.string([UInt8]())
        writer.string(hashAlgorithm)
        writer.string(signature)
        return SSHArmour.encode(writer.bytes, label: Self.label)
    }

    /// Whether this signs `message` under `namespace` with its public key. Says nothing about
    /// whether that key may sign for anyone: ``AllowedSigners`` decides that.
    public func isValid(for message: [UInt8], namespace expected: String) -> Bool {
        guard namespace == expected else { return false }
        return publicKey.verifies(
            signature: signature, of: Self.signedData(message, namespace: namespace, hashAlgorithm: hashAlgorithm))
    }

    private static func signedData(_ message: [UInt8], namespace: String, hashAlgorithm: String) -> [UInt8] {
        var writer = SSHWriter()
        writer.raw(magic)
        writer.string(namespace)
        writer.string([UInt8]())
        writer.string(hashAlgorithm)
        writer.string(hashAlgorithm == "sha256" ? Array(SHA256.hash(data: message)) : Array(SHA512.hash(data: message)))
        return writer.bytes
    }
}
