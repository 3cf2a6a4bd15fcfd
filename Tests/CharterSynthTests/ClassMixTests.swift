import CharterCore
import CharterData
import CharterPrivacyTestSupport
import Testing

@testable import CharterSynth

/// `output.class_mix`: every built-in generator draws the requested class shares exactly (quotas by
/// largest remainder, so a share is met within 1/(2·rows)), records it in its lineage, and says so
/// when the model cannot reach it.
@Suite struct ClassMixTests {
    /// 400 rows whose outcome `yes` is 25% (rows with age above its 75th percentile, plus noise).
    static func table() -> Table {
        var random = ModelRandomness(seed: 11)
        var age: [Double?] = []
        var lab: [Double?] = []
        var outcome: [String?] = []
        for row in 0..<400 {
            let a = (20 + 60 * random.unit()).rounded()
            age.append(a)
            lab.append(a / 80 + 0.3 * random.unit())
            outcome.append(row % 4 == 0 ? "yes" : "no")
        }
        var columns = SynthFixtures.numericTable([("age", age), ("lab", lab)]).columns
        columns.append(SynthFixtures.textColumn("outcome", outcome))
        return Table(columns: columns)
    }

    static let domains: [String: DeclaredDomain] = [
        "age": .numeric(lower: 18, upper: 90, integral: true), "lab": .numeric(lower: 0, upper: 2, integral: false),
        "outcome": .categorical(["no", "yes"]),
    ]
    static let mix: JSONValue = ["column": "outcome", "shares": ["yes": .decimal("0.5")]]

    static func settings(_ parameters: [String: JSONValue], epsilon: Double? = nil) -> GeneratorSettings {
        var parameters = parameters
        parameters[ClassMix.parameter] = mix
        return GeneratorSettings(
            seed: 3, epsilon: epsilon, delta: epsilon == nil ? nil : 1e-5, schema: TableSchema(types: [:]),
            domains: domains, parameters: parameters)
    }

    static func share(_ table: Table, _ label: String) -> Double {
        let column = table.column(named: "outcome")!.values
        return Double((0..<table.rowCount).filter { column.text(at: $0) == label }.count) / Double(table.rowCount)
    }

    static let tiny: [String: JSONValue] = ["epochs": 5, "batch_size": 40, "hidden": [16], "latent": 4]

    @Test("each generator turns a 25% class into exactly 50% of 301 rows (within 1/(2·301)) and records the mix")
    func everyGeneratorHonoursTheMix() throws {
        let training = Self.table()
        #expect(Self.share(training, "yes") == 0.25)
        var noise = SeededTestRandomness(seed: 4)
        var noise2 = SeededTestRandomness(seed: 5)
        let outputs: [(String, GeneratorOutput)] = [
            (
                "gaussian-copula",
                try GaussianCopulaGenerator().generate(training: training, rowCount: 301, settings: Self.settings([:]))
            ),
            (
                "dp-copula",
                try DPCopulaGenerator().generate(
                    training: training, rowCount: 301, settings: Self.settings([:], epsilon: 5), noise: &noise)
            ),
            ("vae", try VAEGenerator().generate(training: training, rowCount: 301, settings: Self.settings(Self.tiny))),
            (
                "dp-vae",
                try DPVAEGenerator().generate(
                    training: training, rowCount: 301, settings: Self.settings(Self.tiny, epsilon: 5), noise: &noise2)
            ),
        ]
        for (name, output) in outputs {
            #expect(output.table.rowCount == 301, "\(name)")
            // 0.5 × 301 = 150.5: the largest remainder gives the named class 151 or 150 rows.
            #expect(
                abs(Self.share(output.table, "yes") - 0.5) <= 1.0 / (2 * 301),
                "\(name): \(Self.share(output.table, "yes"))")
            let record = try #require(output.lineage.parameters["class_mix"], "\(name) records the mix")
            #expect(record["column"] == "outcome")
            #expect(record["drawn_rows"]?.doubleValue.map { $0 >= 301 } == true)
            #expect(record["method"]?.stringValue?.contains("exact rejection") == true)
        }
    }

    @Test("three draws of 101 rows asked at once: each draw has the mix exactly, not only the 303 rows together")
    func eachDrawHasTheMix() throws {
        var settings = Self.settings([:])
        settings.drawRows = 101
        let output = try GaussianCopulaGenerator().generate(training: Self.table(), rowCount: 303, settings: settings)
        #expect(output.table.rowCount == 303)
        for draw in 0..<3 {
            let rows = output.table.selectingRows(Array((draw * 101)..<((draw + 1) * 101)))
            // 0.5 × 101 = 50.5: the named class gets 51 or 50 rows in every draw.
            let yes = Int((Self.share(rows, "yes") * 101).rounded())
            #expect(yes == 50 || yes == 51, "draw \(draw): \(yes) of 101")
        }
        let record = try #require(output.lineage.parameters["class_mix"])
        #expect(record["rows"]?["yes"]?.doubleValue.map { $0 == 50 || $0 == 51 } == true)
        // A draw size that does not divide the rows is ignored: the mix holds over all of them.
        settings.drawRows = 100
        let uneven = try GaussianCopulaGenerator().generate(training: Self.table(), rowCount: 303, settings: settings)
        #expect(abs(Self.share(uneven.table, "yes") - 0.5) <= 1.0 / (2 * 303))
    }

    @Test("without a mix the rows are the generator's own draw, unchanged")
    func noMixIsUnchanged() throws {
        let training = Self.table()
        var plain = Self.settings([:])
        plain.parameters = [:]
        let first = try GaussianCopulaGenerator().generate(training: training, rowCount: 200, settings: plain)
        let direct = try GaussianCopulaGenerator().fit(training: training, settings: plain).sample(
            rowCount: 200, seed: 3)
        #expect(first.table == direct)
        #expect(first.lineage.parameters["class_mix"] == nil)
    }

    @Test("a class the model never draws is an error that names it and the bound, after at most 64× the rows")
    func unreachable() throws {
        var settings = Self.settings([:])
        settings.parameters[ClassMix.parameter] = ["column": "outcome", "shares": ["maybe": 0.3]]
        #expect {
            try GaussianCopulaGenerator().generate(training: Self.table(), rowCount: 100, settings: settings)
        } throws: { error in
            guard let error = error as? GeneratorError else { return false }
            return error.code == "CH724" && error.message.contains("'maybe' drawn 0 times")
                && error.message.contains("within 6400 drawn rows")
        }
    }

    @Test("quotas: largest remainder, summing to the rows; shares summing to 1 leave no rest")
    func quotas() {
        let mix = ClassMix(column: "c", shares: ["a": 0.5, "b": 0.25])
        let (named, rest) = mix.quotas(rowCount: 10)
        #expect(named.map(\.label) == ["a", "b"])
        #expect(named.map(\.rows).reduce(0, +) + rest == 10)
        #expect(named[0].rows == 5 && rest + named[1].rows == 5 && abs(named[1].rows - 2) <= 1)
        let full = ClassMix(column: "c", shares: ["a": 1.0 / 3, "b": 2.0 / 3]).quotas(rowCount: 100)
        #expect(full.rest == 0 && full.named.map(\.rows).reduce(0, +) == 100)
    }

    @Test("malformed class_mix parameters are refused")
    func malformed() {
        for bad: JSONValue in [
            "yes", ["column": "outcome"], ["column": "outcome", "shares": ["yes": 1.5]],
            ["column": "outcome", "shares": ["yes": 0.7, "no": 0.6]], ["shares": ["yes": 0.5]],
        ] {
            #expect(throws: GeneratorError.self) { try ClassMix([ClassMix.parameter: bad]) }
        }
    }
}
