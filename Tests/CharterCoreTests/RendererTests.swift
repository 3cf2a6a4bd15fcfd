import CharterCore
import Foundation
import CharterTestSupport
import Testing

/// A report with every feature a renderer must carry: two severities, related locations, notes,
/// help, a fix, a clean file, an unattached finding, and text that needs escaping.
let sampleReport: DiagnosticReport = {
    let policy = "policies/base policy.yaml"
    let request = "requests/req.yaml"
    let source = """
        name: base
        tiers:
        \t- name: "high & <low>"
        name: again
        """
    let duplicate = DiagnosticCode("CH002", name: "yaml-duplicate-key", summary: "a mapping has the same key twice")
    let syntax = DiagnosticCode("CH001", name: "yaml-syntax", summary: "the file is not well-formed YAML")
    let merge = DiagnosticCode("CH009", name: "yaml-merge-key", summary: "'<<' merge keys are not part of YAML 1.2")
    let unreadable = DiagnosticCode("CH000", name: "unreadable-input", summary: "a file or directory could not be read")
    return DiagnosticReport(
        tool: .init(name: "charter", version: "0.1.0", informationURI: "https://example.org/charter"),
        command: "lint",
        files: [policy, request, "policies/clean.yaml"],
        diagnostics: [
            .warning(
                merge, "'<<' is read as a plain key, not merged", at: SourceLocation(file: policy, line: 3, column: 4, offset: 22),
                notes: ["percent % and, commas: stay"],
                fix: .init(summary: "replace \"high\" with \"low\"", location: SourceLocation(file: policy, line: 3, column: 12, offset: 30), length: 4, replacement: "low")),
            .error(
                duplicate, "duplicate key \"name\"", at: SourceLocation(file: policy, line: 4, column: 1, offset: 40),
                related: [.init(SourceLocation(file: policy, line: 1, column: 1, offset: 0), "\"name\" first defined here")],
                help: "remove or rename one of the two entries"),
            .error(syntax, "did not find expected key", at: SourceLocation(file: request, line: 2, column: 2, offset: 8)),
            .error(unreadable, "no such file or directory \"missing\"", at: nil),
        ],
        sources: [policy: source, request: "a: 1\n b\n"])
}()

@Suite("renderers")
struct RendererTests {
    static let fixtures = Fixtures.url("Tests/CharterCoreTests/Fixtures")

    /// Compares with a golden file (``Golden``).
    func expectGolden(_ actual: String, _ name: String) throws {
        try Golden.expect(actual, matches: Self.fixtures.appendingPathComponent(name))
    }

    @Test("each format matches its golden file", arguments: OutputFormat.allCases)
    func golden(format: OutputFormat) throws {
        let ext = ["text": "txt", "json": "json", "sarif": "sarif", "junit": "xml", "github": "github.txt"][format.rawValue] ?? "out"
        try expectGolden(try sampleReport.rendered(as: format), "report.\(ext)")
    }

    @Test("text output quotes the line and puts the caret under the column, tabs kept")
    func caret() throws {
        let text = try sampleReport.rendered(as: .text)
        #expect(text.contains("policies/base policy.yaml:3:4: warning[CH009]: '<<' is read as a plain key, not merged\n  |\n3 | \t- name: \"high & <low>\"\n  | \t  ^\n"))
        #expect(text.hasSuffix("3 files checked: 3 errors, 1 warning\n"))
        #expect(!text.contains("\u{1B}["))
    }

    @Test("colours appear only when asked for")
    func colors() throws {
        let text = try sampleReport.rendered(as: .text, colors: true)
        #expect(text.contains("\u{1B}[1;31merror[CH002]\u{1B}[0m"))
    }

    @Test("diagnostics are sorted by file, line and column whatever order they came in")
    func order() throws {
        let reversed = DiagnosticReport(
            tool: sampleReport.tool, command: "lint", files: sampleReport.files,
            diagnostics: sampleReport.diagnostics.reversed(), sources: sampleReport.sources)
        for format in OutputFormat.allCases {
            #expect(try reversed.rendered(as: format) == sampleReport.rendered(as: format))
        }
    }

    @Test("JSON output reads back with the same findings")
    func jsonContent() throws {
        let value = try JSONParser().parse(try sampleReport.rendered(as: .json))
        #expect(value["summary"] == ["errors": 3, "warnings": 1, "notes": 0, "files": 3])
        let diagnostics = try #require(value["diagnostics"]?.arrayValue)
        #expect(diagnostics.count == 4)
        #expect(diagnostics[0]["location"] == nil)
        #expect(diagnostics[2]["related"]?.arrayValue?.first?["location"]?["line"] == 1)
    }

    @Test("GitHub annotations escape what workflow commands require")
    func github() throws {
        let text = try sampleReport.rendered(as: .github)
        #expect(text.contains("::warning file=policies/base policy.yaml,line=3,col=4,title=CH009 yaml-merge-key::'<<' is read as a plain key, not merged%0Anote: percent %25 and, commas: stay\n"))
        #expect(text.contains("::error title=CH000 unreadable-input::no such file"))
    }

    @Test("SARIF output validates against the SARIF 2.1.0 schema", .requiresPython("jsonschema"))
    func sarifSchema() throws {
        let empty = DiagnosticReport(tool: sampleReport.tool, command: "lint", files: [], diagnostics: [])
        for report in [sampleReport, empty] {
            let result = try SchemaValidator.validate(try report.rendered(as: .sarif), kind: .sarif)
            #expect(result.status == 0, "\(result.output)")
        }
    }

    @Test(
        "the validators reject what the schemas forbid, so a pass means something",
        .requiresPython("jsonschema", "xmlschema"))
    func validatorsCanFail() throws {
        #expect(try SchemaValidator.validate(#"{"version": "2.1.0", "runs": [{"results": []}]}"#, kind: .sarif).status != 0)
        #expect(try SchemaValidator.validate("<testsuite name=\"x\"/>", kind: .junit).status != 0)
        #expect(try SchemaValidator.validate("<testsuites><testsuite name=\"x\" tests=\"1\" failures=\"0\" errors=\"0\" time=\"0.12345\"/></testsuites>", kind: .junit).status != 0)
    }

    @Test("SARIF output names rules and artifacts by index")
    func sarifContent() throws {
        let sarif = try JSONParser().parse(try sampleReport.rendered(as: .sarif))
        let run = try #require(sarif["runs"]?.arrayValue?.first)
        let rules = try #require(run["tool"]?["driver"]?["rules"]?.arrayValue)
        #expect(rules.compactMap { $0["id"]?.stringValue } == ["CH000", "CH001", "CH002", "CH009"])
        let results = try #require(run["results"]?.arrayValue)
        for result in results {
            let index = try #require(result["ruleIndex"].flatMap { if case .integer(let i) = $0 { i } else { nil } })
            #expect(rules[index]["id"] == result["ruleId"])
        }
        #expect(run["artifacts"]?.arrayValue?.first?["location"]?["uri"] == "policies/base%20policy.yaml")
    }

    @Test("JUnit output validates against the xUnit JUnit schema", .requiresPython("xmlschema"))
    func junitSchema() throws {
        let empty = DiagnosticReport(tool: sampleReport.tool, command: "lint", files: [], diagnostics: [])
        for report in [sampleReport, empty] {
            let result = try SchemaValidator.validate(try report.rendered(as: .junit), kind: .junit)
            #expect(result.status == 0, "\(result.output)")
        }
    }
}

/// Runs the reference validators: Python's jsonschema for SARIF and xmlschema for JUnit, against
/// the schemas in `Tests/Fixtures/schemas`.
enum SchemaValidator {
    enum Kind { case sarif, junit }

    static let schemas = Fixtures.url("Tests/Fixtures/schemas")

    static func validate(_ document: String, kind: Kind) throws -> (status: Int32, output: String) {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("charter-\(UUID().uuidString)")
        try document.write(to: input, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: input) }
        let script: String
        switch kind {
        case .sarif:
            script = """
                import json, sys, jsonschema
                schema = json.load(open(sys.argv[1]))
                jsonschema.Draft7Validator.check_schema(schema)
                errors = list(jsonschema.Draft7Validator(schema).iter_errors(json.load(open(sys.argv[2]))))
                for e in errors: print(e.message, list(e.path))
                sys.exit(1 if errors else 0)
                """
        case .junit:
            script = """
                import sys, xmlschema
                schema = xmlschema.XMLSchema(sys.argv[1])
                errors = list(schema.iter_errors(sys.argv[2]))
                for e in errors: print(e)
                sys.exit(1 if errors else 0)
                """
        }
        let schema = schemas.appendingPathComponent(kind == .sarif ? "sarif-schema-2.1.0.json" : "jenkins-xunit-junit-10.xsd")
        return try Python.run(script, arguments: [schema.path, input.path])
    }
}
