import CharterCore
import CharterData
import CharterPlan
import CharterRegistry
import CharterSynth
import Foundation
import Testing

@testable import CharterEngine

/// A generator whose first `spoiled` rows carry a target column shuffled out of any relation to the
/// features (so TSTR fails on them) and whose other rows are the resampling generator's.
struct SpoiledFirstRowsGenerator: SyntheticDataGenerator {
    var name = "test-resampling"
    var version = "0.0.1"
    var isDifferentiallyPrivate = true
    var spoiled: Int
    var calls = Counter()

    final class Counter: @unchecked Sendable {
        // INVARIANT: tests run one engine at a time on it (the suite is serialized).
        var value = 0
    }

    func generate(training: Table, rowCount: Int, settings: GeneratorSettings) throws(GeneratorError) -> GeneratorOutput
    {
        calls.value += 1
        var output = try ResamplingGenerator().generate(training: training, rowCount: rowCount, settings: settings)
        guard let index = output.table.columnNames.firstIndex(of: "cens") else { return output }
        var columns = output.table.columns
        var random = SplitMix64(seed: 99)
        let limit = min(spoiled, rowCount)
        var order = Array(0..<rowCount)
        for i in stride(from: limit - 1, to: 0, by: -1) { order.swapAt(i, Int(random.next() % UInt64(i + 1))) }
        columns[index] = Column(name: "cens", values: columns[index].values.selecting(order))
        output.table = Table(columns: columns, rowCount: rowCount)
        return output
    }
}

/// Several draws and regeneration (issue 21): one fit, draws and attempts sampled from it, every
/// attempt in the certificate, the spent ε the one fit's, matching the ledger.
@Suite("Gate draws and regeneration", .serialized)
struct RegenerationTests {
    static let utility = [EngineFixture.check("tstr.ratio_min", "tstr.ratio", .atLeast, Decimal(string: "0.9")!)]
    static let privacy = [EngineFixture.check("epsilon_spent.max", "epsilon_spent", .atMost, 1)]

    static func plan(_ fixture: EngineFixture, draws: Int, attempts: Int) -> Plan {
        var plan = fixture.plan(privacy: privacy, utility: utility)
        plan.stages = plan.stages.map { stage in
            guard case .generate(var generate) = stage else { return stage }
            generate.draws = draws
            generate.attempts = attempts
            return .generate(generate)
        }
        plan.digest = plan.computedDigest
        return plan
    }

    @Test("a run that fails once and passes on the second attempt publishes with both attempts")
    func failsOnceThenPasses() throws {
        let fixture = try EngineFixture()
        defer { fixture.remove() }
        // 2 draws of 1,000 rows per attempt: the first attempt's 2,000 rows are spoiled.
        let generator = SpoiledFirstRowsGenerator(spoiled: 2000)
        let outcome = try fixture.engine(generator).run(
            plan: Self.plan(fixture, draws: 2, attempts: 3), request: EngineFixture.request)
        guard case .published(let run) = outcome else {
            Issue.record("expected a published run, got \(outcome)")
            return
        }
        #expect(generator.calls.value == 1, "one fit for every draw and attempt")
        let record = try #require(run.certificate.gateAttempts)
        #expect(record.drawsPerAttempt == 2 && record.rowsPerDraw == 1000 && record.maxAttempts == 3)
        #expect(record.attempts.map(\.passed) == [false, true])
        #expect(record.attempts[0].failed == ["tstr.ratio_min"] && record.attempts[1].failed.isEmpty)
        #expect(record.attempts.map(\.firstRow) == [0, 2000])
        #expect(record.selection?.contains("lie outside the differential-privacy guarantee") == true)
        // The published table is the second attempt's first draw, and the gates describe that attempt.
        #expect(run.certificate.lineage.synthetic.rows == 1000)
        let tstr = try #require(run.certificate.gates.first { $0.check == "tstr.ratio_min" })
        #expect(tstr.passed && tstr.uncertainty?.draws == 2)
        #expect(tstr.uncertainty?.method.contains("Rubin") == true)
        // ε: one fit, reserved once and committed once; the certificate claims exactly that.
        let events = try fixture.registry.budget(for: "gbsg2-test", at: EngineFixture.now).events
        #expect(events.map(\.state) == [.committed])
        #expect(events.first?.cost == .approximate(epsilon: 1, delta: Decimal(string: "0.000001")!))
        #expect(run.certificate.privacy.epsilonSpent == 1)
        // The certificate still verifies with its new member.
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: run.certificatePath)))
        let synthetic = [UInt8](try Data(contentsOf: URL(fileURLWithPath: run.syntheticPath)))
        let verification = CertificateVerifier(signingKeys: try fixture.registry.signingKeys(), now: EngineFixture.now)
            .verify(fileBytes: bytes, registry: fixture.registry, data: synthetic)
        #expect(verification.isValid, "\(verification.findings)")
        #expect(String(decoding: bytes, as: UTF8.self).contains("\"gate_attempts\""))
    }

    @Test("without regeneration the same spoiled draws fail the gate, and the failure lists its attempt")
    func oneAttemptFails() throws {
        let fixture = try EngineFixture()
        defer { fixture.remove() }
        let outcome = try fixture.engine(SpoiledFirstRowsGenerator(spoiled: 2000)).run(
            plan: Self.plan(fixture, draws: 2, attempts: 1), request: EngineFixture.request)
        guard case .gateFailed(let run) = outcome else {
            Issue.record("expected a gate failure, got \(outcome)")
            return
        }
        #expect(run.failed.map(\.check) == ["tstr.ratio_min"])
        let events = try fixture.registry.budget(for: "gbsg2-test", at: EngineFixture.now).events
        #expect(events.map(\.state) == [.committed])
    }

    @Test("a plan whose policy refuses underpowered gates is refused before any budget is reserved")
    func underpoweredRefusal() throws {
        let fixture = try EngineFixture()
        defer { fixture.remove() }
        var plan = fixture.plan(privacy: Self.privacy, utility: Self.utility)
        plan.warnings = [PlanWarning(code: "underpowered-gate", severity: .error, message: "tstr.ratio_min (…)")]
        plan.digest = plan.computedDigest
        #expect {
            try fixture.engine().run(plan: plan, request: EngineFixture.request)
        } throws: { ($0 as? EngineError)?.kind == .refused && ($0 as? EngineError)?.stage == "plan" }
        #expect((try? fixture.registry.budget(for: "gbsg2-test", at: EngineFixture.now))?.events.isEmpty ?? true)
    }
}
