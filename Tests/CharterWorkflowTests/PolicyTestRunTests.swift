import CharterCore
import CharterTestSupport
import CharterWorkflow
import Foundation
import Testing

/// `test` as a library call: policy tests read from an in-memory store, no process started.
@Suite("policy tests run through the workflow")
struct PolicyTestRunTests {
    /// The reference policies, their tests and the example requests, read from the repository
    /// into memory at the same relative paths.
    static let repository: InMemoryInputStore = {
        let root = Fixtures.packageRoot
        var store = InMemoryInputStore()
        for folder in ["policies", "examples/requests"] {
            let files = FileSystemInputStore().files(under: root.appendingPathComponent(folder).path) ?? []
            for file in files {
                store[folder + "/" + file] = FileSystemInputStore().contents(
                    of: root.appendingPathComponent(folder).appendingPathComponent(file).path)
            }
        }
        return store
    }()

    static let date = CalendarDate(iso: "2026-11-23")!

    /// The repository with one more test file, `t/t.test.yaml`, against the reference policy.
    static func withTest(_ text: String) -> InMemoryInputStore {
        var store = repository
        store["t/t.test.yaml"] = Array(text.utf8)
        return store
    }

    static let failing = """
        charter: 1
        kind: policy-test
        policy: ../policies
        cases:
          - name: epsilon over cap, expected allowed
            request: ../examples/requests/denied-gbsg2-epsilon-over-cap.yaml
            expect: { decision: allow, tier: high }
          - name: allowed
            request: ../examples/requests/allowed-gbsg2-prototyping.yaml
            expect: { decision: allow, tier: medium }

        """

    @Test("the reference tests pass with every tier and rule covered")
    func reference() throws {
        let run = PolicyTestRun(path: "policies", defaultNow: Self.date, in: Self.repository)
        #expect(run.diagnostics.isEmpty, "\(run.diagnostics)")
        #expect(run.files == ["policies/tests/health-synthetic.test.yaml"])
        #expect(!run.results.isEmpty && run.failed.isEmpty)
        let covered = try #require(run.coverages.first)
        #expect(covered.policy.hasSuffix("(policies/tests/..)"))
        #expect(covered.coverage.tiers.description == "3/3" && covered.coverage.rules.description == "7/7")
        #expect(run.meetsCoverage(1) && run.meetsCoverage(nil))
        let json = run.json(minimum: 1)
        #expect(json["failed"] == .integer(0))
        #expect(json["coverage"]?.arrayValue?.first?["meets_minimum"] == .bool(true))
        #expect(json["coverage"]?.arrayValue?.first?["tiers"]?["fraction"] == "3/3")
        let junit = run.junit()
        #expect(junit.contains("<testsuite name=\"policies/tests/health-synthetic.test.yaml\""))
        #expect(junit.components(separatedBy: "<testcase ").count == run.results.count + 1)
    }

    @Test("a failing case is a result with its mismatches, not a diagnostic")
    func failingCase() throws {
        let run = PolicyTestRun(path: "t", defaultNow: Self.date, in: Self.withTest(Self.failing))
        #expect(run.diagnostics.isEmpty, "\(run.diagnostics)")
        #expect(run.results.map(\.passed) == [false, true])
        let mismatch = try #require(run.failed.first?.mismatches.first { $0.field == "decision" })
        #expect(mismatch.expected == "allow" && mismatch.actual == "deny")
        #expect(run.json(minimum: nil)["failed"] == .integer(1))
        #expect(run.json(minimum: nil)["coverage"]?.arrayValue?.first?["meets_minimum"] == .null)
        #expect(run.junit().contains("<failure type=\"\(DiagnosticCode.policyTestFailed.id)\""))
    }

    @Test("coverage is per policy and compared with the minimum exactly")
    func coverage() throws {
        let text = """
            charter: 1
            kind: policy-test
            policy: ../policies
            cases:
              - name: allowed
                request: ../examples/requests/allowed-gbsg2-prototyping.yaml
                expect: { decision: allow }

            """
        let run = PolicyTestRun(path: "t", defaultNow: Self.date, in: Self.withTest(text))
        #expect(run.failed.isEmpty)
        let coverage = try #require(run.coverages.first?.coverage)
        #expect(coverage.tiers.description == "1/3")
        #expect(coverage.unselectedTiers == ["high", "low"])
        #expect(run.meetsCoverage(nil))
        #expect(!run.meetsCoverage(1))
        #expect(run.meetsCoverage(Decimal(string: "0.14")) && !run.meetsCoverage(Decimal(string: "0.15")))
    }

    @Test("a file without now: is run at the date handed in")
    func defaultDate() throws {
        // The reference test file pins `now: 2026-11-23`; without it the requests' expiry dates
        // decide differently long after that date.
        let source = try #require(Self.repository["policies/tests/health-synthetic.test.yaml"])
        let text = String(decoding: source, as: UTF8.self).replacingOccurrences(of: "now: 2026-11-23\n", with: "")
            .replacingOccurrences(of: "policy: ..\n", with: "policy: ../policies\n")
            .replacingOccurrences(of: "../../examples", with: "../examples")
        let store = Self.withTest(text)
        let pinned = PolicyTestRun(path: "t", defaultNow: Self.date, in: store)
        #expect(pinned.diagnostics.isEmpty, "\(pinned.diagnostics)")
        #expect(pinned.failed.isEmpty)
        let later = PolicyTestRun(path: "t", defaultNow: CalendarDate(iso: "2031-01-01")!, in: store)
        #expect(!later.failed.isEmpty)
    }

    @Test("unreadable, malformed and missing inputs are diagnostics")
    func problems() {
        let missingRequest = PolicyTestRun(
            path: "t", defaultNow: Self.date,
            in: Self.withTest(
                "charter: 1\nkind: policy-test\npolicy: ../policies\ncases:\n  - name: a\n    request: missing.yaml\n"
                    + "    expect: { decision: allow }\n"))
        #expect(missingRequest.diagnostics.map(\.code.id) == ["CH250"])
        #expect(missingRequest.diagnostics.first?.location?.line == 6)

        let broken = PolicyTestRun(
            path: "t", defaultNow: Self.date, in: Self.withTest("charter: 1\nkind: policy-test\ncases: [oops\n"))
        #expect(broken.diagnostics.first?.location?.file == "t/t.test.yaml")
        #expect(broken.sources["t/t.test.yaml"] != nil)

        let nowhere = PolicyTestRun(path: "no/such/dir", defaultNow: Self.date, in: Self.repository)
        #expect(nowhere.diagnostics.map(\.code) == [.unreadableInput])

        let noTests = PolicyTestRun(path: "examples", defaultNow: Self.date, in: Self.repository)
        #expect(noTests.diagnostics.map(\.code) == [.noInputs])
        #expect(noTests.diagnostics.first?.message == "no kind: policy-test files under \"examples\"")

        let noPolicy = PolicyTestRun(
            path: "t", defaultNow: Self.date,
            in: Self.withTest(Self.failing.replacingOccurrences(of: "policy: ../policies", with: "policy: ../nowhere")))
        #expect(!noPolicy.diagnostics.isEmpty)
        #expect(noPolicy.results.isEmpty)
    }
}
