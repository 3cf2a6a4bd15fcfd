import CharterCore
import CharterData
import CharterPlan
import CharterSynth
import Foundation
import Testing

@testable import CharterEngine

/// A collapsed generator: the first training row, `rowCount` times.
struct CollapsedGenerator: SyntheticDataGenerator {
    var name = "test-collapsed"
    var version = "0.0.1"
    var isDifferentiallyPrivate = false

    func generate(training: Table, rowCount: Int, settings: GeneratorSettings) throws(GeneratorError) -> GeneratorOutput
    {
        GeneratorOutput(
            table: training.selectingRows([Int](repeating: 0, count: rowCount)), privacy: nil,
            lineage: GeneratorLineage(generator: name, version: version, seed: settings.seed, parameters: [:]))
    }
}

@Suite("Diversity gate and class mix through the engine", .serialized)
struct DiversityAndClassMixTests {
    static let diversity: [PlanCheck] = [
        EngineFixture.check(
            "diversity.distinct_rows_min", "diversity.distinct_rows", .atLeast, Decimal(string: "0.9")!),
        EngineFixture.check("diversity.missing_categories_max", "diversity.missing_categories", .atMost, 0),
        EngineFixture.check(
            "diversity.minority_recall_min", "diversity.minority_recall", .atLeast, Decimal(string: "0.5")!),
    ]

    @Test("a collapsed generator fails all three diversity checks and publishes nothing; a healthy one passes them")
    func collapsedFails() throws {
        let fixture = try EngineFixture()
        defer { fixture.remove() }
        let plan = fixture.plan(utility: Self.diversity, generator: "test-collapsed", epsilon: nil)
        let outcome = try fixture.engine(CollapsedGenerator()).run(plan: plan, request: EngineFixture.request)
        guard case .gateFailed(let run) = outcome else {
            Issue.record("expected a gate failure, got \(outcome)")
            return
        }
        #expect(run.failed.map(\.check) == Self.diversity.map(\.id))
        let distinct = try #require(run.failed.first)
        #expect(distinct.measured == 1.0 / 1000)
        #expect(distinct.note?.contains("1 distinct of 1000 synthetic rows") == true)
        #expect(run.failed[1].note?.contains("missing:") == true)
        #expect(run.failed[2].measured == 0)
        #expect(!FileManager.default.fileExists(atPath: fixture.outputDirectory))

        let healthy = try EngineFixture()
        defer { healthy.remove() }
        let passed = try healthy.engine().run(
            plan: healthy.plan(utility: Self.diversity, epsilon: nil), request: EngineFixture.request)
        guard case .published(let published) = passed else {
            Issue.record("expected a published run, got \(passed)")
            return
        }
        #expect(published.certificate.gates.filter { $0.check.hasPrefix("diversity.") }.count == 3)
    }

    /// The plan with `class_mix` in its generate stage's parameters.
    static func withMix(_ plan: Plan, _ mix: JSONValue?) -> Plan {
        var plan = plan
        plan.stages = plan.stages.map { stage in
            guard case .generate(var generate) = stage, let mix else { return stage }
            generate.parameters[ClassMix.parameter] = mix
            return .generate(generate)
        }
        plan.digest = plan.computedDigest
        return plan
    }

    @Test(
        "class_mix {1: 0.75} on gbsg2 (44% events): exactly 750 of 1,000 rows, recorded; TSTR still on the real holdout"
    )
    func classMix() throws {
        var trtr: [Double?] = []
        for mix: JSONValue? in [nil, ["column": "cens", "shares": ["1": .decimal("0.75")]]] {
            let fixture = try EngineFixture()
            defer { fixture.remove() }
            let utility = [EngineFixture.check("tstr.ratio_min", "tstr.ratio", .atLeast, Decimal(string: "0.5")!)]
            let plan = Self.withMix(fixture.plan(utility: utility, generator: "gaussian-copula", epsilon: nil), mix)
            let outcome = try fixture.engine(GaussianCopulaGenerator()).run(plan: plan, request: EngineFixture.request)
            guard case .published(let run) = outcome else {
                Issue.record("expected a published run, got \(outcome)")
                return
            }
            let synthetic = try CSVReader().read(contentsOf: run.syntheticPath)
            let cens = try #require(synthetic.column(named: "cens")?.values)
            let events = (0..<synthetic.rowCount).filter { cens.text(at: $0) == "1" }.count
            let lineage = run.certificate.lineage.generator.parameters.value
            if mix != nil {
                #expect(events == 750)
                #expect(lineage["class_mix"]?["rows"]?["1"] == 750)
                #expect(lineage["class_mix"]?["other_classes_rows"] == 250)
            } else {
                #expect(lineage["class_mix"] == nil)
            }
            // The gate's AUCs are measured on the real holdout rows of the same split.
            #expect(run.certificate.lineage.split.holdoutRows == 137)
            trtr.append(run.certificate.utility.tstr?.aucTRTR)
        }
        #expect(trtr.count == 2 && trtr[0] != nil && trtr[0] == trtr[1], "TRTR is the real train → real holdout AUC")
    }
}
