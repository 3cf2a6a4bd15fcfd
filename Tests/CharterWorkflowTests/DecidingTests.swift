import CharterCore
import CharterPolicy
import CharterRegistry
import CharterWorkflow
import Testing

/// `check` and `explain` as a library call, on files handed in as bytes.
@Suite("deciding requests")
struct DecidingTests {
    func decide(
        _ store: InMemoryInputStore, requests: [String] = ["requests"], registry: RegistryLocation = WorkflowFixture.noRegistry,
        tracing: Bool = false
    ) -> Deciding {
        Deciding(
            requests: requests, policyPath: "policies", instant: WorkflowFixture.instant, planDigest: nil,
            tracing: tracing, registry: registry, store: store)
    }

    @Test("allow, deny and pending, each request with its file, and the status of the worst")
    func outcomes() {
        let store = WorkflowFixture.store(requests: [
            "requests/a-allowed.yaml": WorkflowFixture.request(),
            "requests/b-denied.yaml": WorkflowFixture.request(purpose: "marketing"),
            "requests/c-pending.yaml": WorkflowFixture.request(
                classification: "phi", generator: "dp-copula", epsilon: "1.0"),
        ])
        let decided = decide(store)
        #expect(decided.failure == nil)
        #expect(decided.files == ["requests/a-allowed.yaml", "requests/b-denied.yaml", "requests/c-pending.yaml"])
        #expect(decided.results.flatMap(\.decisions).map(\.outcome) == [.allow, .deny, .pending])
        #expect(decided.status == .denied)
        #expect(decide(store, requests: ["requests/c-pending.yaml"]).status == .pending)
        #expect(decide(store, requests: ["requests/a-allowed.yaml"]).status == .clean)
        let json = decided.json["decisions"]?.arrayValue ?? []
        #expect(json.map { $0["file"]?.stringValue } == decided.files)
    }

    @Test("without a ledger the decision says the budget was not checked")
    func noLedger() throws {
        let decided = decide(WorkflowFixture.store())
        let decision = try #require(decided.results.first?.decisions.first)
        #expect(decision.notes.contains(DecisionEvaluator.budgetNote))
    }

    @Test("a named registry that does not exist is unreadable input, never a silent 'not checked'")
    func namedRegistryMissing() {
        let decided = decide(
            WorkflowFixture.store(),
            registry: RegistryLocation(path: "/nonexistent/charter/registry.sqlite", isNamed: true))
        #expect(decided.status == .unreadable)
        #expect(decided.failure?.first?.location == .file("/nonexistent/charter/registry.sqlite"))
        #expect(decided.results.isEmpty)
    }

    @Test("no policy, a broken request and a missing path are unreadable input with located diagnostics")
    func badInput() {
        var store = WorkflowFixture.store(requests: ["requests/broken.yaml": "charter: 1\nkind: generation-request\nid: [\n"])
        let broken = decide(store)
        #expect(broken.status == .unreadable)
        #expect(broken.diagnostics(includingDecisions: false).first?.location?.file == "requests/broken.yaml")
        #expect(decide(store, requests: ["missing.yaml"]).status == .unreadable)
        store["policies/clinic.yaml"] = nil
        let noPolicy = decide(store)
        #expect(noPolicy.failure?.map(\.code) == [.unreadableInput])
        #expect(noPolicy.status == .unreadable)
    }

    @Test("explain records every condition's values; check records only whether each held")
    func tracing() throws {
        let store = WorkflowFixture.store()
        let explained = try #require(decide(store, tracing: true).results.first?.decisions.first)
        let checked = try #require(decide(store).results.first?.decisions.first)
        #expect(explained.trace.contains { !$0.steps.isEmpty })
        #expect(checked.trace.allSatisfy { $0.steps.isEmpty })
    }
}
