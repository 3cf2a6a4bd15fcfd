import CharterCore
import CharterPlan
import CharterPolicy
import CharterRegistry
import CharterWorkflow
import Foundation
import Testing

/// A request whose id cannot name its output folder is refused when it is planned: `run` never
/// reaches the engine, so no budget is reserved for a run that would fail at publish.
@Suite("the request id names the output folder")
struct RunIDTests {
    static let policy = """
        charter: 1
        kind: policy
        name: p
        version: 1.0.0
        purposes: [model-prototyping]
        tiers:
          - name: any
            when: true
            controls: {}

        """

    static func request(id: String) -> String {
        """
        charter: 1
        kind: generation-request
        id: \(id)
        requester: alice@hospital.example
        purpose: model-prototyping
        audience: internal
        source:
          dataset: d
          path: d.csv
          classification: internal
        generator:
          type: dp-copula
          epsilon: 1.0
          delta: 1.0e-6
        output:
          rows: 10

        """
    }

    @Test("a 300-character id is unreadable input, before any plan or reservation")
    func longIDIsRefused() throws {
        let store = InMemoryInputStore([
            "policies/p.yaml": Array(Self.policy.utf8),
            "r.yaml": Array(Self.request(id: String(repeating: "x", count: 300)).utf8),
        ])
        let outcome = Planning.plan(
            requestFile: "r.yaml", policyPath: "policies", registry: RegistryLocation(path: "/nonexistent/registry.sqlite", isNamed: true),
            instant: try #require(ActingInstant(parsing: "2026-11-23")), store: store)
        guard case .failed(let diagnostics, _) = outcome else {
            Issue.record("planned a request whose id cannot name a folder: \(outcome)")
            return
        }
        #expect(diagnostics.map(\.code) == [.requestInvalidID])
    }

    @Test("--out moves the plan's out/ folder, and leaves a request's own output path")
    func relocation() {
        let planned = PublishStage(
            directory: "out/REQ-1", synthetic: "out/REQ-1/synthetic.csv", certificate: "out/REQ-1/certificate.json",
            reportJSON: "out/REQ-1/report.json", reportHTML: "out/REQ-1/report.html")
        let moved = planned.relocated(to: "/srv/charter/published/")
        #expect(moved.directory == "/srv/charter/published/REQ-1")
        #expect(moved.certificate == "/srv/charter/published/REQ-1/certificate.json")
        #expect(moved.reportHTML == "/srv/charter/published/REQ-1/report.html")
        let own = PublishStage(
            directory: "exports", synthetic: "exports/s.csv", certificate: "exports/certificate.json",
            reportJSON: "exports/report.json", reportHTML: "exports/report.html")
        #expect(own.relocated(to: "elsewhere") == own)
    }
}
