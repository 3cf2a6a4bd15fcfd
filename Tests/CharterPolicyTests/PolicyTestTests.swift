import CharterCore
import Foundation
import Testing

@testable import CharterPolicy

/// Policy tests (`kind: policy-test`): loading, running against the reference policy, coverage.
@Suite("policy tests")
struct PolicyTestTests {
    static let root = DecisionTests.root
    static let examples = root.appendingPathComponent("examples/requests").path
    static let now = DecisionTests.now

    static func load(_ text: String, file: String = "/virtual/t.test.yaml") -> (
        suites: [PolicyTestSuite], diagnostics: [Diagnostic]
    ) {
        PolicyTestLoader { path in try? [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) }
            .load(file: file, bytes: Array(text.utf8))
    }

    static func suite(_ cases: String) throws -> PolicyTestSuite {
        let loaded = load("charter: 1\nkind: policy-test\nnow: 2026-11-23\ncases:\n" + cases)
        #expect(loaded.diagnostics.filter { $0.severity == .error }.isEmpty, "\(loaded.diagnostics)")
        return try #require(loaded.suites.first)
    }

    static func run(_ cases: String) throws -> (runner: PolicyTestRunner, results: [PolicyTestResult]) {
        let runner = PolicyTestRunner(policy: try DecisionTests.referencePolicy())
        return (runner, runner.run(try suite(cases), defaultNow: now))
    }

    @Test("a case that matches its decision passes")
    func passing() throws {
        let (_, results) = try Self.run(
            """
              - name: allowed
                request: \(Self.examples)/allowed-gbsg2-prototyping.yaml
                expect: { decision: allow, tier: medium, violations: [], missing_approvals: [] }
            """)
        #expect(results.count == 1)
        #expect(results[0].passed)
        #expect(results[0].decision.outcome == .allow)
    }

    @Test("a failing case shows expected against actual for every field that differs")
    func failing() throws {
        let (_, results) = try Self.run(
            """
              - name: wrong on purpose
                request: \(Self.examples)/denied-gbsg2-epsilon-over-cap.yaml
                expect: { decision: allow, tier: low, violations: [], missing_approvals: [legal] }
            """)
        let result = try #require(results.first)
        #expect(!result.passed)
        #expect(
            result.mismatches.map { "\($0.field): \($0.expected) | \($0.actual)" } == [
                "decision: allow | deny", "tier: low | high", "violations: [] | [differential_privacy.epsilon_max]",
                "missing_approvals: [legal] | []",
            ])
        #expect(result.failureMessage.contains("decision: expected allow, got deny"))
        #expect(result.mismatches[0].location.line == 7)
    }

    @Test("overrides change the request's YAML before it is loaded; inline requests load in place")
    func overridesAndInline() throws {
        let suite = try Self.suite(
            """
              - name: tiny
                request: \(Self.examples)/allowed-gbsg2-prototyping.yaml
                overrides: { source.rows: 150, high_risk_ai: true, generator.seed: 7 }
                expect: { decision: deny }
              - name: inline
                request:
                  id: R-1
                  requester: alice@hospital.example
                  purpose: analytics
                  audience: internal
                  jurisdiction: EU
                  source: { dataset: d, path: d.csv, classification: internal, rows: 5000, jurisdiction: EU }
                  generator: { type: gaussian-copula }
                  output: { rows: 10 }
                  expires_at: 2027-01-01
                expect: { decision: pending, tier: low, missing_approvals: [data_steward] }
            """)
        let tiny = suite.cases[0].request
        #expect(tiny.source.rows?.value == 150)
        #expect(tiny.highRiskAI?.value == true)
        // The overridden value is located in the test file, the rest in the request file.
        #expect(tiny.source.rows?.location.file == "/virtual/t.test.yaml")
        #expect(tiny.id.location.file.hasSuffix("allowed-gbsg2-prototyping.yaml"))
        #expect(suite.cases[1].request.id.value == "R-1")
        #expect(suite.cases[1].request.id.location.line == 11)
        let results = PolicyTestRunner(policy: try DecisionTests.referencePolicy()).run(suite, defaultNow: Self.now)
        let failures = results.filter { !$0.passed }.map(\.failureMessage)
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test("malformed test files get located diagnostics")
    func diagnostics() {
        func codes(_ text: String) -> [String] {
            Self.load("charter: 1\nkind: policy-test\n" + text).diagnostics.filter { $0.severity == .error }
                .map { "\($0.code.id)@\($0.location?.line ?? 0)" }
        }
        #expect(codes("cases: []\n") == ["CH253@3"])
        #expect(codes("cases: {}\n").count == 1)
        #expect(codes("polcy: x\ncases:\n  - name: a\n    request: {}\n    expect: { decision: allow }\n").contains { $0.hasSuffix("@3") })
        #expect(
            codes("cases:\n  - name: a\n    request: /no/such.yaml\n    expect: { decision: allow }\n") == ["CH250@5"])
        #expect(
            codes("cases:\n  - name: a\n    request: \(Self.examples)/allowed-gbsg2-prototyping.yaml\n    overrides: { source.nope.x: 1 }\n    expect: { decision: allow }\n")
                == ["CH252@6"])
        #expect(codes("cases:\n  - name: a\n    request: { id: x }\n    expect: { decision: allow }\n").first == "CH251@5")
        #expect(codes("cases:\n  - name: a\n    request: { id: x }\n    expect: { decision: maybe }\n").contains("CH118@6"))
        #expect(codes("cases:\n  - name: a\n    request: { id: x }\n    expect: { tier: low }\n").contains { $0.hasSuffix("@6") })
        let twice = "  - name: a\n    request: \(Self.examples)/allowed-gbsg2-prototyping.yaml\n    expect: { decision: allow }\n"
        #expect(codes("cases:\n" + twice + twice) == ["CH253@7"])
        #expect(codes("now: soon\ncases: []\n").count == 2)
        #expect(Self.load("charter: 1\nkind: policy\n").diagnostics.contains { $0.message.contains("expected a policy-test") })
        #expect(Self.load("cases: [oops\n").diagnostics.count == 1)
    }

    @Test("coverage is exact fractions of tiers, rules and condition branches")
    func coverage() throws {
        let (runner, results) = try Self.run(
            """
              - name: allowed
                request: \(Self.examples)/allowed-gbsg2-prototyping.yaml
                expect: { decision: allow }
            """)
        let coverage = runner.coverage(of: results)
        #expect(coverage.tiers == CoverageFraction(1, 3))
        #expect(coverage.unselectedTiers == ["high", "low"])
        #expect(coverage.rules == CoverageFraction(1, 7))
        #expect(coverage.unfiredRules.contains("tiny-source") && !coverage.unfiredRules.contains("small-source"))
        let branches = Dictionary(uniqueKeysWithValues: coverage.conditions.map { ($0.subject, $0.branches) })
        // high: three operands of `or`, each seen false only.
        #expect(branches["tier high"] == CoverageFraction(3, 6))
        #expect(branches["tier medium"] == CoverageFraction(1, 2))
        #expect(branches["tier low"] == CoverageFraction(0, 2))
        // `a and b` with a true and b false.
        #expect(branches["rule identifiable-source-declares-quasi-identifiers"] == CoverageFraction(2, 4))
        #expect(!CoverageFraction(1, 3).meets(1) && CoverageFraction(3, 3).meets(1) && CoverageFraction(1, 2).meets(0.5))
        #expect(CoverageFraction(2, 3).description == "2/3")
    }

    @Test("the reference tests in policies/tests pass with every tier and rule covered")
    func referenceSuite() throws {
        let file = Self.root.appendingPathComponent("policies/tests/health-synthetic.test.yaml").path
        let loaded = Self.load(try String(contentsOfFile: file, encoding: .utf8), file: file)
        #expect(loaded.diagnostics.filter { $0.severity == .error }.isEmpty, "\(loaded.diagnostics)")
        let runner = PolicyTestRunner(policy: try DecisionTests.referencePolicy())
        let results = loaded.suites.flatMap { runner.run($0, defaultNow: Self.now) }
        #expect(results.count >= 15)
        let failures = results.filter { !$0.passed }.map { $0.name + ": " + $0.failureMessage }
        #expect(failures.isEmpty, "\(failures)")
        let coverage = runner.coverage(of: results)
        #expect(coverage.tiers == CoverageFraction(3, 3))
        #expect(coverage.rules == CoverageFraction(7, 7))
    }
}
