import CharterCore
import Foundation
import Testing

@Suite("charter lint")
struct LintCommandTests {
    @Test("--version prints the version and exits 0")
    func version() throws {
        let result = try CLIRunner.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout == "0.1.0\n")
    }

    @Test("clean files exit 0; directories are searched for .yaml and .yml only")
    func clean() throws {
        let result = try CLIRunner.run(["lint", "lint/clean"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout == "2 files checked: no problems\n")
        let json = try JSONParser().parse(try CLIRunner.run(["lint", "--format", "json", "lint/clean"]).stdout)
        #expect(json["files"] == ["lint/clean/nested/two.yml", "lint/clean/one.yaml"])
    }

    @Test("the reference policy set and the examples lint clean, overlay included")
    func referencePolicies() throws {
        let result = try CLIRunner.run(["lint", "policies/", "examples/"], in: CLIRunner.checkout)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.hasSuffix("files checked: no problems\n"))
    }

    @Test("a policy mistake inside a condition is located at its token, with a fix, in SARIF too")
    func conditionDiagnostics() throws {
        let result = try CLIRunner.run(["lint", "lint/policy/typo.yaml"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("lint/policy/typo.yaml:8:31: error[CH118]: 'pubic' is not a valid audience"))
        #expect(result.stdout.contains("= fix: replace \"pubic\" with \"public\""))
        let sarif = try JSONParser().parse(try CLIRunner.run(["lint", "--format", "sarif", "lint/policy/typo.yaml"]).stdout)
        let region = sarif["runs"]?[0]?["results"]?[0]?["locations"]?[0]?["physicalLocation"]?["region"]
        #expect(region?["startLine"] == 8)
        #expect(region?["startColumn"] == 31)
    }

    @Test("errors exit 1 and are reported with file, line and column")
    func errors() throws {
        let result = try CLIRunner.run(["lint", "lint/broken"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("lint/broken/duplicate.yaml:2:1: error[CH002]: duplicate key \"name\""))
        #expect(result.stdout.contains("lint/broken/syntax.yaml:2:2: error[CH001]: did not find expected ',' or ']'"))
        #expect(result.stdout.hasSuffix("2 files checked: 2 errors, 0 warnings\n"))
        #expect(result.stderr.isEmpty)
    }

    @Test("warnings pass unless --strict")
    func strict() throws {
        #expect(try CLIRunner.run(["lint", "lint/warning"]).status == 0)
        let strict = try CLIRunner.run(["lint", "--strict", "lint/warning"])
        #expect(strict.status == 1)
        #expect(strict.stdout.contains("warning[CH110]"))
    }

    @Test(
        "unreadable input and usage errors exit 2",
        arguments: [
            ["lint", "lint/does-not-exist.yaml"], ["lint", "lint/empty"], ["lint"], ["lint", "--format", "xml", "lint/clean"],
            ["frobnicate"], ["lint", "lint/clean", "lint/missing"],
        ])
    func usageErrors(arguments: [String]) throws {
        let result = try CLIRunner.run(arguments)
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        #expect(!(result.stdout + result.stderr).isEmpty)
    }

    @Test("a missing path is named in the report, in every format", arguments: OutputFormat.allCases)
    func missingPathReported(format: OutputFormat) throws {
        let result = try CLIRunner.run(["lint", "--format", format.rawValue, "lint/clean", "lint/missing"])
        #expect(result.status == 2)
        #expect(result.stdout.contains("lint/missing"))
    }

    @Test("every format is deterministic, and the structured ones parse", arguments: OutputFormat.allCases)
    func formats(format: OutputFormat) throws {
        let first = try CLIRunner.run(["lint", "--format", format.rawValue, "lint/broken", "lint/warning", "lint/clean"])
        let second = try CLIRunner.run(["lint", "--format", format.rawValue, "lint/broken", "lint/warning", "lint/clean"])
        #expect(first.status == 1)
        #expect(first.stdout == second.stdout)
        switch format {
        case .json, .sarif: _ = try JSONParser().parse(first.stdout)
        case .junit: #expect(first.stdout.hasPrefix("<?xml"))
        case .github: #expect(first.stdout.contains("::error file=lint/broken/duplicate.yaml,line=2,col=1,"))
        case .text: #expect(!first.stdout.contains("\u{1B}["))
        }
    }

    @Test("the bundled examples lint clean (the README's main command)")
    func examples() throws {
        let result = try CLIRunner.run(["lint", "examples"], in: CLIRunner.checkout)
        #expect(result.status == 0, "\(result.stdout)")
    }

    @Test("an alias bomb in a file is rejected with exit 1 and a clear message")
    func aliasBomb() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("charter-bomb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var lines = ["a0: &a0 [lol]"]
        for level in 1...9 {
            lines.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]")
        }
        try lines.joined(separator: "\n").write(to: directory.appendingPathComponent("bomb.yaml"), atomically: true, encoding: .utf8)
        let result = try CLIRunner.run(["lint", "bomb.yaml"], in: directory)
        #expect(result.status == 1)
        #expect(result.stdout.contains("error[CH004]: aliases expand this document past 1000000 nodes"))
    }
}
