/// A problem found before anything runs: a differential-privacy configuration that will not work
/// well, a check that cannot be measured, a budget that will not last.
public struct PlanWarning: Sendable, Equatable {
    /// How much it matters.
    public enum Severity: String, Sendable, Equatable, CaseIterable, Comparable {
        /// Worth knowing; the run goes ahead.
        case note
        /// Likely to hurt privacy or utility; the run goes ahead.
        case warning
        /// The run will be refused or a gate will fail (fail closed).
        case error

        private var rank: Int {
            switch self {
            case .note: 0
            case .warning: 1
            case .error: 2
            }
        }

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    /// A stable identifier (`delta-above-inverse-rows`).
    public var code: String
    /// How much it matters.
    public var severity: Severity
    /// What is wrong, lowercase, one line.
    public var message: String

    /// Creates a warning.
    public init(code: String, severity: Severity, message: String) {
        self.code = code
        self.severity = severity
        self.message = message
    }
}
