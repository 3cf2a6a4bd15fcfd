import CharterCore
import Crypto

/// The bearer tokens a server accepts, read from a tokens file that holds only their SHA-256
/// digests: one line per token, `sha256:HEX IDENTITY ROLE[,ROLE…]`, `#` comments and blank lines
/// ignored.
///
/// ```
/// # printf %s "$TOKEN" | sha256sum
/// sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 carol@hospital.example approver
/// ```
///
/// A token is looked up by hashing what was presented and comparing that digest with every
/// entry's in constant time: neither the time taken nor an early exit says which entry, or how
/// much of one, matched. The tokens themselves never exist at rest or in a log.
public struct TokenFile: Sendable {
    /// One accepted token.
    struct Entry: Sendable {
        var digest: [UInt8]
        var caller: Caller
    }

    /// A line that is not a token entry, with its 1-based line number.
    public struct Problem: Error, Sendable, CustomStringConvertible {
        /// The line, 1-based.
        public var line: Int
        /// What is wrong with it, in Cedar's style.
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    let entries: [Entry]

    /// The entries of a tokens file's text.
    /// - Throws: ``Problem`` for the first line that is not `sha256:HEX IDENTITY ROLES`.
    public init(text: String) throws(Problem) {
        var entries: [Entry] = []
        var seen: Set<[UInt8]> = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            if fields.isEmpty { continue }
            let number = index + 1
            guard fields.count == 3 else {
                throw Problem(line: number, message: "expected `sha256:HEX IDENTITY ROLE[,ROLE…]`, got \(fields.count) fields")
            }
            guard let digest = Self.digest(hex: fields[0]) else {
                throw Problem(line: number, message: "the token digest must be sha256: and 64 lowercase hex digits")
            }
            guard seen.insert(digest).inserted else {
                throw Problem(line: number, message: "the same token digest is listed twice")
            }
            let identity: Identity
            do {
                identity = try Identity(String(fields[1]))
            } catch {
                throw Problem(line: number, message: "identity '\(fields[1])' \(error.message)")
            }
            var roles: Set<Role> = []
            for name in fields[2].split(separator: ",") {
                guard let role = Role(rawValue: String(name)) else {
                    throw Problem(
                        line: number,
                        message: "unknown role '\(name)'; roles: \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                roles.insert(role)
            }
            guard !roles.isEmpty else { throw Problem(line: number, message: "a token needs at least one role") }
            entries.append(Entry(digest: digest, caller: Caller(identity: identity.canonical, roles: roles)))
        }
        self.entries = entries
    }

    /// How many tokens the file holds.
    public var count: Int { entries.count }

    /// The caller a presented token stands for, or `nil` when no entry's digest matches.
    ///
    /// - Complexity: O(n) in the entries, always all of them: every digest is compared in full.
    public func caller(presenting token: String) -> Caller? {
        let presented = Array(SHA256.hash(data: Array(token.utf8)))
        var found: Caller?
        for entry in entries {
            var difference: UInt8 = 0
            for index in 0..<32 { difference |= entry.digest[index] ^ presented[index] }
            if difference == 0 { found = entry.caller }
        }
        return found
    }

    /// The line that lists `token` in a tokens file: its digest, the identity, the roles.
    public static func line(token: String, identity: String, roles: [Role]) -> String {
        ContentDigest.sha256(token) + " " + identity + " "
            + roles.map(\.rawValue).joined(separator: ",")
    }

    private static func digest(hex field: Substring) -> [UInt8]? {
        guard field.hasPrefix("sha256:") else { return nil }
        let hex = Array(field.dropFirst(7).utf8)
        guard hex.count == 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        var index = 0
        while index < 64 {
            guard let high = nibble(hex[index]), let low = nibble(hex[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
