import CharterAccounting
import CharterCore
import CharterPolicy
import Foundation
import Testing

@testable import CharterPlan

@Suite("Plan compiler")
struct PlanCompilerTests {
    @Test(
        "every example request: allowed and pending compile, denied are refused", arguments: PlanFixture.exampleRequests
    )
    func examples(_ path: String) throws {
        let request = try PlanFixture.request(path)
        let name = (path as NSString).lastPathComponent
        if name.hasPrefix("denied-") {
            let error = try #require(throws: PlanCompileError.self) { try PlanFixture.compile(request) }
            guard case .denied(let id, let violations) = error else {
                Issue.record("expected a denial, got \(error)")
                return
            }
            #expect(id == request.id.value)
            #expect(!violations.isEmpty)
            return
        }
        let plan = try PlanFixture.compile(request)
        #expect(plan.stages.map(\.kind) == PlanStage.Kind.allCases)
        #expect(plan.isIntact)
        #expect(plan.request.id == request.id.value)
        #expect(plan.inputs.request == InputDigests.request(request))
        // The test's policy digest is not the one the examples bind their approvals to, so every
        // attached approval is stale or unbound here and each plan is pending.
        #expect(plan.approvals.state == .pending)
        #expect(!plan.approvals.needed.isEmpty)
        #expect(plan.approvals.rejected.count == request.approvals.count)
        if name.hasPrefix("allowed-") {
            #expect(plan.approvals.rejected.allSatisfy { $0.reason == ApprovalValidator.Rejection.stale.rawValue })
        }
    }

    @Test("the medium tier's controls become the gates' checks, with their sources")
    func mediumTierChecks() throws {
        let plan = try PlanFixture.compile(try PlanFixture.request(text: PlanFixture.requestText()))
        #expect(plan.policy.tier == "medium")
        let checks = Dictionary(uniqueKeysWithValues: plan.checks.map { ($0.id, $0) })
        #expect(checks["k_anonymity.k_min"]?.threshold == 5)
        #expect(checks["k_anonymity.k_min"]?.bound == .atLeast)
        #expect(checks["k_anonymity.k_min"]?.source == "tier medium")
        #expect(checks["k_anonymity.k_min"]?.parameters["quasi_identifiers"] == ["age", "menostat"])
        #expect(checks["membership_inference.accuracy_max"]?.threshold == Decimal(string: "0.55"))
        #expect(checks["membership_inference.accuracy_max"]?.bound == .atMost)
        #expect(checks["distance_to_closest_record.overfitting_protection_min"]?.threshold == Decimal(string: "0.8"))
        #expect(checks["fidelity.column_shapes_min"]?.threshold == Decimal(string: "0.8"))
        #expect(checks["tstr.ratio_min"]?.threshold == Decimal(string: "0.9"))
        #expect(checks["tstr.ratio_min"]?.parameters["target"] == "cens")
        #expect(checks["tstr.ratio_min"]?.parameters["metric"] == "auc")
        #expect(checks["epsilon_spent.max"]?.threshold == 1)
        #expect(checks["epsilon_spent.max"]?.source == "request")
        #expect(checks["delta_spent.max"]?.threshold == Decimal(string: "0.000001"))
        #expect(checks["l_diversity.l_min"] == nil, "the medium tier sets no l-diversity")
        #expect(checks["trts.ratio_min"] == nil)
        guard case .generate(let generate) = try #require(plan.stage(.generate)) else { return }
        #expect(generate.epsilon == 1 && generate.differentiallyPrivate && generate.rows == 5000)
        guard case .certify(let certify) = try #require(plan.stage(.certify)) else { return }
        #expect(certify.expiresAt == CalendarDate(year: 2027, month: 2, day: 20))
        #expect(certify.warnDays == 30 && certify.audience == "internal" && certify.consumers == ["oncology-ml"])
        guard case .holdoutSplit(let holdout) = try #require(plan.stage(.holdoutSplit)) else { return }
        #expect(holdout.fraction == Decimal(string: "0.2") && holdout.stratify == "cens")
        #expect(holdout.seed >= 0 && holdout.seed < 1 << 52)
        #expect(plan.budget.runEpsilon == 1 && plan.budget.remainingEpsilon == 9 && plan.budget.fits)
        #expect(plan.budget.capSource == "policy")
    }

    @Test("the high tier adds l-diversity, TRTS and fairness; fairness without a protected attribute fails closed")
    func highTier() throws {
        let text = PlanFixture.requestText(audience: "public").replacingOccurrences(
            of: "model-prototyping", with: "public-release")
        let plan = try PlanFixture.compile(try PlanFixture.request(text: text))
        #expect(plan.policy.tier == "high")
        let ids = plan.checks.map(\.id)
        #expect(
            ids.contains("l_diversity.l_min") && ids.contains("trts.ratio_min") && ids.contains("fairness.tstr_gap_max")
        )
        #expect(plan.checks.first { $0.id == "k_anonymity.k_min" }?.threshold == 10)
        #expect(plan.warnings.contains { $0.code == "unmeasurable-fairness" && $0.severity == .error })
        guard case .certify(let certify) = try #require(plan.stage(.certify)) else { return }
        #expect(certify.revalidateEveryDays == 30)
        // Needs the steward and the privacy officer (all_of) and the officer again for the public rule.
        #expect(Set(plan.approvals.needed.flatMap(\.roles)) == ["data_steward", "privacy_officer"])
    }

    @Test("a mandatory rule's require controls tighten the tier's; an advisory one does not")
    func ruleControlsTighten() throws {
        let policy = PlanFixture.policy(
            text: """
                charter: 1
                kind: policy
                name: tight
                version: 1.0.0
                owners: [a@x.example]
                roles:
                  data_steward: [carol@hospital.example]
                purposes: [model-prototyping]
                tiers:
                  - name: only
                    when: true
                    controls:
                      k_anonymity: { k_min: 5 }
                      membership_inference: { accuracy_max: 0.6 }
                      tstr: { ratio_min: 0.8, metric: auc }
                rules:
                  - id: phi-tighter
                    enforcement: hard-mandatory
                    when: source.classification == "phi"
                    require: { k_anonymity: { k_min: 20 }, membership_inference: { accuracy_max: 0.7 } }
                  - id: advice
                    enforcement: advisory
                    when: true
                    require: { tstr: { ratio_min: 0.99, metric: auc } }
                  - id: never
                    enforcement: hard-mandatory
                    when: source.rows < 10
                    require: { k_anonymity: { k_min: 50 } }
                """)
        let request = try PlanFixture.request(text: PlanFixture.requestText())
        let plan = try PlanFixture.compile(request, policy: policy)
        let k = try #require(plan.checks.first { $0.id == "k_anonymity.k_min" })
        #expect(k.threshold == 20 && k.source == "rule phi-tighter")
        let mia = try #require(plan.checks.first { $0.id == "membership_inference.accuracy_max" })
        #expect(mia.threshold == Decimal(string: "0.6") && mia.source == "tier only", "a looser rule does not loosen")
        let tstr = try #require(plan.checks.first { $0.id == "tstr.ratio_min" })
        #expect(tstr.threshold == Decimal(string: "0.8"), "advisory rules do not bind")
        #expect(plan.approvals.state == .ready)
        #expect(plan.budget.capSource == "none")
        #expect(plan.warnings.contains { $0.code == "budget-uncapped" })
    }

    @Test("a pending request compiles; approvals bound to its digest make it ready with the same digest")
    func bindingApprovals() throws {
        let pending = try PlanFixture.compile(try PlanFixture.request(text: PlanFixture.requestText()))
        #expect(pending.approvals.state == .pending)
        #expect(
            pending.approvals.needed == [
                .init(roles: ["data_steward"], count: 1, source: "approvals.all_of", isOverride: false)
            ])
        let bound = "[{ role: data_steward, by: carol@hospital.example, at: 2026-11-20, plan: \"\(pending.digest)\" }]"
        let ready = try PlanFixture.compile(try PlanFixture.request(text: PlanFixture.requestText(approvals: bound)))
        #expect(ready.digest == pending.digest, "approvals are not digested")
        #expect(ready.approvals == .ready)
        #expect(ready.isReady)
        let other = "sha256:" + String(repeating: "b", count: 64)
        let staleText = "[{ role: data_steward, by: carol@hospital.example, at: 2026-11-20, plan: \"\(other)\" }]"
        let stale = try PlanFixture.compile(
            try PlanFixture.request(text: PlanFixture.requestText(approvals: staleText)))
        #expect(stale.approvals.state == .pending)
        #expect(
            stale.approvals.rejected == [
                .init(
                    role: "data_steward", by: "carol@hospital.example", reason: "the approval is for a different plan")
            ])
    }

    @Test("a soft-mandatory denial overridden by an unbound approval becomes a pending override")
    func overrideMustBeBound() throws {
        let text = PlanFixture.requestText(
            rows: "150",
            approvals: "[{ role: privacy_officer, by: bob@hospital.example, at: 2026-11-20, override: tiny-source }]")
        let plan = try PlanFixture.compile(try PlanFixture.request(text: text))
        #expect(
            plan.approvals.needed.contains {
                $0.isOverride && $0.source == "tiny-source" && $0.roles == ["privacy_officer"]
            })
        #expect(plan.approvals.state == .pending)
    }

    @Test("a denied decision, a decision about another request and a ledger of another source are refused")
    func refusals() throws {
        let request = try PlanFixture.request(text: PlanFixture.requestText(epsilon: "9.0"))
        let evaluator = DecisionEvaluator(policy: PlanFixture.policy)
        let denied = evaluator.decide(request, now: PlanFixture.now)
        #expect(denied.outcome == .deny)
        let compiler = PlanCompiler(policy: PlanFixture.policy)
        let ledger = LedgerState.unregistered(source: "gbsg2-2026q3")
        #expect(throws: PlanCompileError.self) {
            try compiler.compile(
                request: request, decision: denied, ledger: ledger, policyDigest: PlanFixture.policyDigest,
                sourceDigest: nil)
        }
        let good = try PlanFixture.request(text: PlanFixture.requestText())
        let decision = evaluator.decide(good, now: PlanFixture.now)
        var other = good
        other.id = Located("REQ-OTHER", at: good.id.location)
        #expect(throws: PlanCompileError.mismatchedDecision("request")) {
            try compiler.compile(
                request: other, decision: decision, ledger: ledger, policyDigest: PlanFixture.policyDigest,
                sourceDigest: nil)
        }
        #expect(throws: PlanCompileError.mismatchedLedger(request: "gbsg2-2026q3", ledger: "elsewhere")) {
            try compiler.compile(
                request: good, decision: decision, ledger: .unregistered(source: "elsewhere"),
                policyDigest: PlanFixture.policyDigest, sourceDigest: nil)
        }
        var noTier = decision
        noTier.tier = nil
        #expect(throws: PlanCompileError.unknownTier(nil)) {
            try compiler.compile(
                request: good, decision: noTier, ledger: ledger, policyDigest: PlanFixture.policyDigest,
                sourceDigest: nil)
        }
    }

    @Test("seeds: the request's when stated, else derived from the request digest")
    func seeds() throws {
        let stated = try PlanFixture.compile(
            try PlanFixture.request(text: PlanFixture.requestText(extra: "  seed: 1234\n")))
        guard case .generate(let generate) = try #require(stated.stage(.generate)) else { return }
        #expect(generate.seed == 1234)
        let a = try PlanFixture.compile(try PlanFixture.request(text: PlanFixture.requestText()))
        let b = try PlanFixture.compile(try PlanFixture.request(text: PlanFixture.requestText(epsilon: "0.5")))
        guard case .generate(let ga) = try #require(a.stage(.generate)),
            case .generate(let gb) = try #require(b.stage(.generate))
        else { return }
        #expect(ga.seed != gb.seed, "another request, another derived seed")
        #expect(ga.seed == InputDigests.seed(from: a.inputs.request, purpose: "generate"))
    }
}

@Suite("Plan noise calibration")
struct PlanCalibrationTests {
    @Test("dp-copula: ρ from (ε, δ) by the CKS20 conversion; half to the histograms, the rest split with the target")
    func zcdpSplit() throws {
        let plan = try PlanFixture.compile(try PlanFixture.request(text: PlanFixture.requestText()))
        guard case .generate(let generate) = try #require(plan.stage(.generate)) else { return }
        let split = try #require(generate.budgetSplit)
        let rho = split.total.approximateDouble
        // The total converts back to at most ε = 1 at δ = 1e-6, and a hair more does not.
        #expect(ZeroConcentratedDPCheck.epsilon(rho: rho) <= 1.000001)
        #expect(ZeroConcentratedDPCheck.epsilon(rho: rho * 1.001) > 1)
        #expect(split.shares.map(\.fraction) == ["0.5", "0.25", "0.25"].map { Decimal(string: $0)! })
        for share in split.shares {
            let budget = try #require(share.budget).approximateDouble
            #expect(abs(budget - rho * share.fraction.approximateDouble) <= rho * 1e-5)
        }
        #expect(split.shares[2].mechanism.contains("'cens'"))
        #expect(
            generate.parameters == ["marginal_share": .number(0.5), "target": "cens", "target_share": .number(0.5)])
        // Six significant digits at most, so the plan is the same on every platform.
        let digits = split.total.jsonText.drop { $0 == "0" || $0 == "." }
        #expect(digits.count <= 6, "\(split.total)")
        #expect(plan.warnings.contains { $0.code == "domains-undeclared" && $0.severity == .error })

        // Without a target, the correlation is one release with the other half.
        let untargeted = try PlanFixture.compile(try PlanFixture.request(text: PlanFixture.requestText(target: nil)))
        guard case .generate(let plain) = try #require(untargeted.stage(.generate)) else { return }
        #expect(plain.budgetSplit?.shares.map(\.fraction) == ["0.5", "0.5"].map { Decimal(string: $0)! })
        #expect(plain.parameters == ["marginal_share": .number(0.5)])
    }

    @Test("dp-vae: the plan fixes epochs, batch size and clipping norm, and records the planned q, σ and steps")
    func dpSGDPlan() throws {
        let (parameters, warnings) = DPSGDPlanning.plan(
            rows: 2139, holdoutFraction: Decimal(string: "0.3")!, epsilon: 5, delta: Decimal(string: "1e-6")!)
        let epochs = try #require(parameters["epochs"]?.doubleValue)
        let batch = try #require(parameters["batch_size"]?.doubleValue)
        let training = try #require(parameters["planned_training_rows"]?.doubleValue)
        let q = try #require(parameters["planned_sampling_rate"]?.doubleValue)
        let steps = try #require(parameters["planned_steps"]?.doubleValue)
        let sigma = try #require(parameters["planned_noise_multiplier"]?.doubleValue)
        #expect(parameters["clip_norm"] == .number(1))
        #expect(training == 1497)
        #expect(q == batch / training && q <= 0.10, "validate-config's good batch share")
        #expect(steps == epochs * (training / batch).rounded(.up) && steps < 500, "validate-config's good steps")
        let spent = DPSGDConfigurationCheck.epsilon(
            samplingRate: q, noiseMultiplier: sigma, steps: Int(steps), delta: 1e-6
        ).epsilon
        #expect(spent <= 5.00001 && spent > 4.99, "the planned σ spends the target: \(spent)")
        #expect(!warnings.contains { $0.severity == .error })
    }

    @Test("dp-vae: a target no usable noise reaches is a plan error naming the remedies, before any data is read")
    func dpSGDRefused() throws {
        let (_, warnings) = DPSGDPlanning.plan(
            rows: 40, holdoutFraction: Decimal(string: "0.3")!, epsilon: Decimal(string: "0.01")!,
            delta: Decimal(string: "1e-6")!)
        let error = try #require(warnings.first { $0.code == "dp-sgd-noise-multiplier" })
        #expect(error.severity == .error)
        #expect(error.message.contains("raise the batch size"))
        let unknown = DPSGDPlanning.plan(rows: nil, holdoutFraction: 0, epsilon: 1, delta: Decimal(string: "1e-6")!)
        #expect(unknown.warnings.map(\.code) == ["dp-sgd-rows-unknown"])
    }

    @Test("declared domains clear the warning; a generator without a guarantee has no split")
    func domainsAndNonPrivate() throws {
        let declared = PlanFixture.requestText().replacingOccurrences(
            of: "  exclude: []\n", with: "  exclude: []\n  columns:\n    age: { type: integer, min: 18, max: 90 }\n")
        let plan = try PlanFixture.compile(try PlanFixture.request(text: declared))
        #expect(!plan.warnings.contains { $0.code == "domains-undeclared" })
        let text = PlanFixture.requestText(generator: "gaussian-copula", classification: "internal")
            .replacingOccurrences(of: "  epsilon: 1.0\n  delta: 1.0e-6\n", with: "")
        let open = try PlanFixture.compile(try PlanFixture.request(text: text))
        guard case .generate(let generate) = try #require(open.stage(.generate)) else { return }
        #expect(generate.budgetSplit == nil && generate.parameters.isEmpty)
    }
}

/// The CKS20 conversion, recomputed here on a fine grid of orders (independent of the bisection).
enum ZeroConcentratedDPCheck {
    static func epsilon(rho: Double, delta: Double = 1e-6) -> Double {
        var best = Double.infinity
        var alpha = 1.0001
        while alpha < 10_000 {
            let value = alpha * rho + (log(1 / delta) + (alpha - 1) * log1p(-1 / alpha) - log(alpha)) / (alpha - 1)
            best = min(best, value)
            alpha *= 1.0005
        }
        return best
    }
}

@Suite("Plan publish stage")
struct PlanPublishTests {
    static func publish(id: String = "REQ-TEST-1", output: String? = nil) throws -> (PublishStage, [String]) {
        var text = PlanFixture.requestText().replacingOccurrences(of: "id: REQ-TEST-1", with: "id: \"\(id)\"")
        if let output {
            text = text.replacingOccurrences(of: "  rows: 5000\n", with: "  rows: 5000\n  path: \"\(output)\"\n")
        }
        let plan = try PlanFixture.compile(try PlanFixture.request(text: text))
        guard case .publish(let stage) = try #require(plan.stage(.publish)) else {
            throw PlanDecodingError(path: "", message: "")
        }
        return (stage, plan.warnings.map(\.code))
    }

    @Test("the default folder is out/<id>, with the id made safe")
    func defaultFolder() throws {
        #expect(try Self.publish().0.synthetic == "out/REQ-TEST-1/synthetic.csv")
        #expect(try Self.publish().0.reportHTML == "out/REQ-TEST-1/report.html")
        #expect(try Self.publish(id: "../../etc").0.directory == "out/_.._.._etc")
        #expect(try Self.publish(id: "..").0.directory == "out/_..")
        #expect(try Self.publish(id: "a b/ü").0.directory == "out/a_b__")
    }

    @Test("output.path sets the file under the output folder; anything else is refused when the request is read")
    func outputPath() throws {
        let (inside, insideWarnings) = try Self.publish(output: "results/run1/synth.csv")
        #expect(inside.directory == "out/results/run1" && inside.certificate == "out/results/run1/certificate.json")
        #expect(inside.synthetic == "out/results/run1/synth.csv")
        #expect(!insideWarnings.contains("output-outside"))
        let (bare, _) = try Self.publish(output: "synth.csv")
        #expect(bare.directory == "out" && bare.certificate == "out/certificate.json")
        #expect(bare.relocated(to: "published/").certificate == "published/certificate.json")
        #expect(bare.relocated(to: "published").directory == "published")
        for outside in [
            "/tmp/synth.csv", "../synth.csv", "a/../../synth.csv", "~/synth.csv", "a/../synth.csv", "./synth.csv",
            "a//synth.csv", "results/",
        ] {
            let text = PlanFixture.requestText().replacingOccurrences(
                of: "  rows: 5000\n", with: "  rows: 5000\n  path: \"\(outside)\"\n")
            let loaded = RequestLoader().load(file: "r.yaml", bytes: Array(text.utf8))
            let found = loaded.diagnostics.filter { $0.code == .requestUnsafeOutputPath }
            #expect(found.count == 1 && found.first?.severity == .error, "\(outside)")
            #expect(found.first?.location?.line == 29, "\(outside)")
        }
    }
}
