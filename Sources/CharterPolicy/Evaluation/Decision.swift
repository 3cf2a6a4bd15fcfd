public import CharterCore

/// The outcome of evaluating a request against a policy (DESIGN §6).
public struct Decision: Sendable, Equatable {
    /// What happens to the request.
    public enum Outcome: String, Sendable, Equatable {
        /// Every control holds and every approval is in.
        case allow
        /// A mandatory control or rule fails, or no tier applies.
        case deny
        /// Only approvals are missing.
        case pending
    }

    /// One way the request fails a control or rule, or a warning.
    public struct Violation: Sendable, Equatable {
        /// The rule id, or the control (`differential_privacy.epsilon_max`, `purposes`).
        public var id: String
        /// How strictly it is enforced.
        public var enforcement: Enforcement
        /// The diagnostic code.
        public var code: DiagnosticCode
        /// What is wrong.
        public var message: String
        /// The request node it is about.
        public var requestLocation: SourceLocation
        /// The policy node that demands it.
        public var policyLocation: SourceLocation?
        /// The smallest change to the request that clears it (`generator.epsilon 3.0 → ≤ 1.0`).
        public var remedy: String?
    }

    /// An approval the request still needs.
    public struct MissingApproval: Sendable, Equatable {
        /// The roles any of which would do (one role for `all_of` and `require`).
        public var roles: [String]
        /// How many more approvals of distinct roles from `roles` are needed.
        public var count: Int
        /// What demands it: `approvals.all_of`, `approvals.any_of` or a rule id.
        public var source: String
        /// The policy node that demands it.
        public var policyLocation: SourceLocation
        /// What would clear it.
        public var remedy: String
    }

    public var outcome: Outcome
    /// The request's id.
    public var requestID: String
    /// Where the request document starts.
    public var requestLocation: SourceLocation
    /// Where missing approvals would go: the request's `approvals` list, or the request.
    public var approvalsLocation: SourceLocation
    /// The policy decided with.
    public var policy: String
    /// The tier that applied, or `nil` when none did.
    public var tier: Located<String>?
    /// Denying violations (hard- and soft-mandatory), in policy order.
    public var violations: [Violation]
    /// Advisory findings.
    public var warnings: [Violation]
    /// Approvals still needed.
    public var missingApprovals: [MissingApproval]
    /// Every attached approval with its verdict.
    public var approvals: [ApprovalValidator.Verdict]
    /// Soft-mandatory rules overridden, with the overriding approval.
    public var overrides: [(rule: String, by: String)]
    /// Things the decision did not check, said plainly (`budget not checked: no ledger`).
    public var notes: [String]
    /// Every condition evaluated, in order: the tier conditions tried, then the rules.
    public var trace: [ConditionTrace]

    public static func == (lhs: Decision, rhs: Decision) -> Bool {
        lhs.outcome == rhs.outcome && lhs.requestID == rhs.requestID && lhs.policy == rhs.policy
            && lhs.tier == rhs.tier && lhs.violations == rhs.violations && lhs.warnings == rhs.warnings
            && lhs.missingApprovals == rhs.missingApprovals && lhs.approvals == rhs.approvals
            && lhs.overrides.map(\.rule) == rhs.overrides.map(\.rule) && lhs.notes == rhs.notes
            && lhs.trace == rhs.trace
    }
}

/// One condition evaluated while deciding, with its sub-expressions.
public struct ConditionTrace: Sendable, Equatable {
    /// What a trace says of the condition itself, made once per condition and shared by every
    /// decision that evaluates it (a decision then retains one reference per condition, not three
    /// strings).
    final class Header: Sendable {
        let subject: String
        let condition: String
        let location: SourceLocation

        init(subject: String, condition: String, location: SourceLocation) {
            self.subject = subject
            self.condition = condition
            self.location = location
        }
    }

    private var header: Header

    /// `tier high` or `rule tiny-source`.
    public var subject: String {
        get { header.subject }
        set { header = Header(subject: newValue, condition: condition, location: location) }
    }
    /// The condition as written.
    public var condition: String {
        get { header.condition }
        set { header = Header(subject: subject, condition: newValue, location: location) }
    }
    /// Where it is written.
    public var location: SourceLocation {
        get { header.location }
        set { header = Header(subject: subject, condition: condition, location: newValue) }
    }
    /// Whether it held; `nil` when it could not be evaluated.
    public var held: Bool?
    /// Sub-expressions with their values (empty unless tracing was asked for).
    public var steps: [TraceStep]

    /// A condition evaluated.
    public init(subject: String, condition: String, location: SourceLocation, held: Bool?, steps: [TraceStep]) {
        self.init(Header(subject: subject, condition: condition, location: location), held: held, steps: steps)
    }

    /// A condition evaluated, with what is said of the condition made beforehand.
    init(_ header: Header, held: Bool?, steps: [TraceStep]) {
        self.header = header
        self.held = held
        self.steps = steps
    }

    public static func == (lhs: ConditionTrace, rhs: ConditionTrace) -> Bool {
        lhs.subject == rhs.subject && lhs.condition == rhs.condition && lhs.location == rhs.location
            && lhs.held == rhs.held && lhs.steps == rhs.steps
    }
}
