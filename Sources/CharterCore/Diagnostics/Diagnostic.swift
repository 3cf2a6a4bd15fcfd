/// One finding about an input: what is wrong, where, how bad, and how to fix it.
///
/// The same value is rendered as compiler-style text, JSON, SARIF, JUnit or GitHub annotations
/// (see ``DiagnosticRenderer``). Messages follow Cedar's style: lowercase, one line, no final
/// period, user input quoted; advice goes in ``help``, never in the message.
public struct Diagnostic: Sendable, Hashable, Codable {
    /// How much a finding matters. Only errors fail a run.
    public enum Severity: String, Sendable, Hashable, Codable, Comparable, CaseIterable {
        case error
        case warning
        case note

        private var rank: Int {
            switch self {
            case .error: 0
            case .warning: 1
            case .note: 2
            }
        }

        /// Errors sort before warnings, warnings before notes.
        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    /// A second place that explains the first, such as the earlier of two duplicate keys.
    public struct Related: Sendable, Hashable, Codable {
        /// Where.
        public var location: SourceLocation
        /// Why that place matters, in the same style as a diagnostic message.
        public var message: String

        /// Creates a related location.
        public init(_ location: SourceLocation, _ message: String) {
            self.location = location
            self.message = message
        }
    }

    /// A concrete edit that would resolve the finding.
    public struct Fix: Sendable, Hashable, Codable {
        /// What the edit does, e.g. `replace "pubic" with "public"`.
        public var summary: String
        /// Where the replaced text starts.
        public var location: SourceLocation
        /// How many Unicode scalars of the original text the edit replaces.
        public var length: Int
        /// The new text.
        public var replacement: String

        /// Creates a fix that replaces `length` scalars at `location` with `replacement`.
        public init(summary: String, location: SourceLocation, length: Int, replacement: String) {
            self.summary = summary
            self.location = location
            self.length = length
            self.replacement = replacement
        }
    }

    /// How much the finding matters.
    public var severity: Severity
    /// The stable code.
    public var code: DiagnosticCode
    /// What is wrong, in one line.
    public var message: String
    /// Where; `nil` only for findings about no place in particular (such as an empty input set).
    public var location: SourceLocation?
    /// Other places that explain this one.
    public var related: [Related]
    /// Extra facts, one line each.
    public var notes: [String]
    /// Advice on what to do, kept apart from the message.
    public var help: String?
    /// An edit that resolves the finding, when one is known.
    public var fix: Fix?

    /// Creates a diagnostic.
    public init(
        _ severity: Severity, _ code: DiagnosticCode, _ message: String, at location: SourceLocation?,
        related: [Related] = [], notes: [String] = [], help: String? = nil, fix: Fix? = nil
    ) {
        self.severity = severity
        self.code = code
        self.message = message
        self.location = location
        self.related = related
        self.notes = notes
        self.help = help
        self.fix = fix
    }

    /// An error diagnostic.
    public static func error(
        _ code: DiagnosticCode, _ message: String, at location: SourceLocation?,
        related: [Related] = [], notes: [String] = [], help: String? = nil, fix: Fix? = nil
    ) -> Diagnostic {
        Diagnostic(.error, code, message, at: location, related: related, notes: notes, help: help, fix: fix)
    }

    /// A warning diagnostic.
    public static func warning(
        _ code: DiagnosticCode, _ message: String, at location: SourceLocation?,
        related: [Related] = [], notes: [String] = [], help: String? = nil, fix: Fix? = nil
    ) -> Diagnostic {
        Diagnostic(.warning, code, message, at: location, related: related, notes: notes, help: help, fix: fix)
    }
}

extension Diagnostic: Comparable {
    /// Diagnostics sort by location (file, line, column), then severity, code and message, so
    /// every renderer prints them in the same stable order.
    public static func < (lhs: Diagnostic, rhs: Diagnostic) -> Bool {
        switch (lhs.location, rhs.location) {
        case (nil, .some): return true
        case (.some, nil): return false
        case let (l?, r?) where l != r:
            if l.file != r.file || l.line != r.line || l.column != r.column { return l < r }
        default: break
        }
        if lhs.severity != rhs.severity { return lhs.severity < rhs.severity }
        if lhs.code != rhs.code { return lhs.code < rhs.code }
        return lhs.message < rhs.message
    }
}
