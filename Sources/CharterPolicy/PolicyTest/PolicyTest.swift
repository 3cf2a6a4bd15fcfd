public import CharterCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

// The codes of policy tests, CH250–CH269.
extension DiagnosticCode {
    /// A request file a test case names cannot be read or parsed.
    public static let policyTestRequestUnreadable = DiagnosticCode(
        "CH250", name: "test-request-unreadable", summary: "a test case's request file cannot be read")
    /// A test case's request is not a valid generation request.
    public static let policyTestRequestInvalid = DiagnosticCode(
        "CH251", name: "test-request-invalid", summary: "a test case's request is not a valid generation request")
    /// An override path does not name a field of the request.
    public static let policyTestOverridePath = DiagnosticCode(
        "CH252", name: "test-override-path", summary: "an override path that does not name a request field")
    /// A test file with no cases, or two cases with one name.
    public static let policyTestCases = DiagnosticCode(
        "CH253", name: "test-cases", summary: "a test file with no cases or duplicate case names")
    /// A test case whose outcome differs from the expectation.
    public static let policyTestFailed = DiagnosticCode(
        "CH260", name: "test-failed", summary: "a policy test case's decision differs from its expectation")
    /// Behavioural coverage below `--coverage-min`.
    public static let policyTestCoverage = DiagnosticCode(
        "CH261", name: "test-coverage", summary: "policy test coverage below the minimum")
}

/// A `kind: policy-test` document: cases, each a request and the decision expected for it.
public struct PolicyTestSuite: Sendable {
    /// The file the suite was read from.
    public var file: String
    /// The policy path as written (relative to the test file), or `nil` for the default.
    public var policy: Located<String>?
    /// The evaluation date, or `nil` for the run's date.
    public var now: Located<CalendarDate>?
    /// The cases, in file order.
    public var cases: [PolicyTestCase]
    /// Where the document starts.
    public var location: SourceLocation
}

/// One case of a policy test.
public struct PolicyTestCase: Sendable {
    /// The case's name.
    public var name: Located<String>
    /// The request decided.
    public var request: GenerationRequest
    /// What the decision must be.
    public var expect: PolicyTestExpectation
    /// Where the case starts.
    public var location: SourceLocation
}

/// The expected decision of a case; fields left out are not checked.
public struct PolicyTestExpectation: Sendable {
    /// The outcome.
    public var decision: Located<Decision.Outcome>
    /// The tier that must apply.
    public var tier: Located<String>?
    /// The ids of the denying violations, in any order.
    public var violations: Located<[String]>?
    /// The roles of the missing approvals, in any order.
    public var missingApprovals: Located<[String]>?
}
