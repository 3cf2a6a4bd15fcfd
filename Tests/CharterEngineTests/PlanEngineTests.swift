import CharterCore
import CharterData
import CharterPlan
import CharterRegistry
import Foundation
import Testing

@testable import CharterEngine

@Suite("The engine runs plans: budget, gates, publish all or nothing", .serialized)
struct PlanEngineTests {
    static let passing: [PlanCheck] = [
        EngineFixture.check("fidelity.column_shapes_min", "fidelity.column_shapes", .atLeast, Decimal(string: "0.5")!),
        EngineFixture.check("tstr.ratio_min", "tstr.ratio", .atLeast, Decimal(string: "0.5")!),
    ]
    static let privacy: [PlanCheck] = [
        EngineFixture.check("epsilon_spent.max", "epsilon_spent", .atMost, 1),
        EngineFixture.check(
            "membership_inference.accuracy_max", "membership_inference.accuracy", .atMost, Decimal(string: "0.55")!),
        EngineFixture.check("k_anonymity.k_min", "k_anonymity", .atLeast, 1, ["table": "synthetic"]),
    ]

    @Test("a passing run publishes the data, a verifiable certificate and both reports, spends and audits")
    func published() throws {
        let fixture = try EngineFixture()
        defer { fixture.remove() }
        let plan = fixture.plan(privacy: Self.privacy, utility: Self.passing)
        let outcome = try fixture.engine().run(plan: plan, request: EngineFixture.request)
        guard case .published(let run) = outcome else {
            Issue.record("expected a published run, got \(outcome)")
            return
        }
        for path in [run.syntheticPath, run.certificatePath, run.reportJSONPath, run.reportHTMLPath] {
            #expect(FileManager.default.fileExists(atPath: path), "\(path)")
        }
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: run.certificatePath)))
        let synthetic = [UInt8](try Data(contentsOf: URL(fileURLWithPath: run.syntheticPath)))
        let verification = CertificateVerifier(signingKeys: try fixture.registry.signingKeys(), now: EngineFixture.now)
            .verify(fileBytes: bytes, registry: fixture.registry, data: synthetic)
        #expect(verification.isValid, "\(verification.findings)")
        let certificate = run.certificate
        #expect(certificate.lineage.source.sha256 == fixture.sourceDigest)
        #expect(certificate.lineage.split.trainRows + certificate.lineage.split.holdoutRows == 686)
        #expect(certificate.lineage.synthetic.rows == 1000)
        #expect(certificate.privacy.epsilonSpent == 1)
        #expect(certificate.privacy.membershipInference?.accuracy == 0.5)
        #expect(certificate.utility.tstr?.positiveLabel == "1")
        #expect(certificate.gates.count == 5 && certificate.gates.allSatisfy(\.passed))
        #expect(certificate.expiresAt == "2027-02-20T00:00:00Z")
        #expect(ContentDigest.sha256(synthetic) == certificate.lineage.synthetic.sha256)
        #expect(try fixture.registry.certificate(certificate.id)?.keyID == fixture.key.publicKey.id)
        let html = try String(contentsOfFile: run.reportHTMLPath, encoding: .utf8)
        #expect(html.contains("<svg") && html.contains("Released"))
        // The budget is committed, the certificate catalogued, the chain intact and pinned.
        let budget = try fixture.registry.budget(for: "gbsg2-test", at: EngineFixture.now)
        #expect(budget.events.map(\.state) == [.committed])
        #expect(try fixture.registry.certificate(certificate.id)?.digest == ContentDigest.sha256(bytes))
        let audit = try fixture.registry.verifyAudit()
        #expect(audit.findings.isEmpty)
        let records = try fixture.registry.auditRecords()
        // The certificate's record, then its publication terms for the lifecycle (plan, files, source profile).
        #expect(records.suffix(2).map(\.action) == ["certificate.record", "lifecycle.publication"])
        let publication = try #require(try fixture.registry.lifecycleEvents(certificate: certificate.id).first)
        #expect(publication.kind == .publication && publication.details["plan"]?["digest"]?.stringValue == plan.digest)
        #expect(publication.details["files"]?.arrayValue?.count == 4)
        #expect(records.first { $0.seq == certificate.auditHead.seq }?.hash == certificate.auditHead.hash)
        // Nothing staged is left behind.
        let left = try FileManager.default.contentsOfDirectory(atPath: fixture.outputDirectory)
        #expect(left.sorted() == ["certificate.json", "report.html", "report.json", "synthetic.csv"])
        // A second run into the same place is refused before any budget is reserved.
        #expect {
            try fixture.engine().run(plan: plan, request: EngineFixture.request)
        } throws: { ($0 as? EngineError)?.kind == .refused && ($0 as? EngineError)?.stage == "publish" }
        #expect(try fixture.registry.budget(for: "gbsg2-test", at: EngineFixture.now).events.count == 1)
    }

    @Test("a run signing with any key but the registry's active one is refused before any budget is reserved")
    func rogueKeyRefused() throws {
        let fixture = try EngineFixture()
        defer { fixture.remove() }
        let plan = fixture.plan(privacy: Self.privacy, utility: Self.passing)
        #expect {
            try fixture.engine(signingKey: SigningKey.generate()).run(plan: plan, request: EngineFixture.request)
        } throws: { error in
            guard let error = error as? EngineError else { return false }
            return error.kind == .refused && error.stage == "certify" && error.message.contains("active key")
        }
        #expect(try fixture.registry.budgets(at: EngineFixture.now).isEmpty)
        #expect(try fixture.registry.certificates().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: fixture.outputDirectory))
    }

    @Test("a failed gate publishes nothing, says by how much, and the budget stays spent")
    func gateFailure() throws {
        let fixture = try EngineFixture()
        defer { fixture.remove() }
        let utility = [EngineFixture.check("tstr.ratio_min", "tstr.ratio", .atLeast, Decimal(string: "0.99")!)]
        let plan = fixture.plan(privacy: Self.privacy, utility: utility)
        let outcome = try fixture.engine(ResamplingGenerator(independent: true)).run(
            plan: plan, request: EngineFixture.request)
        guard case .gateFailed(let run) = outcome else {
            Issue.record("expected a gate failure, got \(outcome)")
            return
        }
        #expect(run.failed.map(\.check) == ["tstr.ratio_min"])
        let shortfall = try #require(run.failed.first?.shortfall)
        #expect(shortfall > 0.05)
        #expect(run.failed.first?.summary.contains("short by") == true)
        #expect(run.notes.contains { $0.contains("spent") && $0.contains("whatever the gates decide") })
        #expect(!FileManager.default.fileExists(atPath: fixture.outputDirectory))
        #expect(!FileManager.default.fileExists(atPath: fixture.directory.appendingPathComponent("out").path))
        #expect(try fixture.registry.certificates().isEmpty)
        #expect(
            try fixture.registry.budget(for: "gbsg2-test", at: EngineFixture.now).events.map(\.state) == [.committed])
        #expect(run.report.outcome == .gateFailed)
        #expect(run.report.json["gates"]?.arrayValue?.last?["passed"] == false)
    }

    @Test("a source that is not the planned file is refused and the reservation given back")
    func sourceMismatch() throws {
        let fixture = try EngineFixture()
        defer { fixture.remove() }
        let wrong = "sha256:" + String(repeating: "0", count: 64)
        #expect {
            try fixture.engine().run(plan: fixture.plan(sha256: wrong), request: EngineFixture.request)
        } throws: { error in
            let error = error as? EngineError
            return error?.kind == .refused && error?.stage == "verify-source" && error?.message.contains(wrong) == true
        }
        #expect {
            try fixture.engine().run(plan: fixture.plan(rows: 700), request: EngineFixture.request)
        } throws: { ($0 as? EngineError)?.message.contains("686 rows, not the declared 700") == true }
        let events = try fixture.registry.budget(for: "gbsg2-test", at: EngineFixture.now).events
        #expect(events.map(\.state) == [.released, .released])
        #expect(try fixture.registry.certificates().isEmpty)
    }

    @Test("a run that does not fit the budget is refused before reading the data")
    func budgetExceeded() throws {
        let fixture = try EngineFixture()
        defer { fixture.remove() }
        let plan = fixture.plan(epsilon: 2, cap: 1)
        try FileManager.default.removeItem(atPath: fixture.sourcePath)  // proves nothing is read
        #expect {
            try fixture.engine().run(plan: plan, request: EngineFixture.request)
        } throws: { ($0 as? EngineError)?.kind == .refused && ($0 as? EngineError)?.stage == "budget" }
        #expect(try fixture.registry.budget(for: "gbsg2-test", at: EngineFixture.now).events.isEmpty)
    }

    @Test("a plan still waiting for approvals, edited, or without an expiry does not run")
    func refusedPlans() throws {
        let fixture = try EngineFixture()
        defer { fixture.remove() }
        var pending = fixture.plan()
        pending.approvals = ApprovalStatus(
            state: .pending,
            needed: [.init(roles: ["data_steward"], count: 1, source: "approvals.all_of", isOverride: false)],
            rejected: [])
        var edited = fixture.plan()
        edited.request.requester = "mallory@hospital.example"
        for plan in [
            pending, edited, fixture.plan(expires: nil),
            fixture.plan(expires: CalendarDate(year: 2026, month: 1, day: 1)),
        ] {
            #expect(throws: EngineError.self) { try fixture.engine().run(plan: plan, request: EngineFixture.request) }
        }
        #expect(try fixture.registry.budgets(at: EngineFixture.now).isEmpty)
    }

    @Test("a generator that fails leaves the budget spent and publishes nothing")
    func generatorFailure() throws {
        let fixture = try EngineFixture()
        defer { fixture.remove() }
        #expect {
            try fixture.engine(ResamplingGenerator(fails: true)).run(
                plan: fixture.plan(), request: EngineFixture.request)
        } throws: { error in
            let error = error as? EngineError
            return error?.stage == "generate" && error?.notes.contains { $0.contains("spent") } == true
        }
        #expect(
            try fixture.registry.budget(for: "gbsg2-test", at: EngineFixture.now).events.map(\.state) == [.committed])
        #expect(!FileManager.default.fileExists(atPath: fixture.outputDirectory))
        // A generator that refuses its settings before any mechanism ran gives the budget back.
        #expect {
            try fixture.engine(ResamplingGenerator(fails: true, failure: "CH707")).run(
                plan: fixture.plan(), request: EngineFixture.request)
        } throws: { ($0 as? EngineError)?.notes.contains { $0.contains("released") } == true }
        #expect(
            try fixture.registry.budget(for: "gbsg2-test", at: EngineFixture.now).events.map(\.state) == [
                .committed, .released,
            ])
    }

    @Test("a check the engine cannot measure fails closed, with the reason")
    func failsClosed() throws {
        let fixture = try EngineFixture()
        defer { fixture.remove() }
        let privacy = [
            EngineFixture.check(
                "membership_inference.accuracy_max", "membership_inference.accuracy", .atMost, Decimal(string: "0.55")!),
            EngineFixture.check("mystery.max", "mystery", .atMost, 1),
            EngineFixture.check("fairness.tstr_gap_max", "fairness.tstr_gap", .atMost, Decimal(string: "0.05")!),
        ]
        let outcome = try fixture.engine(attack: false).run(
            plan: fixture.plan(privacy: privacy), request: EngineFixture.request)
        guard case .gateFailed(let run) = outcome else {
            Issue.record("expected a gate failure")
            return
        }
        #expect(run.failed.count == 3)
        #expect(run.failed.allSatisfy { $0.measured == nil })
        #expect(run.failed[0].note?.contains("no membership-inference attack") == true)
        #expect(run.failed[1].note?.contains("does not measure 'mystery'") == true)
        #expect(run.failed[2].note?.contains("no protected attribute") == true)
    }

    @Test("fairness: the TSTR gap between subgroups of a protected attribute is measured")
    func fairness() throws {
        let fixture = try EngineFixture()
        defer { fixture.remove() }
        let fairness = [EngineFixture.check("fairness.tstr_gap_max", "fairness.tstr_gap", .atMost, 1)]
        let outcome = try fixture.engine().run(
            plan: fixture.plan(fairness: fairness, protected: ["menostat"]), request: EngineFixture.request)
        guard case .published(let run) = outcome else {
            Issue.record("expected a published run, got \(outcome)")
            return
        }
        let gap = try #require(run.certificate.fairness)
        #expect(gap.protected == "menostat")
        #expect(gap.subgroups.map(\.value).sorted() == ["Post", "Pre"])
        #expect(run.certificate.gates.first?.measured == gap.tstrGap)
    }
}

@Suite("Disclosure measures of the privacy gate")
struct DisclosureMeasureTests {
    static func table(_ ages: [Double], _ sexes: [String]) -> Table {
        Table(columns: [
            Column(name: "age", values: .numeric(NumericValues(ages))),
            Column(name: "sex", values: .categorical(CategoricalValues(sexes))),
        ])
    }

    @Test("k is the smallest training class a synthetic row falls into; unmatched rows link to nobody")
    func linkedK() {
        let train = Self.table([30, 30, 30, 40, 40, 50], ["f", "f", "f", "m", "m", "f"])
        #expect(GateMeasurements.linkedK(train, Self.table([30, 40, 60], ["f", "m", "f"]), ["age", "sex"]) == 2)
        #expect(GateMeasurements.linkedK(train, Self.table([30, 50], ["f", "f"]), ["age", "sex"]) == 1)
        #expect(GateMeasurements.linkedK(train, Self.table([31, 40], ["f", "f"]), ["age", "sex"]) == nil)
        #expect(GateMeasurements.linkedK(train, Self.table([30], ["f"]), ["sex"]) == 4)
        #expect(GateMeasurements.linkedK(train, Self.table([30], ["f"]), []) == nil)
        #expect(GateMeasurements.linkedK(train, Self.table([30], ["f"]), ["nope"]) == nil)
    }

    @Test("DCR samples are disjoint, as large as the holdout, seeded")
    func samples() {
        let table = Self.table((0..<10).map(Double.init), Array(repeating: "f", count: 10))
        let samples = GateMeasurements.samples(table, rows: 3, count: 4, seed: 5)
        #expect(samples.count == 3)
        let values = samples.flatMap { sample -> [Double] in
            guard case .numeric(let numbers)? = sample.column(named: "age")?.values else { return [] }
            return numbers.values
        }
        #expect(values.count == 9 && Set(values).count == 9)
        #expect(GateMeasurements.samples(table, rows: 3, count: 4, seed: 5) == samples)
        #expect(GateMeasurements.samples(table, rows: 20, count: 4, seed: 5) == [table])
        #expect(GateMeasurements.samples(table, rows: 3, count: 1, seed: 5).count == 1)
        let summary = GateMeasurements.dcrSummary([])
        #expect(summary.closerToTraining == 0 && summary.score == 1)
    }
}

@Suite("Holdout split")
struct HoldoutSplitTests {
    static let table: Table = {
        let labels = (0..<100).map { $0 % 4 == 0 ? "yes" : "no" }
        return Table(columns: [
            Column(name: "id", values: .numeric(NumericValues((0..<100).map(Double.init)))),
            Column(name: "label", values: .categorical(CategoricalValues(labels))),
        ])
    }()

    @Test("the split is seeded, stratified, disjoint and complete")
    func split() throws {
        let a = try HoldoutSplit(table: Self.table, fraction: 0.2, seed: 9, stratify: "label")
        let b = try HoldoutSplit(table: Self.table, fraction: 0.2, seed: 9, stratify: "label")
        let c = try HoldoutSplit(table: Self.table, fraction: 0.2, seed: 10, stratify: "label")
        #expect(a == b)
        #expect(a != c)
        #expect(a.holdoutRows.count == 20)
        #expect(Set(a.trainRows).isDisjoint(with: a.holdoutRows))
        #expect((a.trainRows + a.holdoutRows).sorted() == Array(0..<100))
        #expect(a.holdoutRows.filter { $0 % 4 == 0 }.count == 5)  // a fifth of the 25 "yes" rows
        #expect(throws: EngineError.self) { try HoldoutSplit(table: Self.table, fraction: 1, seed: 1, stratify: nil) }
        #expect(throws: EngineError.self) { try HoldoutSplit(table: Self.table, fraction: 0, seed: 1, stratify: nil) }
        let one = Table(columns: [Column(name: "x", values: .numeric(NumericValues([1])))])
        #expect(throws: EngineError.self) { try HoldoutSplit(table: one, fraction: 0.5, seed: 1, stratify: nil) }
    }

    @Test("the gates' schema is inferred over all three tables, as charter evaluate infers it")
    func schemaOverTables() {
        let real = Table(columns: [Column(name: "x", values: .numeric(NumericValues([1, 2])))])
        let synthetic = Table(columns: [Column(name: "x", values: .categorical(CategoricalValues(["1", "two"])))])
        #expect(PlanRun.schema([real, real], declared: []).types["x"] == .numerical)
        let all = [real, real, synthetic]
        #expect(PlanRun.schema(all, declared: []) == TableSchema.inferred(from: all))
        #expect(PlanRun.schema([real, real, synthetic], declared: []).types["x"] == .categorical)
    }
}
