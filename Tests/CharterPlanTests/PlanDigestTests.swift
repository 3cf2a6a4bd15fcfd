import CharterCore
import CharterPlan
import CharterPolicy
import Foundation
import Testing

/// Same inputs, same bytes; any changed input shows as drift.
@Suite("Plan digests and drift")
struct PlanDigestTests {
    static func plan(_ text: String = PlanFixture.requestText(), ledger: LedgerState? = nil) throws -> Plan {
        try PlanFixture.compile(try PlanFixture.request(text: text), ledger: ledger)
    }

    @Test(
        "the same inputs give the same bytes, whatever the request's formatting",
        arguments: PlanFixture.exampleRequests.filter { !$0.contains("denied-") })
    func deterministic(_ path: String) throws {
        let a = try PlanFixture.compile(try PlanFixture.request(path))
        let b = try PlanFixture.compile(try PlanFixture.request(path))
        #expect(try a.json.canonical() == b.json.canonical())
        #expect(try a.json.pretty() == b.json.pretty())
        #expect(PlanTextRenderer.render(a) == PlanTextRenderer.render(b))
        #expect(PlanMermaidRenderer.render(a) == PlanMermaidRenderer.render(b))
        // Comments, key order and flow style do not change the request digest.
        let text = String(decoding: try PlanFixture.bytes(path), as: UTF8.self)
        let reformatted = "# a comment\n" + text.replacingOccurrences(of: "consumers: [", with: "consumers:   [")
        let c = try PlanFixture.compile(try PlanFixture.request(text: reformatted, file: "elsewhere.yaml"))
        #expect(c.digest == a.digest)
    }

    @Test("the plan's JSON reads back to the same plan, and its digest checks")
    func roundTrip() throws {
        var plan = try Self.plan(ledger: PlanFixture.ledger(spent: Decimal(string: "7.5")!))
        plan.files = PlanFiles(request: "r.yaml", policy: "policies")
        let text = try plan.json.pretty()
        let read = try Plan(jsonText: text)
        #expect(read == plan)
        #expect(read.isIntact)
        #expect(try read.json.pretty() == text)
        let canonical = try Plan(jsonText: try plan.json.canonical())
        #expect(canonical == plan)
    }

    @Test("the digest leaves out approvals and files, and covers everything else")
    func digestCoverage() throws {
        var plan = try Self.plan()
        let digest = plan.digest
        plan.approvals = .ready
        plan.files = PlanFiles(request: "x", policy: "y")
        #expect(plan.computedDigest == digest && plan.isIntact)
        var edited = plan
        edited.warnings.removeAll()
        #expect(!edited.isIntact)
        edited = plan
        edited.inputs.ledger = "sha256:" + String(repeating: "0", count: 64)
        #expect(!edited.isIntact)
        edited = plan
        if case .generate(var generate) = edited.stages[2] {
            generate.epsilon = 5
            edited.stages[2] = .generate(generate)
        }
        #expect(!edited.isIntact)
        #expect(PlanDrift(plan: edited, current: plan.inputs).planEdited)
    }

    @Test("drift: each input that changed is named, with both digests")
    func drift() throws {
        let plan = try Self.plan(ledger: PlanFixture.ledger(spent: 1))
        let same = PlanDrift(plan: plan, current: plan.inputs)
        #expect(same.isEmpty && same.messages.isEmpty)

        // The request: any edit but its approvals.
        let edited = try PlanFixture.request(text: PlanFixture.requestText(epsilon: "0.9"))
        var current = plan.inputs
        current.request = InputDigests.request(edited)
        #expect(PlanDrift(plan: plan, current: current).changes.map(\.input) == [.request])
        let approved = try PlanFixture.request(
            text: PlanFixture.requestText(
                approvals: "[{ role: data_steward, by: carol@hospital.example, at: 2026-11-20 }]"))
        #expect(InputDigests.request(approved) == plan.inputs.request)

        // The policy set.
        current = plan.inputs
        current.policy = InputDigests.policySet([("health-synthetic.yaml", Array("changed".utf8))])
        let policyDrift = PlanDrift(plan: plan, current: current)
        #expect(policyDrift.changes == [.init(input: .policy, planned: plan.inputs.policy, current: current.policy)])
        #expect(
            policyDrift.messages == [
                "the policy set changed since the plan was made: \(plan.inputs.policy) → \(current.policy)"
            ])

        // The ledger: another committed event.
        current = plan.inputs
        current.ledger = PlanFixture.ledger(spent: 2, events: 2).digest
        #expect(PlanDrift(plan: plan, current: current).changes.map(\.input) == [.ledger])
        #expect(PlanFixture.ledger(spent: 1).digest == plan.inputs.ledger)

        // The source: a pinned digest that changed, or a file now gone.
        let pinned = try PlanFixture.compile(
            try PlanFixture.request(text: PlanFixture.requestText()),
            sourceDigest: "sha256:" + String(repeating: "d", count: 64))
        current = pinned.inputs
        current.source = "sha256:" + String(repeating: "e", count: 64)
        #expect(PlanDrift(plan: pinned, current: current).changes.map(\.input) == [.source])
        current.source = nil
        #expect(
            PlanDrift(plan: pinned, current: current).changes == [
                .init(input: .source, planned: pinned.inputs.source, current: nil)
            ])
        // A plan that pinned no source has nothing to compare.
        current = plan.inputs
        current.source = "sha256:" + String(repeating: "e", count: 64)
        #expect(PlanDrift(plan: plan, current: current).isEmpty)

        // Everything at once, in input order.
        let all = PlanDigests(
            policy: "sha256:" + String(repeating: "1", count: 64),
            request: "sha256:" + String(repeating: "2", count: 64),
            source: "sha256:" + String(repeating: "3", count: 64), ledger: "sha256:" + String(repeating: "4", count: 64)
        )
        #expect(PlanDrift(plan: pinned, current: all).changes.map(\.input) == [.policy, .request, .source, .ledger])
    }

    @Test("the policy-set digest: order-free, every byte and every path counts")
    func policySetDigest() {
        let a = InputDigests.policySet([("a.yaml", [1, 2]), ("b.yaml", [3])])
        #expect(a == InputDigests.policySet([("b.yaml", [3]), ("a.yaml", [1, 2])]))
        #expect(a != InputDigests.policySet([("a.yaml", [1, 2]), ("b.yaml", [4])]))
        #expect(a != InputDigests.policySet([("a.yaml", [1, 2]), ("c.yaml", [3])]))
        #expect(a != InputDigests.policySet([("a.yaml", [1, 2])]))
        #expect(a.hasPrefix("sha256:") && a.count == 71)
    }

    @Test("the ledger digest changes with the cap, the spend, and each event's state")
    func ledgerDigest() {
        let base = PlanFixture.ledger(spent: 1)
        var changed = base
        changed.capEpsilon = 9
        #expect(changed.digest != base.digest)
        changed = base
        changed.events[0].state = "released"
        #expect(changed.digest != base.digest)
        changed = base
        changed.spentDelta = 0
        #expect(changed.digest != base.digest)
        #expect(LedgerState.unregistered(source: "x").digest != LedgerState.unregistered(source: "y").digest)
    }
}

/// The request digest lists every field by hand; a field added to the request model must be added
/// to it too, or editing that field would not count as drift.
@Suite("Request digest coverage")
struct RequestDigestCoverageTests {
    static func labels(_ value: Any) -> Set<String> { Set(Mirror(reflecting: value).children.compactMap(\.label)) }

    @Test("every stored field of the request model is digested (approvals and locations excepted)")
    func everyField() throws {
        let text = PlanFixture.requestText().replacingOccurrences(
            of: "  exclude: []\n", with: "  exclude: []\n  columns:\n    age: { type: integer, min: 18, max: 90 }\n"
        ).replacingOccurrences(of: "output:\n", with: "output:\n  class_mix: { 1: 0.5 }\n")
        let request = try PlanFixture.request(text: text)
        let content = InputDigests.requestContent(request)
        func keys(_ value: JSONValue?) -> Set<String> { Set(value?.objectValue?.keys.map { $0 } ?? []) }
        func snake(_ label: String) -> String {
            let special = [
                "highRiskAI": "high_risk_ai", "expiresAt": "expires_at", "quasiIdentifiers": "quasi_identifiers",
                "privacyUnit": "privacy_unit", "minimum": "minimum", "maximum": "maximum", "classMix": "class_mix",
            ]
            return special[label] ?? label
        }
        let ignored: Set<String> = ["location", "approvals", "approvalsLocation"]
        #expect(Set(Self.labels(request).subtracting(ignored).map(snake)) == keys(content))
        #expect(Set(Self.labels(request.source).subtracting(ignored).map(snake)) == keys(content["source"]))
        #expect(Set(Self.labels(request.generator).subtracting(ignored).map(snake)) == keys(content["generator"]))
        #expect(Set(Self.labels(request.output).subtracting(ignored).map(snake)) == keys(content["output"]))
        let column = try #require(request.source.columns.first)
        #expect(Set(Self.labels(column).subtracting(ignored).map(snake)) == keys(content["source"]?["columns"]?[0]))
    }
}
