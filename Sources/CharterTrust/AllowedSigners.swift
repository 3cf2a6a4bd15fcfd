public import CharterCore
import Foundation

/// An OpenSSH allowed-signers file (`ssh-keygen(1)`, ALLOWED SIGNERS; git's
/// `gpg.ssh.allowedSignersFile`): which keys may sign for which people.
///
/// Each line is `principals [options] keytype base64-key [comment]`. Principals are
/// comma-separated identities, compared in ``Identity``'s canonical form. Options:
/// `namespaces="a,b"` limits the namespaces a key signs in, `valid-after="YYYYMMDD[HHMM[SS]]"` and
/// `valid-before=…` bound when it is trusted (read as UTC; a trailing `Z` is accepted).
/// Refused, with the line: wildcard principals (`*`, `?`, `!`: each signer is named),
/// `cert-authority` (Charter does not verify certificates), unknown options, key types other than
/// Ed25519 and ECDSA P-256, and a malformed identity.
public struct AllowedSigners: Sendable {
    /// One line: the people a key signs for, and where and when.
    public struct Entry: Sendable, Equatable {
        /// The people, canonical.
        public var principals: [Identity]
        /// The namespaces the key signs in; `nil` for any.
        public var namespaces: [String]?
        /// The key is trusted from this instant on.
        public var validAfter: Timestamp?
        /// The key is trusted until this instant.
        public var validBefore: Timestamp?
        /// The key.
        public var key: SSHPublicKey
        /// The line number, from 1.
        public var line: Int
    }

    /// The entries, in file order.
    public let entries: [Entry]

    /// Why a signature does not count for a person.
    public enum Refusal: Sendable, Equatable, CustomStringConvertible {
        /// No line lets this key sign for this person.
        case keyNotAllowed(signer: Identity, fingerprint: String)
        /// The key may sign for this person, but not in this namespace.
        case namespaceNotAllowed(namespace: String)
        /// The key is not trusted at this instant (before `valid-after` or from `valid-before`).
        case notValid(at: Timestamp, line: Int)

        public var description: String {
            switch self {
            case .keyNotAllowed(let signer, let fingerprint):
                "key \(fingerprint) is not an allowed signer for \(signer)"
            case .namespaceNotAllowed(let namespace):
                "the signer's key may not sign in namespace \"\(namespace)\""
            case .notValid(let instant, let line):
                "the signer's key (allowed-signers line \(line)) is not valid at \(instant)"
            }
        }
    }

    /// Reads the file's text.
    /// - Throws: ``SSHFormatError`` naming the first bad line.
    public init(text: String) throws(SSHFormatError) {
        var entries: [Entry] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            do {
                entries.append(try Self.entry(String(line), number: index + 1))
            } catch {
                throw SSHFormatError("allowed-signers line \(index + 1): \(error.message)")
            }
        }
        self.entries = entries
    }

    /// Whether `key` may sign for `signer` in `namespace` at every instant of `instants`;
    /// `nil` when it may.
    public func refusal(of key: SSHPublicKey, for signer: Identity, namespace: String, at instants: [Timestamp])
        -> Refusal?
    {
        let lines = entries.filter { $0.key == key && $0.principals.contains(signer) }
        guard !lines.isEmpty else { return .keyNotAllowed(signer: signer, fingerprint: key.fingerprint) }
        let inNamespace = lines.filter { $0.namespaces?.contains(namespace) ?? true }
        guard !inNamespace.isEmpty else { return .namespaceNotAllowed(namespace: namespace) }
        var last: Refusal?
        for entry in inNamespace {
            if let instant = instants.first(where: { instant in
                entry.validAfter.map { instant < $0 } == true || entry.validBefore.map { instant >= $0 } == true
            }) {
                last = .notValid(at: instant, line: entry.line)
            } else {
                return nil
            }
        }
        return last
    }

    private static func entry(_ line: String, number: Int) throws(SSHFormatError) -> Entry {
        var fields = try tokens(line)
        guard fields.count >= 3 else { throw SSHFormatError("expected `principals [options] keytype key`") }
        let principalsField = fields.removeFirst()
        var options: [String: String] = [:]
        if !isKeyType(fields[0]) {
            for option in try split(fields.removeFirst(), separator: ",") {
                let parts = option.split(separator: "=", maxSplits: 1).map(String.init)
                let name = parts[0].lowercased()
                let value = parts.count == 2 ? unquote(parts[1]) : ""
                switch name {
                case "namespaces", "valid-after", "valid-before": options[name] = value
                case "cert-authority": throw SSHFormatError("cert-authority is not supported: list each signer's key")
                default: throw SSHFormatError("unknown option \"\(name.prefix(40))\"")
                }
            }
        }
        guard fields.count >= 2 else { throw SSHFormatError("expected a key type and a key") }
        let key = try SSHPublicKey(openSSH: "\(fields[0]) \(fields[1])")
        var principals: [Identity] = []
        for written in try split(principalsField, separator: ",") {
            guard !written.contains(where: { "*?!".contains($0) }) else {
                throw SSHFormatError("principal \"\(written.prefix(60))\" is a pattern: name each signer")
            }
            let identity: Identity
            do {
                identity = try Identity(written)
            } catch {
                throw SSHFormatError("principal \"\(written.prefix(60))\" \(error.message)")
            }
            guard !identity.isGroup else { throw SSHFormatError("a group cannot sign: \(written)") }
            principals.append(identity)
        }
        return Entry(
            principals: principals,
            namespaces: options["namespaces"].map { $0.split(separator: ",").map(String.init) },
            validAfter: try options["valid-after"].map(timestamp), validBefore: try options["valid-before"].map(timestamp),
            key: key, line: number)
    }

    private static func isKeyType(_ field: String) -> Bool {
        field.hasPrefix("ssh-") || field.hasPrefix("ecdsa-") || field.hasPrefix("sk-") || field.hasPrefix("rsa-")
    }

    /// `YYYYMMDD`, `YYYYMMDDHHMM` or `YYYYMMDDHHMMSS`, with an optional `Z`, as UTC.
    private static func timestamp(_ text: String) throws(SSHFormatError) -> Timestamp {
        let digits = text.hasSuffix("Z") || text.hasSuffix("z") ? String(text.dropLast()) : text
        guard [8, 12, 14].contains(digits.count), digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else {
            throw SSHFormatError("\"\(text.prefix(20))\" is not YYYYMMDD[HHMM[SS]]")
        }
        let numbers = Array(digits).map { Int(String($0))! }
        func number(_ range: Range<Int>) -> Int { numbers[range].reduce(0) { $0 * 10 + $1 } }
        guard let date = CalendarDate(year: number(0..<4), month: number(4..<6), day: number(6..<8)) else {
            throw SSHFormatError("\"\(text.prefix(20))\" is not a date")
        }
        let hour = digits.count >= 12 ? number(8..<10) : 0
        let minute = digits.count >= 12 ? number(10..<12) : 0
        let second = digits.count == 14 ? number(12..<14) : 0
        guard hour < 24, minute < 60, second < 60 else { throw SSHFormatError("\"\(text.prefix(20))\" is not a time") }
        return Timestamp(secondsSinceEpoch: Int64(date.daysSinceEpoch) * 86_400 + Int64(hour * 3600 + minute * 60 + second))
    }

    /// White-space separated fields; double quotes group.
    private static func tokens(_ line: String) throws(SSHFormatError) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        for character in line {
            if character == "\"" {
                quoted.toggle()
                current.append(character)
            } else if character.isWhitespace, !quoted {
                if !current.isEmpty { fields.append(current) }
                current = ""
            } else {
                current.append(character)
            }
        }
        guard !quoted else { throw SSHFormatError("an unclosed quote") }
        if !current.isEmpty { fields.append(current) }
        return fields
    }

    /// Splits on `separator` outside double quotes.
    private static func split(_ field: String, separator: Character) throws(SSHFormatError) -> [String] {
        var parts: [String] = []
        var current = ""
        var quoted = false
        for character in field {
            if character == "\"" { quoted.toggle() }
            if character == separator, !quoted {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        let cleaned = parts.map(unquote)
        guard !cleaned.contains(where: \.isEmpty) else { throw SSHFormatError("an empty item in \"\(field.prefix(60))\"") }
        return cleaned
    }

    private static func unquote(_ text: String) -> String {
        text.count >= 2 && text.hasPrefix("\"") && text.hasSuffix("\"") ? String(text.dropFirst().dropLast()) : text
    }
}
