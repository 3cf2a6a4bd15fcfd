import CharterCore
import CharterPlan
import CharterPolicy
import Foundation
import Testing

/// Differential-privacy configuration warnings, found before anything runs.
@Suite("Plan warnings")
struct PlanWarningTests {
    static func plan(_ text: String, ledger: LedgerState? = nil, sourceDigest: String? = nil) throws -> Plan {
        try PlanFixture.compile(try PlanFixture.request(text: text), ledger: ledger, sourceDigest: sourceDigest)
    }

    static func codes(_ plan: Plan) -> [String] { plan.warnings.map(\.code) }

    @Test("δ not below 1/n: 200 000 rows with δ = 1e-5")
    func deltaAboveInverseRows() throws {
        let big = try Self.plan(PlanFixture.requestText(rows: "200000", delta: "1.0e-5"))
        let warning = try #require(big.warnings.first { $0.code == "delta-above-inverse-rows" })
        #expect(warning.severity == .warning)
        #expect(warning.message.contains("0.000005"), "\(warning.message)")
        // 99 999 rows: 1/n is just above δ, no warning.
        let below = try Self.plan(PlanFixture.requestText(rows: "99999", delta: "1.0e-5"))
        #expect(!Self.codes(below).contains("delta-above-inverse-rows"))
        // Exactly 1/n counts (δ·n ≥ 1).
        let exact = try Self.plan(PlanFixture.requestText(rows: "100000", delta: "1.0e-5"))
        #expect(Self.codes(exact).contains("delta-above-inverse-rows"))
    }

    @Test("ε too small for the data size")
    func epsilonInfeasible() throws {
        let small = try Self.plan(PlanFixture.requestText(rows: "300", epsilon: "0.1"))
        let warning = try #require(small.warnings.first { $0.code == "epsilon-infeasible" })
        #expect(warning.message.contains("3.333%"), "\(warning.message)")
        #expect(warning.message.contains("Laplace scale 10"), "\(warning.message)")
        let fine = try Self.plan(PlanFixture.requestText(rows: "686", epsilon: "1.0"))
        #expect(!Self.codes(fine).contains("epsilon-infeasible"))
        // Declared columns split ε: 686 rows at ε 1 over 10 columns is 1.458% per count.
        let columns = (1...10).map { "    c\($0): { type: numeric, min: 0, max: 1 }" }.joined(separator: "\n")
        let split = try Self.plan(
            PlanFixture.requestText().replacingOccurrences(
                of: "  exclude: []\n", with: "  exclude: []\n  columns:\n\(columns)\n"))
        let splitWarning = try #require(split.warnings.first { $0.code == "epsilon-infeasible" }, "\(split.warnings)")
        #expect(splitWarning.message.contains("10 declared columns") && splitWarning.message.contains("1.458%"))
    }

    @Test("budget: remaining, low, exceeded, from the ledger state")
    func budget() throws {
        let fresh = try Self.plan(PlanFixture.requestText())
        #expect(Self.codes(fresh).contains("budget-remaining"))
        let low = try Self.plan(PlanFixture.requestText(), ledger: PlanFixture.ledger(spent: Decimal(string: "7.5")!))
        #expect(low.budget.capSource == "registry")
        #expect(low.budget.remainingEpsilon == Decimal(string: "1.5"))
        #expect(low.warnings.first { $0.code == "budget-low" }?.severity == .warning)
        let over = try Self.plan(PlanFixture.requestText(), ledger: PlanFixture.ledger(spent: Decimal(string: "9.5")!))
        #expect(!over.budget.fits)
        #expect(over.budget.remainingEpsilon == 0)
        let exceeded = try #require(over.warnings.first { $0.code == "budget-exceeded" })
        #expect(exceeded.severity == .error)
        #expect(exceeded.message.contains("ε 0.5 of 10 left"), "\(exceeded.message)")
        #expect(over.warnings.prefix { $0.severity == .error }.contains(exceeded), "errors come first")
        #expect(over.blockingWarnings.map(\.code) == ["domains-undeclared", "budget-exceeded"])
        // δ alone can exceed too.
        var deltaFull = PlanFixture.ledger(spent: 0)
        deltaFull.spentDelta = Decimal(string: "0.0000095")!
        let deltaOver = try Self.plan(PlanFixture.requestText(), ledger: deltaFull)
        #expect(!deltaOver.budget.fits && Self.codes(deltaOver).contains("budget-exceeded"))
        // An infinite spend (no finite ε) never fits.
        var infinite = PlanFixture.ledger(spent: 0)
        infinite.spentEpsilon = nil
        let exhausted = try Self.plan(PlanFixture.requestText(), ledger: infinite)
        #expect(!exhausted.budget.fits && exhausted.budget.remainingEpsilon == nil)
    }

    @Test("a generator without a guarantee does not draw on the budget, and says so")
    func nonPrivate() throws {
        let text = PlanFixture.requestText(generator: "gaussian-copula", classification: "internal")
            .replacingOccurrences(of: "  epsilon: 1.0\n  delta: 1.0e-6\n", with: "")
        let plan = try Self.plan(text, ledger: PlanFixture.ledger(spent: 10))
        #expect(!plan.budget.draws && plan.budget.fits && plan.budget.runEpsilon == nil)
        #expect(Self.codes(plan).contains("no-dp-guarantee"))
        #expect(!plan.checks.contains { $0.id == "epsilon_spent.max" })
        guard case .generate(let generate) = try #require(plan.stage(.generate)) else { return }
        #expect(!generate.differentiallyPrivate && generate.epsilon == nil)
    }

    @Test("checks that cannot be measured fail closed: no target, no quasi-identifiers")
    func unmeasurable() throws {
        let noTarget = try Self.plan(PlanFixture.requestText(target: nil))
        #expect(noTarget.warnings.contains { $0.code == "unmeasurable-utility" && $0.severity == .error })
        let noQuasi = try Self.plan(PlanFixture.requestText(classification: "internal", quasi: "[]"))
        #expect(noQuasi.policy.tier == "low")
        #expect(!Self.codes(noQuasi).contains("unmeasurable-k-anonymity"), "the low tier sets no k-anonymity")
        let text = PlanFixture.requestText(quasi: "[age]", sensitive: "[]", audience: "public")
            .replacingOccurrences(of: "model-prototyping", with: "public-release")
        let high = try Self.plan(text)
        #expect(high.warnings.contains { $0.code == "unmeasurable-l-diversity" && $0.severity == .error })
    }

    @Test("the source pin: declared, observed, or none; rows not declared")
    func sourcePin() throws {
        let digest = "sha256:" + String(repeating: "c", count: 64)
        let declared = try Self.plan(PlanFixture.requestText(sha256: digest))
        #expect(declared.inputs.source == digest)
        #expect(!Self.codes(declared).contains { $0.hasPrefix("source-") })
        let observed = try Self.plan(PlanFixture.requestText(), sourceDigest: digest)
        #expect(Self.codes(observed).contains("source-digest-observed"))
        let none = try Self.plan(PlanFixture.requestText())
        #expect(none.inputs.source == nil)
        #expect(none.warnings.contains { $0.code == "source-not-pinned" && $0.severity == .warning })
        // The reference policy denies a source of unknown size (tiny-source fails closed); a lax one plans it.
        let lax = PlanFixture.policy(
            text: """
                charter: 1
                kind: policy
                name: lax
                owners: [a@x.example]
                purposes: [model-prototyping]
                tiers:
                  - name: any
                    when: true
                    controls: {}
                """)
        let noRows = try PlanFixture.compile(
            try PlanFixture.request(
                text: PlanFixture.requestText(epsilon: "0.01").replacingOccurrences(of: "  rows: 686\n", with: "")),
            policy: lax)
        #expect(Self.codes(noRows).contains("rows-not-declared"))
        #expect(!Self.codes(noRows).contains("epsilon-infeasible"))
        let noExpiry = try PlanFixture.compile(
            try PlanFixture.request(text: PlanFixture.requestText(classification: "internal", expires: nil)),
            policy: lax)
        #expect(Self.codes(noExpiry).contains("no-expiry"))
        #expect(noExpiry.checks.map(\.id) == ["epsilon_spent.max", "delta_spent.max"])
    }
}
