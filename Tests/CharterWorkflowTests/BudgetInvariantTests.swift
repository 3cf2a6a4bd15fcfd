import CharterCore
import CharterPolicy
import CharterRegistry
import CharterTestSupport
import CharterWorkflow
import Foundation
import Testing

/// The decision's budget check against the registry's own reservation: a decision reads the
/// ledger (``DecisionLedger``), composes the run onto it the way the ledger composes
/// (``RunBudgetProjection``), and allows the run exactly when `SQLiteRegistry.reserve` of the cost
/// the engine reserves (``RunReservation``) succeeds.
@Suite("budget decisions composed as the ledger composes", .serialized)
struct BudgetInvariantTests {
    static let at = Timestamp(millisecondsSinceEpoch: 1_795_000_000_000)
    static let now = CalendarDate(iso: "2026-11-23")!
    static let cap = BudgetCap(epsilon: 10, delta: decimal("0.00001"))

    static func decimal(_ text: String) -> Decimal { Decimal.exact(text) ?? -1 }

    /// A registry in a fresh folder, removed with the value.
    final class Registry {
        let directory: URL
        let path: String
        let store: SQLiteRegistry
        var runs = 0

        init(cap: BudgetCap? = BudgetInvariantTests.cap) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "charter-rdp-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            path = directory.appendingPathComponent("registry.sqlite").path
            store = try SQLiteRegistry(path: path, create: true)
            if let cap {
                try store.registerSource("gbsg2", cap: cap, actor: "policy", at: BudgetInvariantTests.at)
            }
        }

        deinit { try? FileManager.default.removeItem(at: directory) }

        /// Reserves `cost` for a new run; committed unless `commit` is false.
        @discardableResult
        func spend(
            _ cost: PrivacyCost, commit: Bool = true, at: Timestamp = BudgetInvariantTests.at,
            lease: Duration = .seconds(3600)
        )
            throws(RegistryError) -> LedgerEvent
        {
            runs += 1
            let event = try store.reserve(
                ReservationRequest(
                    source: "gbsg2", run: "RUN-\(runs)", mechanism: "test", cost: cost, lease: lease, actor: "alice"),
                at: at)
            return commit ? try store.commit(event.id, actor: "engine", at: at) : event
        }

        /// Whether the registry reserves `cost` now; a reservation made is released again, so the
        /// ledger's spend is unchanged.
        func reserves(_ cost: PrivacyCost, at: Timestamp = BudgetInvariantTests.at) throws -> Bool {
            do {
                let event = try spend(cost, commit: false, at: at)
                _ = try store.release(event.id, reason: "probe", actor: "test", at: at)
                return true
            } catch .budgetExceeded {
                return false
            }
        }

        /// The budget a decision reads at `at`, as `charter check` reads it.
        func budget(for request: GenerationRequest, policy: Policy, at: Timestamp = BudgetInvariantTests.at)
            throws -> SourceBudget?
        {
            let ledger = try DecisionLedger.open(RegistryLocation(path: path, isNamed: true), at: at).get()
            return try ledger.budget(for: request, policy: policy)
        }
    }

    static let policyText: String = {
        let url = Fixtures.url("policies/health-synthetic.yaml")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }()

    static func policy(composition: String = "rdp") throws -> Policy {
        #expect(policyText.contains("composition: rdp"))
        let text = policyText.replacingOccurrences(of: "composition: rdp", with: "composition: \(composition)")
        let loaded = PolicyLinter().loadPolicies(file: "health-synthetic.yaml", bytes: Array(text.utf8))
        #expect(!loaded.diagnostics.contains { $0.severity == .error }, "\(loaded.diagnostics)")
        return try #require(loaded.policies.first)
    }

    /// A gbsg2 request with this generator (`delta` `nil`: none stated).
    static func request(type: String = "dp-copula", epsilon: String?, delta: String?) throws -> GenerationRequest {
        var generator = "generator:\n  type: \(type)\n"
        if let epsilon { generator += "  epsilon: \(epsilon)\n" }
        if let delta { generator += "  delta: \(delta)\n" }
        if type == "external" { generator += "  command: [synth]\n" }
        let text = """
            charter: 1
            kind: generation-request
            id: REQ-1
            requester: alice@hospital.example
            purpose: model-prototyping
            audience: internal
            consumers: [oncology-ml]
            jurisdiction: EU
            high_risk_ai: false
            source:
              dataset: gbsg2
              path: gbsg2.csv
              rows: 686
              classification: phi
              jurisdiction: EU
              quasi_identifiers: [age, menostat]
            \(generator)output:
              rows: 5000
            expires_at: 2027-02-20
            approvals: []

            """
        let loaded = RequestLoader().load(file: "r.yaml", bytes: Array(text.utf8))
        #expect(!loaded.diagnostics.contains { $0.severity == .error }, "\(loaded.diagnostics)")
        return try #require(loaded.requests.first)
    }

    /// The decision's budget violations, the same on both decision paths (the interpreter and the
    /// compiled program): the test fails where they differ.
    static func budgetViolations(_ request: GenerationRequest, _ budget: SourceBudget?, policy: Policy)
        -> [Decision.Violation]
    {
        let interpreted = DecisionEvaluator(policy: policy).decide(request, now: now, budget: budget)
        let compiled = DecisionProgram(policy: policy).decide(request, now: now, budget: budget)
        #expect(compiled.json == interpreted.json, "the decision paths disagree on \(request.id.value)")
        return interpreted.violations.filter { $0.id == "budgets.per_source" }
    }

    @Test("the ledger's RDP composition allows a run the remainders deny, and the registry reserves it")
    func renyiAllows() throws {
        let registry = try Registry()
        // Two earlier runs accounted in zCDP: ρ 0.15 each, converted together at the whole δ cap.
        try registry.spend(.zeroConcentrated(rho: Self.decimal("0.15")))
        try registry.spend(.zeroConcentrated(rho: Self.decimal("0.15")))
        let policy = try Self.policy()
        let request = try Self.request(epsilon: "4.0", delta: "1.0e-6")
        let budget = try #require(try registry.budget(for: request, policy: policy))
        let composed = try #require(budget.composed)
        // ρ 0.3 at δ 1e-5 is ε 3.48…; the run's (4, 1e-6) on top, with the curve converted at 9e-6.
        let before = try #require(composed.before.epsilon)
        let after = try #require(composed.after.epsilon)
        #expect(before > 3.4 && before < 3.6, "\(before)")
        #expect(after > before + 4 && after < 8, "\(after)")
        #expect(composed.before.delta == Self.cap.delta)
        #expect(composed.fits)
        #expect(Self.budgetViolations(request, budget, policy: policy).isEmpty)
        let note = DecisionEvaluator(policy: policy).decide(request, now: Self.now, budget: budget).notes.first ?? ""
        #expect(note.contains("composed by RDP"), "\(note)")
        #expect(note.contains("after this run: ε \(after) spent"), "\(note)")
        // The remainders alone (ε left, δ left) deny: the conversion holds the whole δ cap.
        var remainders = budget
        remainders.composed = nil
        #expect(
            Self.budgetViolations(request, remainders, policy: policy).map(\.remedy) == ["generator.delta 1.0e-6 → ≤ 0"]
        )
        // The registry agrees with the composed decision.
        #expect(try registry.reserves(try #require(RunReservation.cost(of: request))))
    }

    @Test("both deny a run over the cap; the remedy's ε fits and a step more does not")
    func bothDeny() throws {
        let registry = try Registry()
        try registry.spend(.zeroConcentrated(rho: Self.decimal("0.5")))
        try registry.spend(.approximate(epsilon: 1, delta: Self.decimal("0.000001")))
        let policy = try Self.policy()
        let request = try Self.request(epsilon: "4.5", delta: "1.0e-6")
        let budget = try #require(try registry.budget(for: request, policy: policy))
        let violations = Self.budgetViolations(request, budget, policy: policy)
        #expect(violations.count == 1)
        let violation = try #require(violations.first)
        #expect(violation.code == .decisionBudgetExceeded)
        #expect(violation.requestLocation.line == 19)
        #expect(violation.policyLocation?.line == 77)
        #expect(violation.message.contains("(composed by RDP, the run would bring it to ε "), "\(violation.message)")
        let cost = try #require(RunReservation.cost(of: request))
        #expect(try !registry.reserves(cost))
        // The largest ε: it fits, and one step of its grid (six significant digits) more does not.
        let largest = try #require(budget.composed?.largestEpsilon)
        #expect(violation.remedy == "generator.epsilon 4.5 → ≤ \(largest)")
        #expect(largest > 3 && largest < 4.5)
        #expect(try registry.reserves(.approximate(epsilon: largest, delta: Self.decimal("0.000001"))))
        #expect(
            try !registry.reserves(
                .approximate(epsilon: largest + Self.decimal("0.00001"), delta: Self.decimal("0.000001"))))
    }

    @Test("a source the registry does not know: the policy's cap, and the engine's registration then reserves")
    func unregistered() throws {
        let registry = try Registry(cap: nil)
        let policy = try Self.policy()
        for (epsilon, fits) in [("4.0", true), ("10.5", false)] {
            let request = try Self.request(type: "external", epsilon: epsilon, delta: "1.0e-6")
            let budget = try #require(try registry.budget(for: request, policy: policy))
            #expect(budget.standing == .unregistered)
            let violations = Self.budgetViolations(request, budget, policy: policy)
            #expect(violations.isEmpty == fits, "\(violations)")
            if !fits { #expect(violations.map(\.remedy) == ["generator.epsilon \(epsilon) → ≤ 10"]) }
        }
        // The engine registers the policy's cap before it reserves; the registry then agrees.
        try registry.store.registerSource("gbsg2", cap: Self.cap, actor: "policy", at: Self.at)
        #expect(try registry.reserves(.approximate(epsilon: 4, delta: Self.decimal("0.000001"))))
        #expect(try !registry.reserves(.approximate(epsilon: Self.decimal("10.5"), delta: Self.decimal("0.000001"))))
    }

    @Test("a policy declaring basic composition: exact sums for (ε, δ) runs, the ledger's composition for curves")
    func declaredBasic() throws {
        let policy = try Self.policy(composition: "basic")
        let registry = try Registry()
        try registry.spend(.approximate(epsilon: Self.decimal("2.5"), delta: Self.decimal("0.000002")))
        let request = try Self.request(epsilon: "4.0", delta: "1.0e-6")
        let budget = try #require(try registry.budget(for: request, policy: policy))
        let decision = DecisionEvaluator(policy: policy).decide(request, now: Self.now, budget: budget)
        #expect(
            decision.notes.first
                == "budget of source 'gbsg2' (in the ledger \(registry.path)): ε 7.5, δ 0.000008 left; this request spends ε 4.0, δ 1.0e-6; after this run: ε 3.5, δ 0.000007"
        )
        let over = try Self.request(epsilon: "4.0", delta: "1.0e-6")
        try registry.spend(.pure(epsilon: 4))
        let denied = Self.budgetViolations(over, try registry.budget(for: over, policy: policy), policy: policy)
        #expect(denied.map(\.remedy) == ["generator.epsilon 4.0 → ≤ 3.5"])
        #expect(try !registry.reserves(.approximate(epsilon: 4, delta: Self.decimal("0.000001"))))
        #expect(try registry.reserves(.approximate(epsilon: Self.decimal("3.5"), delta: Self.decimal("0.000001"))))
        // A curve in the ledger: composed as the ledger composes it, and the note says so.
        try registry.spend(.zeroConcentrated(rho: Self.decimal("0.01")))
        let small = try Self.request(epsilon: "1.0", delta: "1.0e-6")
        let curved = try #require(try registry.budget(for: small, policy: policy))
        let note = DecisionEvaluator(policy: policy).decide(small, now: Self.now, budget: curved).notes.first ?? ""
        #expect(
            note.hasSuffix(
                "the policy declares composition basic, but the ledger composes zCDP and Rényi events by RDP"),
            "\(note)")
        #expect(
            Self.budgetViolations(small, curved, policy: policy).isEmpty
                == (try registry.reserves(try #require(RunReservation.cost(of: small)))))
    }

    @Test("a policy cap lower than the ledger's is the cap the composed spend is held to")
    func policyTightens() throws {
        let registry = try Registry(cap: BudgetCap(epsilon: 20, delta: Self.decimal("0.00002")))
        try registry.spend(.zeroConcentrated(rho: Self.decimal("0.3")))
        let policy = try Self.policy()
        let request = try Self.request(epsilon: "4.0", delta: "1.0e-6")
        let budget = try #require(try registry.budget(for: request, policy: policy))
        let composed = try #require(budget.composed)
        #expect(composed.capEpsilon == 10 && composed.capDelta == Self.cap.delta)
        // Converted within the policy's δ 1e-5, not the ledger's 2e-5.
        if case .renyi(_, let conversionDelta) = composed.afterMethod {
            #expect(conversionDelta == Self.decimal("0.000009"))
        } else {
            Issue.record("expected an RDP composition, got \(composed.afterMethod)")
        }
        #expect(composed.fits)
    }

    @Test("extreme ε and δ are judged without a crash, as the registry judges them")
    func extremes() throws {
        let policy = try Self.policy()
        for curve in [false, true] {
            let registry = try Registry()
            try registry.spend(.approximate(epsilon: 2, delta: Self.decimal("0.000001")))
            if curve { try registry.spend(.zeroConcentrated(rho: Self.decimal("0.2"))) }
            for epsilon in ["1e-30", "0.000001", "9.99", "1000000", "1e20"] {
                for delta in ["0", "1.0e-12", "0.000009", "0.00001", "0.5"] {
                    let request = try Self.request(type: "external", epsilon: epsilon, delta: delta)
                    let budget = try #require(try registry.budget(for: request, policy: policy))
                    let violations = Self.budgetViolations(request, budget, policy: policy)
                    let cost = try #require(RunReservation.cost(of: request))
                    #expect(
                        violations.isEmpty == (try registry.reserves(cost)),
                        "curve \(curve) ε \(epsilon) δ \(delta): \(violations.map(\.message))")
                    for violation in violations {
                        #expect(violation.remedy?.contains("→ ≤ ") == true)
                        #expect(violation.requestLocation.line > 0)
                    }
                    // A largest value worked out is one the registry reserves.
                    guard case .approximate(let e, let d) = cost, let composed = budget.composed else { continue }
                    if let largest = composed.largestEpsilon {
                        #expect(try registry.reserves(.approximate(epsilon: largest, delta: d)), "ε \(largest)")
                    }
                    if let largest = composed.largestDelta {
                        #expect(try registry.reserves(.approximate(epsilon: e, delta: largest)), "δ \(largest)")
                    }
                }
            }
        }
    }

    @Test("a tally counted the way a store counts its rows gives the spend of every event, bit for bit, with any run appended")
    func talliedIsExact() throws {
        var random = SplitMix64(seed: 0xF01D)
        for _ in 0..<200 {
            // A small pool, so that costs repeat as they do in a real ledger.
            var pool: [PrivacyCost] = []
            for _ in 0..<Int.random(in: 1...5, using: &random) {
                switch Int.random(in: 0..<4, using: &random) {
                case 0: pool.append(.pure(epsilon: Decimal(Int.random(in: 0...900, using: &random)) / 1000))
                case 1:
                    pool.append(
                        .approximate(
                            epsilon: Decimal(Int.random(in: 0...3000, using: &random)) / 1000,
                            delta: Decimal(Int.random(in: 0...30, using: &random)) / 10_000_000))
                case 2: pool.append(.zeroConcentrated(rho: Decimal(Int.random(in: 0...700, using: &random)) / 10_000))
                default:
                    let scale = Double.random(in: 0...0.03, using: &random)
                    pool.append(.renyi(try #require(RDPCurve(values: RDPCurve.orders.map { $0 * scale }))))
                }
            }
            let costs = (0..<Int.random(in: 0...40, using: &random)).map { _ in pool[Int.random(in: 0..<pool.count, using: &random)] }
            // As `GROUP BY cost ORDER BY min(id)` hands them over: each distinct cost once, counted.
            var counted: [(cost: PrivacyCost, count: Int)] = []
            for cost in costs {
                if let index = counted.firstIndex(where: { $0.cost == cost }) { counted[index].count += 1 } else {
                    counted.append((cost, 1))
                }
            }
            var tally = PrivacyCostTally()
            for entry in counted { tally.add(entry.cost, count: entry.count) }
            let run: PrivacyCost =
                Bool.random(using: &random)
                ? pool[0]
                : .pure(epsilon: Decimal(Int.random(in: 1...5000, using: &random)) / 1000)
            for deltaCap in [Self.cap.delta, Self.decimal("0.000003")] {
                #expect(
                    BudgetComposition.compose(tally.adding(run), deltaCap: deltaCap)
                        == BudgetComposition.compose(costs + [run], deltaCap: deltaCap), "\(costs) + \(run)")
                #expect(BudgetComposition.compose(tally, deltaCap: deltaCap) == BudgetComposition.compose(costs, deltaCap: deltaCap))
            }
        }
    }

    @Test(
        "on seeded random sequences of runs the decision allows exactly what the registry reserves",
        arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func agreement(seed: UInt64) throws {
        var random = SplitMix64(seed: seed &* 0x1234_5678_9ABC)
        let registry = try Registry()
        let policy = try Self.policy()
        var clock = Self.at
        var live: [LedgerEvent] = []
        var allowed = 0
        var denied = 0
        for step in 0..<40 {
            clock = clock.advanced(by: .seconds(Int64.random(in: 0...600, using: &random)))
            // Earlier runs of every accounting kind, some still reserved with short leases.
            switch Int.random(in: 0..<6, using: &random) {
            case 0:
                let rho = Decimal(Int.random(in: 1...60, using: &random)) / 1000
                _ = try? registry.spend(.zeroConcentrated(rho: rho), at: clock)
            case 1:
                let values = RDPCurve.orders.map { $0 * Double.random(in: 0.001...0.02, using: &random) }
                _ = try? registry.spend(.renyi(try #require(RDPCurve(values: values))), at: clock)
            case 2:
                let epsilon = Decimal(Int.random(in: 1...30, using: &random)) / 100
                _ = try? registry.spend(.pure(epsilon: epsilon), at: clock)
            case 3:
                let epsilon = Decimal(Int.random(in: 1...20, using: &random)) / 10
                if let event = try? registry.spend(
                    .approximate(epsilon: epsilon, delta: Self.decimal("0.0000005")), commit: false, at: clock,
                    lease: .seconds(Int64.random(in: 60...1200, using: &random)))
                {
                    live.append(event)
                }
            case 4 where !live.isEmpty:
                let event = live.removeFirst()
                _ = try? registry.store.release(event.id, reason: "cancelled", actor: "alice", at: clock)
            default:
                break
            }
            // A request: dp-copula (ε, δ), or an external generator with ε only.
            let external = Int.random(in: 0..<4, using: &random) == 0
            let epsilon = "\(Double(Int.random(in: 1...60, using: &random)) / 10)"
            let delta =
                external ? nil : ["1.0e-7", "1.0e-6", "5.0e-6", "0.00001"][Int.random(in: 0..<4, using: &random)]
            let request = try Self.request(type: external ? "external" : "dp-copula", epsilon: epsilon, delta: delta)
            let budget = try #require(try registry.budget(for: request, policy: policy, at: clock))
            let violations = Self.budgetViolations(request, budget, policy: policy)
            let cost = try #require(RunReservation.cost(of: request))
            let reserved = try registry.reserves(cost, at: clock)
            #expect(
                violations.isEmpty == reserved,
                "seed \(seed) step \(step): \(cost.summary) decision \(violations.map(\.message)) registry \(reserved) \(String(describing: budget.composed))"
            )
            if violations.isEmpty {
                allowed += 1
                // Keep some: the ledger fills up over the sequence.
                if Bool.random(using: &random) { _ = try? registry.spend(cost, at: clock) }
            } else {
                denied += 1
                // Every remedy names a value the registry reserves.
                if let largest = budget.composed?.largestEpsilon {
                    let fixed: PrivacyCost =
                        switch cost {
                        case .approximate(_, let delta): .approximate(epsilon: largest, delta: delta)
                        default: .pure(epsilon: largest)
                        }
                    #expect(try registry.reserves(fixed, at: clock), "seed \(seed) step \(step): ε \(largest)")
                }
            }
        }
        // The sequences reach both outcomes.
        #expect(allowed > 0 && denied > 0, "seed \(seed): \(allowed) allowed, \(denied) denied")
    }
}
