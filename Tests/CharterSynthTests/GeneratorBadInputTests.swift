import CharterCore
import CharterData
import CharterSynth
import Testing

/// What the copula generators do with input a user can get wrong: each case a clear error code.
@Suite struct GeneratorBadInputTests {
    static let table = SynthFixtures.numericTable([
        ("age", [34, 50, 61, nil, 47, 72]), ("nodes", [0, 3, 1, 2, 0, 5]),
    ])

    static func code(
        _ table: Table = table, rows: Int = 10, domains: [String: DeclaredDomain] = [:],
        schema: TableSchema? = nil, parameters: [String: JSONValue] = [:]
    ) -> String? {
        SynthFixtures.error { () throws(GeneratorError) in
            try GaussianCopulaGenerator().generate(
                training: table, rowCount: rows,
                settings: GeneratorSettings(
                    seed: 1, schema: schema ?? TableSchema.inferred(from: [table]), domains: domains,
                    parameters: parameters))
        }?.code
    }

    @Test func emptyTables() {
        #expect(Self.code(Table(columns: [], rowCount: 0)) == "CH700")
        #expect(Self.code(SynthFixtures.numericTable([("age", [])])) == "CH700")
    }

    @Test func moreColumnsThanRows() {
        let wide = SynthFixtures.numericTable((0..<5).map { ("c\($0)", [1.0, 2.0, 3.0]) })
        #expect(Self.code(wide) == "CH701")
        let square = SynthFixtures.numericTable((0..<3).map { ("c\($0)", [1.0, 2.0, 3.0]) })
        #expect(Self.code(square) == nil)
    }

    @Test func rowCounts() {
        #expect(Self.code(rows: 0) == "CH702")
        #expect(Self.code(rows: -3) == "CH702")
        #expect(Self.code(rows: 1) == nil)
    }

    @Test func domainsThatDoNotFitTheData() {
        #expect(Self.code(domains: ["weight": .numeric(lower: 0, upper: 300, integral: false)]) == "CH703")
        #expect(Self.code(domains: ["age": .numeric(lower: 40, upper: 120, integral: true)]) == "CH705")
        #expect(Self.code(domains: ["age": .numeric(lower: 0, upper: 70, integral: true)]) == "CH705")
        #expect(Self.code(domains: ["nodes": .categorical(["0", "1", "2", "3"])]) == "CH705")
        #expect(Self.code(domains: ["nodes": .categorical(["0", "1", "2", "3", "5"])]) == nil)
        #expect(Self.code(domains: ["nodes": .categorical(["none", "some"])]) == "CH704")
        #expect(Self.code(domains: ["age": .boolean]) == "CH704")
        let halves = SynthFixtures.numericTable([("dose", [0.5, 1, 1.5])])
        #expect(Self.code(halves, domains: ["dose": .numeric(lower: 0, upper: 2, integral: true)]) == "CH705")
        #expect(Self.code(halves, domains: ["dose": .numeric(lower: 0, upper: 2, integral: false)]) == nil)
        let text = Table(columns: [SynthFixtures.textColumn("sex", ["f", "m", "x", nil])])
        #expect(Self.code(text, domains: ["sex": .categorical(["f", "m"])]) == "CH705")
        #expect(Self.code(text, domains: ["sex": .numeric(lower: 0, upper: 1, integral: true)]) == "CH704")
        #expect(Self.code(text, schema: TableSchema(types: ["sex": .numerical])) == "CH704")
    }

    @Test func invalidDomains() {
        #expect(Self.code(domains: ["age": .numeric(lower: 120, upper: 0, integral: false)]) == "CH706")
        #expect(Self.code(domains: ["age": .numeric(lower: 0, upper: .infinity, integral: false)]) == "CH706")
        #expect(Self.code(domains: ["age": .numeric(lower: 0.2, upper: 0.8, integral: true)]) == "CH706")
        #expect(Self.code(domains: ["nodes": .categorical([])]) == "CH706")
        #expect(Self.code(domains: ["nodes": .categorical(["0", "1", "0"])]) == "CH706")
    }

    @Test func targets() {
        #expect(Self.code(parameters: ["target": "outcome"]) == "CH709")
        #expect(Self.code(parameters: ["target": 3]) == "CH711")
        let oneClass = SynthFixtures.numericTable([("age", [30, 40, 50, 60]), ("dead", [1, 1, nil, 1])])
        let error = SynthFixtures.error { () throws(GeneratorError) in
            try GaussianCopulaGenerator().generate(
                training: oneClass, rowCount: 5,
                settings: GeneratorSettings(
                    seed: 1, schema: TableSchema.inferred(from: [oneClass]), parameters: ["target": "dead"]))
        }
        #expect(error?.code == "CH708")
        #expect(error?.message.contains("only the class '1'") == true)
        #expect(Self.code(oneClass, parameters: ["target": "age"]) == nil)
        #expect(Self.code(parameters: ["attenuation_correction": "yes"]) == "CH711")
    }
}
