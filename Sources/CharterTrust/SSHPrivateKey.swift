import Crypto
import Foundation

/// An unencrypted Ed25519 private key in OpenSSH's format (`-----BEGIN OPENSSH PRIVATE KEY-----`,
/// `openssh-key-v1`), as `ssh-keygen -t ed25519 -N ''` writes it.
///
/// A passphrase-protected key is refused with a message that says to sign with
/// `ssh-keygen -Y sign` instead: Charter never asks for or handles passphrases.
public struct SSHPrivateKey: Sendable {
    let key: Curve25519.Signing.PrivateKey
    /// The matching public key.
    public let publicKey: SSHPublicKey

    /// Reads the key file's text.
    public init(openSSH text: String) throws(SSHFormatError) {
        var reader = SSHReader(try SSHArmour.decode(text, label: "OPENSSH PRIVATE KEY"))
        guard try reader.raw(15, "the key preamble") == Array("openssh-key-v1\0".utf8) else {
            throw SSHFormatError("not an openssh-key-v1 private key")
        }
        let cipher = try reader.text("the cipher name")
        _ = try reader.text("the KDF name")
        _ = try reader.string("the KDF options")
        guard cipher == "none" else {
            throw SSHFormatError(
                "the key is protected by a passphrase: sign with `ssh-keygen -Y sign -n charter-approval` "
                    + "and attach the signature with --signature")
        }
        guard try reader.uint32("the key count") == 1 else { throw SSHFormatError("the file must hold one key") }
        let publicBlob = try reader.string("the public key")
        var section = SSHReader(try reader.string("the private section"))
        guard try section.uint32("the check") == (try section.uint32("the check")) else {
            throw SSHFormatError("the private section's check bytes differ")
        }
        let type = try section.text("the key type")
        guard type == SSHPublicKey.Algorithm.ed25519.rawValue else {
            throw SSHFormatError("only ssh-ed25519 private keys can sign here (this is \(type.prefix(40)))")
        }
        let publicKey = try section.string("the public key")
        let secret = try section.string("the private key")
        guard secret.count == 64, Array(secret[32...]) == publicKey else {
            throw SSHFormatError("the Ed25519 private key is malformed")
        }
        do {
            key = try Curve25519.Signing.PrivateKey(rawRepresentation: secret[..<32])
        } catch {
            throw SSHFormatError("the Ed25519 private key is malformed")
        }
        self.publicKey = try SSHPublicKey(blob: publicBlob)
        guard Array(key.publicKey.rawRepresentation) == publicKey, self.publicKey.key == publicKey else {
            throw SSHFormatError("the private key does not match its public key")
        }
    }

    /// A key from its 32-byte seed (for tests and key generation).
    public init(seed: [UInt8]) throws(SSHFormatError) {
        do {
            key = try Curve25519.Signing.PrivateKey(rawRepresentation: seed)
        } catch {
            throw SSHFormatError("an Ed25519 seed has 32 bytes")
        }
        var blob = SSHWriter()
        blob.string(SSHPublicKey.Algorithm.ed25519.rawValue)
        blob.string(Array(key.publicKey.rawRepresentation))
        publicKey = try SSHPublicKey(blob: blob.bytes)
    }
}
