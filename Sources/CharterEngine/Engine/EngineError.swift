/// Why a run stopped before its gates could decide: each case a user or the environment can cause.
///
/// A gate failure is not an error: it is an outcome (``EngineOutcome/gateFailed(_:)``).
public struct EngineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem it is, which decides the exit status.
    public enum Kind: String, Sendable, Equatable {
        /// An input could not be read or is malformed (exit 2).
        case unreadable
        /// The plan cannot run as made: not approved, source changed, budget exhausted,
        /// output already there (exit 1).
        case refused
        /// A stage failed while running (exit 1).
        case failed
    }

    public var kind: Kind
    /// The stage it happened in (`verify-source`, `generate`, …).
    public var stage: String
    /// What went wrong, one line, lowercase.
    public var message: String
    /// Lines a person should know: what was spent, what was rolled back.
    public var notes: [String]

    /// Creates an error.
    public init(_ kind: Kind, stage: String, _ message: String, notes: [String] = []) {
        self.kind = kind
        self.stage = stage
        self.message = message
        self.notes = notes
    }

    public var description: String { "\(stage): \(message)" }
}
