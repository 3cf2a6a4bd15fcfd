import CharterCore
import Foundation
import Testing

@testable import CharterPolicy

/// The source's lifetime budget in decisions: what the ledger says is left, tightened by the
/// policy's cap; over-budget requests denied at the request's value; the same on both paths.
@Suite("budget decisions")
struct BudgetDecisionTests {
    static let now = DecisionTests.now

    static func registered(_ capEpsilon: String, _ capDelta: String, left epsilon: String, _ delta: String)
        -> SourceBudget
    {
        func number(_ text: String) -> Decimal { Decimal.exact(text) ?? -1 }
        return SourceBudget(
            ledger: "reg.sqlite", source: "gbsg2",
            standing: .registered(
                capEpsilon: number(capEpsilon), capDelta: number(capDelta), remainingEpsilon: number(epsilon),
                remainingDelta: number(delta)))
    }

    /// Decides on both paths, checks they agree, and returns the decision.
    static func decide(_ request: GenerationRequest, _ budget: SourceBudget?, policy: Policy? = nil) throws -> Decision {
        let policy = try policy ?? DecisionTests.referencePolicy()
        DecisionProgramTests.expectSame(policy, request, now: now, budget: budget, "budget")
        return DecisionEvaluator(policy: policy).decide(request, now: now, budget: budget)
    }

    @Test("without a ledger the decision says the budget was not checked")
    func noLedger() throws {
        let decision = try Self.decide(try DecisionTests.request(approvals: [DecisionTests.steward]), nil)
        #expect(decision.outcome == .allow)
        #expect(decision.notes.first == "budget not checked: no ledger")
        #expect(decision.diagnostics.contains { $0.code == .decisionBudgetUnchecked })
    }

    @Test("a request within what is left is allowed, with the budget before and after")
    func withinBudget() throws {
        let request = try DecisionTests.request(approvals: [DecisionTests.steward])
        let decision = try Self.decide(request, Self.registered("10.0", "1e-5", left: "9", "0.00001"))
        #expect(decision.outcome == .allow)
        #expect(decision.violations.isEmpty)
        #expect(
            decision.notes.first
                == "budget of source 'gbsg2' (in the ledger reg.sqlite): ε 9, δ 0.00001 left; this request spends ε 1.0, δ 1.0e-6; after this run: ε 8, δ 0.000009"
        )
        #expect(decision.diagnostics.contains { $0.code == .decisionBudgetChecked && $0.severity == .note })
        #expect(!decision.diagnostics.contains { $0.code == .decisionBudgetUnchecked })
        // Exactly what is left still fits.
        let exact = try Self.decide(request, Self.registered("10.0", "1e-5", left: "1.0", "0.000001"))
        #expect(exact.outcome == .allow)
    }

    @Test("ε over what is left is denied at the request's ε, with the policy's cap as the policy node")
    func epsilonOverBudget() throws {
        let request = try DecisionTests.request(approvals: [DecisionTests.steward])
        let decision = try Self.decide(request, Self.registered("10.0", "1e-5", left: "0.5", "0.00001"))
        #expect(decision.outcome == .deny)
        let violation = try #require(decision.violations.first)
        #expect(decision.violations.count == 1)
        #expect(violation.id == "budgets.per_source")
        #expect(violation.code == .decisionBudgetExceeded)
        #expect(violation.enforcement == .hardMandatory)
        #expect(violation.message == "generator.epsilon 1.0 is more than the 0.5 left of the lifetime budget of source 'gbsg2'")
        #expect(violation.remedy == "generator.epsilon 1.0 → ≤ 0.5")
        #expect(violation.requestLocation.file == "r.yaml" && violation.requestLocation.line == 19)
        let policyLocation = try #require(violation.policyLocation)
        #expect(policyLocation.file.hasSuffix("policies/health-synthetic.yaml"))
        #expect(policyLocation.line == 77)
        // SARIF: the request node primary, the policy node related.
        let diagnostic = try #require(decision.diagnostics.first { $0.code == .decisionBudgetExceeded })
        #expect(diagnostic.location == violation.requestLocation)
        #expect(diagnostic.related.map(\.location) == [policyLocation])
        #expect(!(decision.notes.first ?? "").contains("after this run"))
    }

    @Test("δ over what is left is denied; an exhausted budget denies both")
    func deltaOverBudget() throws {
        let request = try DecisionTests.request(approvals: [DecisionTests.steward])
        let delta = try Self.decide(request, Self.registered("10.0", "1e-5", left: "5", "0.0000005"))
        #expect(delta.outcome == .deny)
        #expect(delta.violations.map(\.remedy) == ["generator.delta 1.0e-6 → ≤ 0.0000005"])
        #expect(delta.violations.first?.requestLocation.line == 20)
        let exhausted = try Self.decide(request, Self.registered("10.0", "1e-5", left: "0", "0"))
        #expect(exhausted.violations.map(\.id) == ["budgets.per_source", "budgets.per_source"])
    }

    @Test("a policy cap lower than the ledger's tightens what is left")
    func policyTightens() throws {
        let request = try DecisionTests.request(["epsilon": "4.0"], approvals: [DecisionTests.steward])
        // The ledger: cap 20, 15 left (5 held). The policy's cap 10 leaves 5.
        let fits = try Self.decide(request, Self.registered("20", "1e-5", left: "15", "0.00001"))
        #expect(fits.outcome == .allow)
        #expect(fits.notes.first?.contains("ε 5, δ 0.00001 left") == true)
        // 8 held: the policy leaves 2.
        let over = try Self.decide(request, Self.registered("20", "1e-5", left: "12", "0.00001"))
        #expect(over.violations.map(\.remedy) == ["generator.epsilon 4.0 → ≤ 2"])
    }

    @Test("a source the ledger does not know is checked against the policy's cap, nothing spent")
    func unregistered() throws {
        let budget = SourceBudget(ledger: "reg.sqlite", source: "gbsg2", standing: .unregistered)
        let request = try DecisionTests.request(approvals: [DecisionTests.steward])
        let decision = try Self.decide(request, budget)
        #expect(decision.outcome == .allow)
        #expect(
            decision.notes.first
                == "budget of source 'gbsg2' (not yet in the ledger reg.sqlite, so the policy's cap): ε 10, δ 0.00001 left; this request spends ε 1.0, δ 1.0e-6; after this run: ε 9, δ 0.000009"
        )
        // A policy without budgets: nothing to check against, and the note says so.
        let plain = try DecisionTests.policy(
            """
            charter: 1
            kind: policy
            name: plain
            roles: { data_steward: [carol@hospital.example] }
            purposes: [model-prototyping]
            tiers:
              - name: all
                when: true
            """)
        let unchecked = try Self.decide(request, budget, policy: plain)
        #expect(unchecked.outcome == .allow)
        #expect(
            unchecked.notes.first
                == "budget not checked: source 'gbsg2' has no budget in the ledger reg.sqlite and policy 'plain' sets none")
        #expect(unchecked.diagnostics.contains { $0.code == .decisionBudgetUnchecked })
    }

    @Test("a generator that states no ε or δ spends nothing")
    func nothingSpent() throws {
        let request = try DecisionTests.request(approvals: [DecisionTests.steward])
        var plain = request
        plain.generator.epsilon = nil
        plain.generator.delta = nil
        plain.generator.type = Located("gaussian-copula", at: request.location)
        plain.source.classification = Located("internal", at: request.location)
        let decision = try Self.decide(plain, Self.registered("10.0", "1e-5", left: "0", "0"))
        #expect(!decision.violations.contains { $0.id == "budgets.per_source" })
        #expect(decision.notes.first?.contains("this request spends ε 0, δ 0") == true)
    }
}
