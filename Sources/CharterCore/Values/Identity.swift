import Foundation

/// A person or group as Charter compares them: one canonical form for requesters, approvers,
/// role members, directory entries and allowed signers, so that separation of duties compares
/// people, not spellings.
///
/// The canonical form of a written identity:
/// 1. leading and trailing white space is trimmed;
/// 2. Unicode NFKC folds compatibility forms (full-width letters, ligatures) to their plain form;
/// 3. letters are lower-cased;
/// 4. what remains must be ASCII: this is UTS #39's *ASCII-Only* restriction level, the strictest,
///    under which no two different identities can look alike (a Cyrillic `с` in place of a Latin
///    `c` is refused, not folded, since no table can say whom it was meant to name);
/// 5. in an address `local@domain`, a sub-address `+tag` is dropped from the local part
///    (`carol+x@h.example` is Carol) and a trailing dot ends no domain (`h.example.` is `h.example`).
///
/// The forms: an address `local@domain`, a plain user id (`svc-ci`), or a group `group:name`.
/// Anything else (spaces or control characters inside, two `@`, an empty part, a leading `+`) is
/// malformed, and lint reports it.
public struct Identity: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The canonical form.
    public let canonical: String

    /// Why a written identity is not one.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// What is wrong, in a sentence fragment after the identity.
        public let message: String
        public var description: String { message }
    }

    /// The canonical form of `written`.
    /// - Throws: ``Problem`` when `written` is not a well-formed identity.
    public init(_ written: String) throws(Problem) {
        canonical = try Self.canonicalize(written)
    }

    /// The canonical form of `written`, or `nil` when it is malformed.
    public static func canonical(_ written: String) -> String? {
        try? canonicalize(written)
    }

    /// Whether this names a group (`group:name`) rather than a person.
    public var isGroup: Bool { canonical.hasPrefix(Self.groupPrefix) }

    /// The group's name without `group:`; `nil` for a person.
    public var groupName: String? { isGroup ? String(canonical.dropFirst(Self.groupPrefix.count)) : nil }

    public var description: String { canonical }

    public static func < (lhs: Identity, rhs: Identity) -> Bool { lhs.canonical < rhs.canonical }

    /// The prefix that marks a group.
    public static let groupPrefix = "group:"

    private static func canonicalize(_ written: String) throws(Problem) -> String {
        let trimmed = written.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw Problem(message: "is empty") }
        let folded = trimmed.precomposedStringWithCompatibilityMapping.lowercased()
        if let scalar = folded.unicodeScalars.first(where: { !$0.isASCII }) {
            let code = String(scalar.value, radix: 16, uppercase: true)
            let name = scalar.properties.name.map { " \($0)" } ?? ""
            throw Problem(
                message:
                    "contains U+\(String(repeating: "0", count: max(0, 4 - code.count)) + code)\(name), "
                    + "not ASCII: identities must be ASCII after NFKC (UTS #39 ASCII-Only), "
                    + "so that look-alike letters cannot name someone else")
        }
        if let bad = folded.unicodeScalars.first(where: { $0.value < 0x21 || $0.value == 0x7F }) {
            throw Problem(
                message: bad == " " ? "contains a space" : "contains a control character (0x\(String(bad.value, radix: 16)))")
        }
        if folded.hasPrefix(groupPrefix) {
            let name = folded.dropFirst(groupPrefix.count)
            guard !name.isEmpty, name.allSatisfy(isNameCharacter) else {
                throw Problem(message: "is not a group name: `group:` is followed by letters, digits, `.`, `_` or `-`")
            }
            return folded
        }
        let parts = folded.split(separator: "@", omittingEmptySubsequences: false)
        switch parts.count {
        case 1:
            guard folded.allSatisfy(isNameCharacter) else {
                throw Problem(message: "is not a user id (letters, digits, `.`, `_`, `-`) or an address")
            }
            return folded
        case 2:
            var local = parts[0]
            if let plus = local.firstIndex(of: "+") {
                guard plus != local.startIndex else { throw Problem(message: "has a local part that starts with `+`") }
                local = local[..<plus]
            }
            var domain = parts[1]
            if domain.hasSuffix(".") { domain = domain.dropLast() }
            guard !local.isEmpty, local.allSatisfy(isNameCharacter) else {
                throw Problem(message: "has an empty or malformed local part before `@`")
            }
            let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
            guard !domain.isEmpty,
                labels.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" } })
            else {
                throw Problem(message: "has an empty or malformed domain after `@`")
            }
            return "\(local)@\(domain)"
        default:
            throw Problem(message: "has more than one `@`")
        }
    }

    private static func isNameCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "." || character == "_" || character == "-"
    }
}
