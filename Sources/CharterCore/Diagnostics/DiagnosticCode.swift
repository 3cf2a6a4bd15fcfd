/// The stable identity of one kind of finding: a code that never changes meaning (`CH002`),
/// a short kebab-case name (`yaml-duplicate-key`) and a one-line summary for rule listings
/// such as SARIF's `tool.driver.rules`.
///
/// Each module declares the codes it emits beside the checks that emit them.
public struct DiagnosticCode: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The stable code, `CH` followed by three digits.
    public let id: String
    /// A short kebab-case name.
    public let name: String
    /// One line saying what the code is about.
    public let summary: String

    /// Declares a code. `id` must be `CH` followed by three digits.
    public init(_ id: String, name: String, summary: String) {
        precondition(
            id.count == 5 && id.hasPrefix("CH") && id.dropFirst(2).allSatisfy(\.isASCIIDigitCharacter),
            "diagnostic codes are CH followed by three digits")
        self.id = id
        self.name = name
        self.summary = summary
    }

    public var description: String { id }

    public static func < (lhs: DiagnosticCode, rhs: DiagnosticCode) -> Bool { lhs.id < rhs.id }
}

extension Character {
    fileprivate var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}

extension DiagnosticCode {
    /// A file or directory could not be read.
    public static let unreadableInput = DiagnosticCode(
        "CH000", name: "unreadable-input", summary: "a file or directory could not be read")
}

extension DiagnosticCode {
    /// A path named no file of the kind the command reads.
    public static let noInputs = DiagnosticCode(
        "CH010", name: "no-inputs", summary: "a path named no file of the kind the command reads")
}
