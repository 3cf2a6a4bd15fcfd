import CharterCore
import CharterData
import CharterStats
import CharterSynth
import Foundation
import Testing

/// A small deterministic generator for building training tables in tests.
struct TestLCG {
    var state: UInt64
    mutating func unit() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return (Double(state >> 11) + 0.5) * 0x1p-53
    }
    mutating func normal() -> Double {
        (-2 * log(unit())).squareRoot() * cos(2 * Double.pi * unit())
    }
}

@Suite struct GaussianCopulaTests {
    /// x, y normal with correlation 0.8, a flag that is 1 when x + noise > 0.5, a text column
    /// whose category depends on y, and a column with every third value missing.
    static func training(rows n: Int = 3000) -> Table {
        var random = TestLCG(state: 42)
        var x: [Double?] = []
        var y: [Double?] = []
        var flag: [Double?] = []
        var partial: [Double?] = []
        var colour: [String?] = []
        for i in 0..<n {
            let a = random.normal()
            let b = 0.8 * a + 0.6 * random.normal()
            x.append((a * 1000).rounded() / 1000)
            y.append((50 + 10 * b).rounded())
            flag.append(a + 0.5 * random.normal() > 0.5 ? 1 : 0)
            partial.append(i % 3 == 0 ? nil : (random.unit() * 100).rounded())
            colour.append(b < -0.5 ? "blue" : (b < 0.7 ? "green" : "red"))
        }
        var table = SynthFixtures.numericTable([("x", x), ("y", y), ("flag", flag), ("partial", partial)])
        table = Table(columns: table.columns + [SynthFixtures.textColumn("colour", colour)])
        return table
    }

    static let schema = TableSchema(types: [
        "x": .numerical, "y": .numerical, "flag": .ordinal, "partial": .numerical, "colour": .categorical,
    ])

    static func generate(_ table: Table, rows: Int = 5000, seed: UInt64 = 7, domains: [String: DeclaredDomain] = [:])
        throws -> GeneratorOutput
    {
        try GaussianCopulaGenerator().generate(
            training: table, rowCount: rows,
            settings: GeneratorSettings(seed: seed, schema: schema, domains: domains))
    }

    @Test func sameSeedSameRowsOtherSeedOtherRows() throws {
        let table = Self.training()
        let a = try Self.generate(table, seed: 11)
        let b = try Self.generate(table, seed: 11)
        let c = try Self.generate(table, seed: 12)
        #expect(a.table == b.table)
        #expect(a.table != c.table)
        #expect(a.lineage == b.lineage)
        #expect(CSVWriter().write(a.table) == CSVWriter().write(b.table))
    }

    @Test func reproducesCorrelationsIncludingCoarseColumns() throws {
        let table = Self.training()
        let output = try Self.generate(table, rows: 20000)
        func column(_ t: Table, _ name: String) throws -> NumericValues {
            guard case .numeric(let values) = try #require(t.column(named: name)).values else {
                throw GeneratorError(code: "test", message: "not numeric")
            }
            return values
        }
        for (a, b) in [("x", "y"), ("x", "flag"), ("y", "flag")] {
            let real = try #require(
                Correlation.pearson(try column(table, a).values, try column(table, b).values))
            let synthetic = try #require(
                Correlation.pearson(try column(output.table, a).values, try column(output.table, b).values))
            #expect(abs(real - synthetic) < 0.03, "\(a)-\(b): real \(real), synthetic \(synthetic)")
        }
        // Without the attenuation correction the 0/1 column's correlations shrink visibly.
        let uncorrected = try GaussianCopulaGenerator().generate(
            training: table, rowCount: 20000,
            settings: GeneratorSettings(
                seed: 7, schema: Self.schema, parameters: ["attenuation_correction": false]))
        let real = try #require(Correlation.pearson(try column(table, "x").values, try column(table, "flag").values))
        let shrunk = try #require(
            Correlation.pearson(
                try column(uncorrected.table, "x").values, try column(uncorrected.table, "flag").values))
        #expect(shrunk < real - 0.08, "uncorrected \(shrunk) vs real \(real)")
    }

    @Test func keepsTypesRangesCategoriesAndMissingRates() throws {
        let table = Self.training()
        let output = try Self.generate(table, rows: 20000)
        #expect(output.table.columnNames == table.columnNames)
        for (real, synthetic) in zip(table.columns, output.table.columns) {
            #expect(real.type == synthetic.type, "\(real.name)")
        }
        guard case .numeric(let y) = output.table.columns[1].values, case .numeric(let realY) = table.columns[1].values,
            case .numeric(let flag) = output.table.columns[2].values,
            case .numeric(let partial) = output.table.columns[3].values,
            case .categorical(let colour) = output.table.columns[4].values
        else {
            Issue.record("unexpected column types")
            return
        }
        // Integers stay integers (learned rounding) and inside the training range.
        #expect(y.values.allSatisfy { $0 == $0.rounded() })
        #expect(y.values.min() ?? 0 >= realY.values.min() ?? 0)
        #expect(y.values.max() ?? 0 <= realY.values.max() ?? 0)
        #expect(Set(flag.values) == [0, 1])
        #expect(Set(colour.codes.map { colour.levels[Int($0)] }) == ["blue", "green", "red"])
        let missingShare = Double(partial.isMissing.filter { $0 }.count) / 20000
        #expect(abs(missingShare - 1.0 / 3.0) < 0.02, "missing share \(missingShare)")
        #expect(y.isMissing.allSatisfy { !$0 })
        // Shapes match: the quality report's column shapes are high.
        let quality = QualityReport(real: table, synthetic: output.table, schema: Self.schema)
        for shape in quality.shapes { #expect((shape.score ?? 0) > 0.95, "\(shape.column): \(shape.score ?? .nan)") }
    }

    @Test func respectsDeclaredDomains() throws {
        let table = Self.training()
        let output = try Self.generate(
            table, rows: 5000,
            domains: [
                "x": .numeric(lower: -5, upper: 5, integral: false),
                "y": .numeric(lower: 0, upper: 120, integral: true),
                "colour": .categorical(["red", "green", "blue", "violet"]),
            ])
        guard case .numeric(let y) = output.table.columns[1].values,
            case .categorical(let colour) = output.table.columns[4].values
        else {
            Issue.record("unexpected column types")
            return
        }
        #expect(y.values.allSatisfy { $0 == $0.rounded() && $0 >= 0 && $0 <= 120 })
        // The declared order is the model's order; a declared but unseen category is never sampled.
        #expect(colour.levels == ["red", "green", "blue", "violet"])
        #expect(!colour.codes.contains(3))
    }

    @Test func booleanAndAllMissingColumns() throws {
        let n = 200
        let table = Table(columns: [
            Column(
                name: "b",
                values: .boolean(
                    BooleanValues(values: (0..<n).map { $0 % 4 == 0 }, isMissing: (0..<n).map { $0 % 10 == 9 }))),
            Column(
                name: "empty",
                values: .numeric(
                    NumericValues(
                        values: [Double](repeating: 0, count: n), isMissing: [Bool](repeating: true, count: n)))),
            Column(name: "constant", values: .numeric(NumericValues([Double](repeating: 3.5, count: n)))),
        ])
        let output = try GaussianCopulaGenerator().generate(
            training: table, rowCount: 4000,
            settings: GeneratorSettings(seed: 1, schema: TableSchema.inferred(from: [table])))
        guard case .boolean(let b) = output.table.columns[0].values,
            case .numeric(let empty) = output.table.columns[1].values,
            case .numeric(let constant) = output.table.columns[2].values
        else {
            Issue.record("unexpected column types")
            return
        }
        let trueShare =
            Double(zip(b.values, b.isMissing).filter { $0 && !$1 }.count) / Double(b.isMissing.filter { !$0 }.count)
        #expect(abs(trueShare - 50.0 / 180.0) < 0.03)
        #expect(empty.isMissing.allSatisfy { $0 })
        #expect(constant.values.allSatisfy { $0 == 3.5 })
        #expect(output.warnings.contains { $0.contains("'empty' has no values") })
    }

    @Test func fitOnceSampleManyTimes() throws {
        let table = Self.training()
        let settings = GeneratorSettings(seed: 3, schema: Self.schema)
        let fitted = try GaussianCopulaGenerator().fit(training: table, settings: settings)
        let whole = try GaussianCopulaGenerator().generate(training: table, rowCount: 700, settings: settings)
        #expect(try fitted.sample(rowCount: 700, seed: 3) == whole.table)
        #expect(fitted.lineageParameters == whole.lineage.parameters)
        #expect(try fitted.sample(rowCount: 10, seed: 4).rowCount == 10)
        let error = SynthFixtures.error { () throws(GeneratorError) in
            GeneratorOutput(
                table: try fitted.sample(rowCount: 0, seed: 1), privacy: nil,
                lineage: GeneratorLineage(generator: "", version: "", seed: 0, parameters: .null))
        }
        #expect(error?.code == "CH702")
    }

    @Test func lookupByName() {
        #expect(SyntheticDataGenerators.generator(named: "gaussian-copula")?.name == "gaussian-copula")
        #expect(SyntheticDataGenerators.generator(named: "gaussian-copula")?.isDifferentiallyPrivate == false)
        #expect(SyntheticDataGenerators.generator(named: "ctgan") == nil)
        #expect(SyntheticDataGenerators.names == SyntheticDataGenerators.names.sorted())
        #expect(Set(DiagnosticCode.generatorCodes.map(\.id)).count == DiagnosticCode.generatorCodes.count)
        #expect(DiagnosticCode.generatorCodes.allSatisfy { $0.id >= "CH700" && $0.id <= "CH729" })
    }
}
