import Crypto
import Foundation

/// An OpenSSH public key Charter can verify signatures with: Ed25519 (`ssh-ed25519`) or ECDSA on
/// P-256 (`ecdsa-sha2-nistp256`). Other types (RSA, DSA, security keys, certificates) are refused
/// when read, with their name.
public struct SSHPublicKey: Sendable, Hashable, CustomStringConvertible {
    /// The key algorithms Charter verifies.
    public enum Algorithm: String, Sendable, Hashable {
        case ed25519 = "ssh-ed25519"
        case ecdsaP256 = "ecdsa-sha2-nistp256"
    }

    /// The algorithm.
    public let algorithm: Algorithm
    /// The key blob in SSH wire form, as in `authorized_keys` after base64 decoding.
    public let blob: [UInt8]
    /// The raw key: 32 bytes for Ed25519, the 65-byte uncompressed point for P-256.
    let key: [UInt8]

    /// Reads a key blob (SSH wire form).
    public init(blob: [UInt8]) throws(SSHFormatError) {
        var reader = SSHReader(blob)
        let type = try reader.text("the key type")
        switch type {
        case Algorithm.ed25519.rawValue:
            let key = try reader.string("the Ed25519 key")
            guard key.count == 32 else { throw SSHFormatError("an Ed25519 key has 32 bytes, not \(key.count)") }
            algorithm = .ed25519
            self.key = key
        case Algorithm.ecdsaP256.rawValue:
            guard try reader.text("the curve") == "nistp256" else { throw SSHFormatError("the curve is not nistp256") }
            let point = try reader.string("the P-256 point")
            guard (try? P256.Signing.PublicKey(x963Representation: point)) != nil else {
                throw SSHFormatError("the P-256 point is not on the curve")
            }
            algorithm = .ecdsaP256
            key = point
        default:
            throw SSHFormatError(
                "key type \"\(type.prefix(60))\" is not supported (use ssh-ed25519 or ecdsa-sha2-nistp256)")
        }
        guard reader.isAtEnd else { throw SSHFormatError("the key blob has trailing bytes") }
        self.blob = blob
    }

    /// Reads `type base64 [comment]`, as in a `.pub` file.
    public init(openSSH text: String) throws(SSHFormatError) {
        let fields = text.split(whereSeparator: \.isWhitespace)
        guard fields.count >= 2 else { throw SSHFormatError("a public key is written `type base64 [comment]`") }
        guard let data = Data(base64Encoded: String(fields[1])) else {
            throw SSHFormatError("the public key is not base64")
        }
        try self.init(blob: Array(data))
        guard algorithm.rawValue == fields[0] else {
            throw SSHFormatError("the key says \(algorithm.rawValue) but is labelled \(fields[0])")
        }
    }

    /// `type base64`, as in a `.pub` file without a comment.
    public var openSSH: String { "\(algorithm.rawValue) \(Data(blob).base64EncodedString())" }

    /// The fingerprint as `ssh-keygen -l` prints it: `SHA256:` and the unpadded base64 of the
    /// blob's SHA-256.
    public var fingerprint: String {
        let base64 = Data(SHA256.hash(data: blob)).base64EncodedString()
        return "SHA256:" + base64.replacingOccurrences(of: "=", with: "")
    }

    public var description: String { "\(algorithm.rawValue) \(fingerprint)" }

    /// Whether `signature` (the SSH signature blob: type and signature bytes) signs `data` under
    /// this key.
    func verifies(signature: [UInt8], of data: [UInt8]) -> Bool {
        var reader = SSHReader(signature)
        guard let type = try? reader.text("the signature type"), type == algorithm.rawValue,
            let bytes = try? reader.string("the signature"), reader.isAtEnd
        else { return false }
        switch algorithm {
        case .ed25519:
            guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: key) else { return false }
            return key.isValidSignature(bytes, for: data)
        case .ecdsaP256:
            // The signature is `mpint r, mpint s` (RFC 5656 §3.1.2).
            var inner = SSHReader(bytes)
            guard let r = try? inner.string("r"), let s = try? inner.string("s"), inner.isAtEnd,
                let rawR = Self.fixedWidth(r), let rawS = Self.fixedWidth(s),
                let signature = try? P256.Signing.ECDSASignature(rawRepresentation: rawR + rawS),
                let key = try? P256.Signing.PublicKey(x963Representation: key)
            else { return false }
            return key.isValidSignature(signature, for: data)
        }
    }

    /// An mpint as 32 big-endian bytes; `nil` when negative or wider.
    private static func fixedWidth(_ mpint: [UInt8]) -> [UInt8]? {
        var digits = mpint[...]
        if digits.first.map({ $0 & 0x80 != 0 }) == true { return nil }
        while digits.first == 0 { digits = digits.dropFirst() }
        guard digits.count <= 32 else { return nil }
        return Array(repeating: 0, count: 32 - digits.count) + digits
    }
}
