import Crypto

/// SHA-256 digests written as `sha256:<64 lowercase hex digits>`, the form plans, approvals and
/// certificates use to pin an input.
public enum ContentDigest {
    /// The digest of raw bytes.
    public static func sha256(_ bytes: [UInt8]) -> String {
        let digest = SHA256.hash(data: bytes)
        return "sha256:" + hex(digest)
    }

    /// The digest of a string's UTF-8 bytes.
    public static func sha256(_ text: String) -> String {
        sha256(Array(text.utf8))
    }

    /// The digest of a value's canonical JSON (see ``JSONValue/canonical()``).
    public static func sha256(_ value: JSONValue) throws(JSONEncodingError) -> String {
        sha256(try value.canonical())
    }

    private static func hex(_ digest: SHA256.Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
