import CharterCore
import Foundation
import Testing

@testable import CharterPolicy

/// The budget check against a composed budget (``SourceBudget/Composed``): the run judged by the
/// spend the ledger would hold after reserving it, whatever the remainders of ``SourceBudget/Standing``
/// say; the violation at the request's ε or δ with the policy's cap as the policy node; the same
/// on both decision paths.
@Suite("composed budget decisions")
struct ComposedBudgetDecisionTests {
    static func number(_ text: String) -> Decimal { Decimal.exact(text) ?? -1 }

    /// A registered source whose remainders would deny any δ (RDP conversion holds the whole δ
    /// cap), with the given composed spend.
    static func budget(_ composed: SourceBudget.Composed, registered: Bool = true) -> SourceBudget {
        SourceBudget(
            ledger: "reg.sqlite", source: "gbsg2",
            standing: registered
                ? .registered(
                    capEpsilon: 10, capDelta: number("0.00001"), remainingEpsilon: number("6.8"), remainingDelta: 0)
                : .unregistered,
            composed: composed)
    }

    static func composed(
        before: String?, after: String?, afterDelta: String = "0.00001", beforeMethod: SourceBudget.Method,
        afterMethod: SourceBudget.Method, cost: String? = "ε=1.0 δ=0.000001", largestEpsilon: String? = nil,
        largestDelta: String? = nil
    ) -> SourceBudget.Composed {
        SourceBudget.Composed(
            capEpsilon: 10, capDelta: number("0.00001"),
            before: SourceBudget.Spend(epsilon: before.map(number), delta: number("0.00001")),
            beforeMethod: beforeMethod, cost: cost,
            after: SourceBudget.Spend(epsilon: after.map(number), delta: number(afterDelta)), afterMethod: afterMethod,
            largestEpsilon: largestEpsilon.map(number), largestDelta: largestDelta.map(number))
    }

    static let renyiBefore = SourceBudget.Method.renyi(order: 14, conversionDelta: number("0.00001"))
    static let renyiAfter = SourceBudget.Method.renyi(order: 13.5, conversionDelta: number("0.000009"))

    @Test("a run the composed spend fits is allowed though the remainders alone would deny its δ")
    func composedAllows() throws {
        let request = try DecisionTests.request(approvals: [DecisionTests.steward])
        let composed = Self.composed(
            before: "3.2", after: "5.9", beforeMethod: Self.renyiBefore, afterMethod: Self.renyiAfter)
        let decision = try BudgetDecisionTests.decide(request, Self.budget(composed))
        #expect(decision.outcome == .allow)
        #expect(decision.violations.isEmpty)
        #expect(
            decision.notes.first
                == "budget of source 'gbsg2' (in the ledger reg.sqlite, composed by RDP): ε 3.2 spent, 6.8 left of ε 10, δ 0.00001 (order 14, converted at δ 0.00001); this request spends ε 1.0, δ 1.0e-6, reserved as ε=1.0 δ=0.000001; after this run: ε 5.9 spent, 4.1 left (order 13.5, converted at δ 0.000009)"
        )
        #expect(decision.diagnostics.contains { $0.code == .decisionBudgetChecked })
        // The same budget without the composed spend: the remainders deny the δ.
        var plain = Self.budget(composed)
        plain.composed = nil
        let old = try BudgetDecisionTests.decide(request, plain)
        #expect(old.violations.map(\.remedy) == ["generator.delta 1.0e-6 → ≤ 0"])
    }

    @Test("an ε over the composed cap is denied at the request's ε, the remedy the largest ε that fits")
    func composedEpsilonOver() throws {
        // Within the medium tier's ε cap of 5.0; over what the ledger leaves once composed.
        let request = try DecisionTests.request(["epsilon": "5.0"], approvals: [DecisionTests.steward])
        let composed = Self.composed(
            before: "6.2", after: "10.45", beforeMethod: Self.renyiBefore, afterMethod: Self.renyiAfter,
            cost: "ε=5.0 δ=0.000001", largestEpsilon: "3.53021", largestDelta: nil)
        let decision = try BudgetDecisionTests.decide(request, Self.budget(composed))
        #expect(decision.outcome == .deny)
        let violation = try #require(decision.violations.first)
        #expect(decision.violations.count == 1)
        #expect(violation.id == "budgets.per_source")
        #expect(violation.code == .decisionBudgetExceeded)
        #expect(violation.enforcement == .hardMandatory)
        #expect(
            violation.message
                == "generator.epsilon 5.0 is more than the 3.8 left of the lifetime budget of source 'gbsg2' (composed by RDP, the run would bring it to ε 10.45 of 10)"
        )
        #expect(violation.remedy == "generator.epsilon 5.0 → ≤ 3.53021")
        #expect(violation.requestLocation.line == 19)
        #expect(violation.policyLocation?.line == 77)
        #expect(decision.notes.first?.contains("after this run") == false)
        // Without a worked-out largest ε the remedy is what is left.
        var unbounded = composed
        unbounded.largestEpsilon = nil
        let fallback = try BudgetDecisionTests.decide(request, Self.budget(unbounded))
        #expect(fallback.violations.map(\.remedy) == ["generator.epsilon 5.0 → ≤ 3.8"])
    }

    @Test("a δ that leaves no δ to convert the curve at is denied at the request's δ")
    func composedDeltaOver() throws {
        // The whole δ cap (the tier allows it): the (ε, δ) events would leave the curve no δ.
        let request = try DecisionTests.request(["delta": "0.00001"], approvals: [DecisionTests.steward])
        let composed = Self.composed(
            before: "3.2", after: nil, afterDelta: "0.00001", beforeMethod: Self.renyiBefore, afterMethod: .basic,
            cost: "ε=1.0 δ=0.00001", largestEpsilon: nil, largestDelta: "0.00000999999")
        let decision = try BudgetDecisionTests.decide(request, Self.budget(composed))
        #expect(decision.outcome == .deny)
        #expect(decision.violations.count == 1)
        let violation = try #require(decision.violations.first)
        #expect(violation.requestLocation.line == 20)
        #expect(violation.id == "budgets.per_source")
        #expect(violation.remedy == "generator.delta 0.00001 → ≤ 0.00000999999")
        #expect(
            violation.message
                == "generator.delta 0.00001 leaves none of the δ 0.00001 the lifetime budget of source 'gbsg2' has left to convert its Rényi curve at (composed by RDP)"
        )
    }

    @Test("a ledger with no finite ε left denies every run at its ε, and names what is left")
    func composedExhausted() throws {
        let request = try DecisionTests.request(approvals: [DecisionTests.steward])
        let composed = Self.composed(
            before: nil, after: nil, beforeMethod: .basic, afterMethod: .basic, largestEpsilon: nil)
        let decision = try BudgetDecisionTests.decide(request, Self.budget(composed))
        #expect(decision.violations.map(\.remedy) == ["generator.epsilon 1.0 → ≤ 0"])
        #expect(decision.notes.first?.contains("ε 0, δ 0 left") == true)
    }

    @Test("basic composition keeps the note and messages of the remainders")
    func composedBasic() throws {
        let request = try DecisionTests.request(["epsilon": "4.0"], approvals: [DecisionTests.steward])
        let fits = Self.composed(
            before: "2", after: "6.0", afterDelta: "0.000001", beforeMethod: .basic, afterMethod: .basic)
        var fitsBudget = Self.budget(fits)
        fitsBudget.composed?.before.delta = 0
        let allowed = try BudgetDecisionTests.decide(request, fitsBudget)
        #expect(allowed.outcome == .allow)
        #expect(
            allowed.notes.first
                == "budget of source 'gbsg2' (in the ledger reg.sqlite): ε 8, δ 0.00001 left; this request spends ε 4.0, δ 1.0e-6; after this run: ε 4, δ 0.000009"
        )
        let over = Self.composed(
            before: "9.5", after: "13.5", afterDelta: "0.000001", beforeMethod: .basic, afterMethod: .basic,
            largestEpsilon: "0.5")
        var overBudget = Self.budget(over)
        overBudget.composed?.before.delta = 0
        let denied = try BudgetDecisionTests.decide(request, overBudget)
        #expect(
            denied.violations.map(\.message) == [
                "generator.epsilon 4.0 is more than the 0.5 left of the lifetime budget of source 'gbsg2'"
            ])
        #expect(denied.violations.map(\.remedy) == ["generator.epsilon 4.0 → ≤ 0.5"])
    }

    @Test(
        "a run that reserves nothing is never over, and a reserved ε the request does not state is located at the generator"
    )
    func composedNothingOrUnstated() throws {
        var plain = try DecisionTests.request(approvals: [DecisionTests.steward])
        plain.generator.type = Located("gaussian-copula", at: plain.generator.type.location)
        plain.source.classification = Located("internal", at: plain.location)
        let exhausted = Self.composed(before: nil, after: nil, beforeMethod: .basic, afterMethod: .basic, cost: nil)
        let decision = try BudgetDecisionTests.decide(plain, Self.budget(exhausted))
        #expect(!decision.violations.contains { $0.id == "budgets.per_source" })
        #expect(decision.notes.first?.contains("this request reserves nothing (generator 'gaussian-copula')") == true)

        var unstated = try DecisionTests.request(approvals: [DecisionTests.steward])
        unstated.generator.epsilon = nil
        let over = Self.composed(
            before: "10", after: "10", afterDelta: "0.000011", beforeMethod: .basic, afterMethod: .basic,
            cost: "ε=0 δ=0.000001")
        let denied = try BudgetDecisionTests.decide(unstated, Self.budget(over))
        let budgetViolations = denied.violations.filter { $0.id == "budgets.per_source" }
        #expect(budgetViolations.count == 1)
        #expect(budgetViolations.first?.requestLocation.line == 20)
        #expect(budgetViolations.first?.remedy == "generator.delta 1.0e-6 → ≤ 0")
    }

    @Test("an unregistered source under a policy without a cap is not checked, composed or not")
    func composedUnregisteredUnchecked() throws {
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
        let request = try DecisionTests.request(approvals: [DecisionTests.steward])
        let composed = Self.composed(before: "0", after: "1.0", beforeMethod: .none, afterMethod: .basic)
        let decision = try BudgetDecisionTests.decide(request, Self.budget(composed, registered: false), policy: plain)
        #expect(decision.outcome == .allow)
        #expect(
            decision.notes.first
                == "budget not checked: source 'gbsg2' has no budget in the ledger reg.sqlite and policy 'plain' sets none"
        )
    }

    @Test("a policy declaring basic composition is told when the ledger composed by RDP")
    func declaredBasic() throws {
        let text = try String(
            contentsOf: DecisionTests.root.appendingPathComponent("policies/health-synthetic.yaml"), encoding: .utf8)
        #expect(text.contains("composition: rdp"))
        let policy = try DecisionTests.policy(
            text.replacingOccurrences(of: "composition: rdp", with: "composition: basic"))
        let request = try DecisionTests.request(approvals: [DecisionTests.steward])
        let composed = Self.composed(
            before: "3.2", after: "5.9", beforeMethod: Self.renyiBefore, afterMethod: Self.renyiAfter)
        let decision = try BudgetDecisionTests.decide(request, Self.budget(composed), policy: policy)
        #expect(decision.outcome == .allow)
        #expect(
            decision.notes.first?.hasSuffix(
                "; the policy declares composition basic, but the ledger composes zCDP and Rényi events by RDP") == true
        )
        let reference = try BudgetDecisionTests.decide(request, Self.budget(composed))
        #expect(reference.notes.first?.contains("declares composition") == false)
    }
}
