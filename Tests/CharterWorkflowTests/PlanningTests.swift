import CharterCore
import CharterPlan
import CharterPolicy
import CharterWorkflow
import Testing

/// `plan` and the checks of `apply` as library calls, on files handed in as bytes.
@Suite("planning and applying")
struct PlanningTests {
    func plan(_ store: InMemoryInputStore, request: String = "requests/r.yaml") -> PlanOutcome {
        Planning.plan(
            requestFile: request, policyPath: "policies", registry: WorkflowFixture.noRegistry,
            instant: WorkflowFixture.instant, store: store)
    }

    func apply(_ store: InMemoryInputStore, _ plan: Plan) throws -> ApplyCheck {
        Applying.check(
            planBytes: Array(try plan.json.pretty().utf8), requestFile: nil, policyPath: nil,
            registry: WorkflowFixture.noRegistry, instant: WorkflowFixture.instant, store: store,
            planFile: "plan.json")
    }

    @Test("the same inputs give the same plan, byte for byte, ready when nothing is missing")
    func deterministic() throws {
        let store = WorkflowFixture.store()
        guard case .planned(let first, let inputs) = plan(store), case .planned(let second, _) = plan(store) else {
            Issue.record("no plan")
            return
        }
        #expect(try first.json.pretty() == second.json.pretty())
        #expect(first.isReady)
        #expect(first.files == PlanFiles(request: "requests/r.yaml", policy: "policies"))
        #expect(inputs.notes == ["no registry at \"\(WorkflowFixture.noRegistry.path)\": planned against the empty ledger"])
    }

    @Test("a denied request makes no plan; an unreadable one is a located failure")
    func deniedAndUnreadable() {
        guard case .denied(let decision, _) = plan(WorkflowFixture.store(requests: ["requests/r.yaml": WorkflowFixture.request(purpose: "marketing")]))
        else {
            Issue.record("planned a request for a purpose the policy does not allow")
            return
        }
        #expect(decision.outcome == .deny)
        guard case .failed(let diagnostics, _) = plan(WorkflowFixture.store(), request: "requests/none.yaml") else {
            Issue.record("planned a request that is not there")
            return
        }
        #expect(diagnostics.first?.location == .file("requests/none.yaml"))
    }

    @Test("apply: unchanged inputs are ready; an edited request or policy is drift, named; junk is not a plan")
    func applyChecks() throws {
        var store = WorkflowFixture.store()
        guard case .planned(let made, _) = plan(store) else {
            Issue.record("no plan")
            return
        }
        guard case .ready(let ready, _) = try apply(store, made) else {
            Issue.record("a fresh plan is not ready")
            return
        }
        #expect(ready.digest == made.digest)

        store["requests/r.yaml"] = Array(WorkflowFixture.request(purpose: "software-testing").utf8)
        guard case .drifted(_, let drift) = try apply(store, made) else {
            Issue.record("applied a plan whose request changed")
            return
        }
        #expect(drift.messages.contains { $0.contains("request") })

        store = WorkflowFixture.store()
        store["policies/clinic.yaml"] = Array((WorkflowFixture.policy + "description: edited\n").utf8)
        guard case .drifted(_, let policyDrift) = try apply(store, made) else {
            Issue.record("applied a plan whose policy changed")
            return
        }
        #expect(policyDrift.messages.contains { $0.contains("polic") })

        let junk = Applying.check(
            planBytes: Array("{\"not\": \"a plan\"}".utf8), requestFile: nil, policyPath: nil,
            registry: WorkflowFixture.noRegistry, instant: WorkflowFixture.instant, store: store,
            planFile: "plan.json")
        guard case .unreadablePlan(let message) = junk else {
            Issue.record("took junk for a plan")
            return
        }
        #expect(message.hasPrefix("\"plan.json\" is not a plan"))
    }

    @Test("apply: a plan made before its approval is pending until the approval is bound to its digest")
    func pendingThenReady() throws {
        var store = WorkflowFixture.store(requests: [
            "requests/r.yaml": WorkflowFixture.request(classification: "phi", generator: "dp-copula", epsilon: "1.0")
        ])
        guard case .planned(let made, _) = plan(store) else {
            Issue.record("no plan")
            return
        }
        #expect(!made.isReady)
        guard case .pending = try apply(store, made) else {
            Issue.record("a plan without its approval is not pending")
            return
        }
        // Binding the approval to the plan's digest leaves the digest as it is (it omits approvals).
        store["requests/r.yaml"] = Array(
            WorkflowFixture.request(
                classification: "phi", generator: "dp-copula", epsilon: "1.0",
                approval: "  - role: data_steward\n    by: carol@hospital.example\n    at: 2026-11-20\n    plan: \(made.digest)\n"
            ).utf8)
        guard case .ready = try apply(store, made) else {
            Issue.record("the bound approval did not make the plan ready: \(try apply(store, made))")
            return
        }
    }
}
