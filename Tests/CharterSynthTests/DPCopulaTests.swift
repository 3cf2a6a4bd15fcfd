import CharterAccounting
import CharterCore
import CharterData
import CharterPrivacy
import CharterPrivacyTestSupport
import CharterStats
import CharterTestSupport
import Foundation
import Testing

@testable import CharterSynth

/// dp-copula at ε = 1, δ = 1e-6 on shared datasets, with domains declared from what the variables
/// are (not read from the data).
@Suite struct DPCopulaTests {
    struct Dataset: Sendable, CustomStringConvertible {
        var file: String
        var drop: [String]
        var schema: TableSchema
        var domains: [String: DeclaredDomain]
        var parameters: [String: JSONValue] = [:]
        var description: String { file }
    }

    /// GBSG2: hormonal therapy, age (years), menopausal status, tumour size (mm), grade, positive
    /// lymph nodes, progesterone and oestrogen receptors (fmol/mg), recurrence-free time (days, a
    /// trial of under ten years), censoring indicator.
    static let gbsg2 = Dataset(
        file: "gbsg2.csv", drop: [],
        schema: GBSG2Fixture.schema, domains: GBSG2Fixture.domains,
        parameters: ["bins": 16])

    /// NAFLD (Olmsted County): age (years), sex, weight (kg), height (cm), BMI (kg/m²), follow-up
    /// (days; the cohort runs 1997-2014 with follow-up to 2017, under 10,000 days), status. The
    /// identifiers `id` and `case.id` are not modelled.
    static let nafld1 = Dataset(
        file: "nafld1.csv", drop: ["id", "case.id"],
        schema: TableSchema(types: [
            "age": .numerical, "male": .ordinal, "weight": .numerical, "height": .numerical, "bmi": .numerical,
            "futime": .numerical, "status": .ordinal,
        ]),
        domains: [
            "age": .numeric(lower: 0, upper: 120, integral: true), "male": .categorical(["0", "1"]),
            "weight": .numeric(lower: 0, upper: 300, integral: false),
            "height": .numeric(lower: 50, upper: 250, integral: false),
            "bmi": .numeric(lower: 0, upper: 150, integral: false),
            "futime": .numeric(lower: 0, upper: 10000, integral: true), "status": .categorical(["0", "1"]),
        ])

    static func load(_ dataset: Dataset) throws -> Table {
        let path = SynthFixtures.datasets.appendingPathComponent(dataset.file).path
        var types = dataset.schema.columnTypes
        for name in dataset.drop { types[name] = .numeric }
        let table = try CSVReader(columnTypes: types).read(contentsOf: path)
        let kept = table.columns.filter { !dataset.drop.contains($0.name) }
        return Table(columns: kept, rowCount: table.rowCount)
    }

    static func settings(_ dataset: Dataset, epsilon: Double = 1, seed: UInt64 = 5) -> GeneratorSettings {
        GeneratorSettings(
            seed: seed, epsilon: epsilon, delta: 1e-6, schema: dataset.schema, domains: dataset.domains,
            parameters: dataset.parameters)
    }

    /// Every value of `table` lies in its declared domain.
    static func expectInsideDomains(_ table: Table, _ domains: [String: DeclaredDomain]) {
        for column in table.columns {
            guard let domain = domains[column.name] else {
                Issue.record("no domain for \(column.name)")
                continue
            }
            for row in 0..<table.rowCount {
                guard let text = column.values.text(at: row) else { continue }
                switch (domain, column.values) {
                case (.numeric(let lower, let upper, let integral), .numeric(let values)):
                    let x = values.values[row]
                    if x < lower || x > upper || (integral && x != x.rounded()) {
                        Issue.record("\(column.name) row \(row): \(x) outside [\(lower), \(upper)]")
                        return
                    }
                case (.categorical(let categories), _):
                    if !categories.contains(text) {
                        Issue.record("\(column.name) row \(row): '\(text)' not declared")
                        return
                    }
                default:
                    Issue.record("\(column.name): domain kind and column type disagree")
                    return
                }
            }
        }
    }

    @Test(arguments: [gbsg2, nafld1])
    func epsilonOneOnSharedDatasets(_ dataset: Dataset) throws {
        let table = try Self.load(dataset)
        var random = SeededTestRandomness(seed: 99)
        let output = try DPCopulaGenerator().generate(
            training: table, rowCount: table.rowCount, settings: Self.settings(dataset), noise: &random)
        let privacy = try #require(output.privacy)
        #expect(privacy.epsilon <= 1)
        #expect(privacy.epsilon > 0.99, "the split should use the budget, spent \(privacy.epsilon)")
        #expect(privacy.delta == 1e-6)
        #expect(!privacy.claimedByExternalTool)
        #expect(privacy.mechanisms.count == table.columns.count + 1)
        // Re-derive the spend from the mechanisms' own records.
        var rho = 0.0
        for mechanism in privacy.mechanisms {
            guard case .zeroConcentrated(let r) = mechanism.guarantee else {
                Issue.record("not zCDP: \(mechanism.guarantee)")
                continue
            }
            #expect(mechanism.randomness == .deterministicTestOnly)
            #expect(mechanism.noise.allSatisfy { $0.distribution == .discreteGaussian })
            rho += r
        }
        #expect(ZeroConcentratedDP.epsilon(rho: rho, delta: 1e-6).epsilon <= 1)
        #expect(rho <= ZeroConcentratedDP.rho(epsilon: 1, delta: 1e-6))
        #expect(output.table.columnNames == table.columnNames)
        #expect(output.table.rowCount == table.rowCount)
        Self.expectInsideDomains(output.table, dataset.domains)
        let budget = try #require(output.lineage.parameters["budget"])
        #expect(budget["rho_spent"]?.doubleValue == rho)
        #expect(budget["epsilon_target"]?.doubleValue == 1)
        let quality = QualityReport(real: table, synthetic: output.table, schema: dataset.schema)
        print(
            "dp-copula \(dataset.file) epsilon=1 delta=1e-6: spent epsilon \(privacy.epsilon), quality "
                + "\(quality.defaultThresholds.overall ?? .nan) (shapes \(quality.defaultThresholds.columnShapes ?? .nan), "
                + "trends \(quality.defaultThresholds.columnPairTrends ?? .nan)); warnings: \(output.warnings)")
    }

    @Test func secureRandomnessOnTheReleasePath() throws {
        let dataset = Self.gbsg2
        let table = try Self.load(dataset)
        let output = try DPCopulaGenerator().generate(
            training: table, rowCount: 1000, settings: Self.settings(dataset))
        let privacy = try #require(output.privacy)
        #expect(privacy.epsilon <= 1)
        #expect(privacy.mechanisms.allSatisfy { $0.randomness == .systemSecure })
        #expect(privacy.accountant == DPCopulaGenerator.accountant)
        Self.expectInsideDomains(output.table, dataset.domains)
        #expect(SyntheticDataGenerators.generator(named: "dp-copula")?.isDifferentiallyPrivate == true)
    }

    @Test(arguments: [0.01, 0.1, 0.5, 2, 8])
    func spentEpsilonNeverExceedsTheRequest(_ epsilon: Double) throws {
        let dataset = Self.gbsg2
        let table = try Self.load(dataset)
        for (delta, share) in [(1e-6, 0.5), (1e-9, 0.2), (1e-3, 0.9)] {
            var random = SeededTestRandomness(seed: 3)
            var settings = Self.settings(dataset, epsilon: epsilon)
            settings.delta = delta
            settings.parameters["marginal_share"] = .number(share)
            let output = try DPCopulaGenerator().generate(
                training: table, rowCount: 50, settings: settings, noise: &random)
            let spent = try #require(output.privacy?.epsilon)
            #expect(spent <= epsilon, "epsilon \(epsilon) delta \(delta): spent \(spent)")
            #expect(spent >= epsilon * 0.999, "epsilon \(epsilon) delta \(delta): spent \(spent)")
        }
    }

    /// With a large ε and many rows the noisy model recovers a known correlation and shares.
    @Test func recoversStructureWhenNoiseIsSmall() throws {
        let table = GaussianCopulaTests.training(rows: 20000)
        let domains: [String: DeclaredDomain] = [
            "x": .numeric(lower: -5, upper: 5, integral: false), "y": .numeric(lower: 0, upper: 100, integral: true),
            "flag": .categorical(["0", "1"]), "partial": .numeric(lower: 0, upper: 100, integral: true),
            "colour": .categorical(["blue", "green", "red"]),
        ]
        var random = SeededTestRandomness(seed: 1)
        let output = try DPCopulaGenerator().generate(
            training: table, rowCount: 20000,
            settings: GeneratorSettings(
                seed: 2, epsilon: 8, delta: 1e-6, schema: GaussianCopulaTests.schema, domains: domains,
                parameters: ["bins": 64]),
            noise: &random)
        #expect(output.warnings.isEmpty, "\(output.warnings)")
        Self.expectInsideDomains(output.table, domains)
        guard case .numeric(let x) = output.table.columns[0].values,
            case .numeric(let y) = output.table.columns[1].values,
            case .numeric(let partial) = output.table.columns[3].values,
            case .numeric(let realX) = table.columns[0].values, case .numeric(let realY) = table.columns[1].values
        else {
            Issue.record("unexpected column types")
            return
        }
        let real = try #require(Correlation.pearson(realX.values, realY.values))
        let synthetic = try #require(Correlation.pearson(x.values, y.values))
        #expect(abs(real - synthetic) < 0.05, "real \(real), synthetic \(synthetic)")
        let missing = Double(partial.isMissing.filter { $0 }.count) / 20000
        #expect(abs(missing - 1.0 / 3.0) < 0.03, "missing share \(missing)")
        let quality = QualityReport(real: table, synthetic: output.table, schema: GaussianCopulaTests.schema)
        #expect((quality.defaultThresholds.overall ?? 0) > 0.85, "quality \(quality.defaultThresholds.overall ?? .nan)")
    }

    @Test func warnsWhenTheNoiseSwampsTheSignal() throws {
        let dataset = Self.gbsg2
        let table = try Self.load(dataset)
        var random = SeededTestRandomness(seed: 4)
        let output = try DPCopulaGenerator().generate(
            training: table, rowCount: 100, settings: Self.settings(dataset, epsilon: 0.05), noise: &random)
        #expect(output.warnings.contains { $0.contains("noise swamps the correlations") }, "\(output.warnings)")
        #expect(output.warnings.contains { $0.contains("histogram") }, "\(output.warnings)")
        Self.expectInsideDomains(output.table, dataset.domains)
        #expect((output.privacy?.epsilon ?? 1) <= 0.05)
    }

    @Test func badInput() throws {
        let dataset = Self.gbsg2
        let table = try Self.load(dataset)
        func code(_ settings: GeneratorSettings, _ training: Table? = nil) -> String? {
            SynthFixtures.error { () throws(GeneratorError) in
                var random = SeededTestRandomness(seed: 1)
                return try DPCopulaGenerator().generate(
                    training: training ?? table, rowCount: 10, settings: settings, noise: &random)
            }?.code
        }
        var settings = Self.settings(dataset)
        settings.domains["age"] = nil
        #expect(code(settings) == "CH707")
        settings = Self.settings(dataset)
        settings.epsilon = nil
        #expect(code(settings) == "CH710")
        for epsilon in [0, -1, Double.nan, .infinity] {
            settings.epsilon = epsilon
            #expect(code(settings) == "CH710")
        }
        settings = Self.settings(dataset)
        for delta in [nil, 0, 1, 1.5] as [Double?] {
            settings.delta = delta
            #expect(code(settings) == "CH710")
        }
        settings = Self.settings(dataset)
        settings.domains["pnodes"] = .numeric(lower: 0, upper: 20, integral: true)
        #expect(code(settings) == "CH705")
        settings = Self.settings(dataset)
        settings.domains["tgrade"] = .categorical(["I", "II"])
        #expect(code(settings) == "CH705")
        for (key, value) in [("marginal_share", 1.0), ("bins", 1), ("bins", 2.5), ("clip_radius", 0)]
            as [(String, JSONValue)]
        {
            settings = Self.settings(dataset)
            settings.parameters[key] = value
            #expect(code(settings) == "CH711", "\(key)")
        }
        // A target's classes come from its declared domain, never from the rows: refusing a table
        // whose rows hold one class would say so without noise.
        settings = Self.settings(dataset)
        settings.parameters["target"] = "cens"
        let oneClass = table.selectingRows(
            (0..<table.rowCount).filter { table.column(named: "cens")?.values.text(at: $0) == "1" })
        #expect(code(settings, oneClass) == nil)
        settings.domains["cens"] = .numeric(lower: 1, upper: 1, integral: true)
        #expect(code(settings, oneClass) == "CH708")
    }

    @Test func simplexProjectionKeepsTheTotal() {
        #expect(NoisyMarginal.projectedToSimplex([10, -3, 2, -1]) == [8, 0, 0, 0])
        let projected = NoisyMarginal.projectedToSimplex([10, -1, 4, 1])
        for (value, expected) in zip(projected, [29.0 / 3, 0, 11.0 / 3, 2.0 / 3]) {
            #expect(abs(value - expected) < 1e-12)
        }
        #expect(NoisyMarginal.projectedToSimplex([-1, -2]) == [0, 0])
        #expect(NoisyMarginal.projectedToSimplex([3, 4]) == [3, 4])
    }
}
