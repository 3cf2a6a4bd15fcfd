import CharterTestSupport
import Foundation
import Testing

/// `charter test`: policy tests through the built binary.
@Suite("charter test")
struct TestCommandTests {
    static let policies = CLIRunner.packageRoot.appendingPathComponent("policies").path
    static let examples = CLIRunner.packageRoot.appendingPathComponent("examples/requests").path

    /// A temporary folder holding one test file with `cases`, against the reference policy.
    static func folder(_ cases: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("charter-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let text = "charter: 1\nkind: policy-test\npolicy: \(policies)\nnow: 2026-11-23\ncases:\n" + cases
        try text.write(to: directory.appendingPathComponent("t.test.yaml"), atomically: true, encoding: .utf8)
        return directory
    }

    static let failingCase = """
          - name: epsilon over cap, expected allowed
            request: \(examples)/denied-gbsg2-epsilon-over-cap.yaml
            expect: { decision: allow, tier: high }
          - name: allowed
            request: \(examples)/allowed-gbsg2-prototyping.yaml
            expect: { decision: allow, tier: medium }

        """

    static func validateJUnit(_ xml: String) throws -> (status: Int32, output: String) {
        let schema = Fixtures.url("Tests/Fixtures/schemas/jenkins-xunit-junit-10.xsd")
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("charter-\(UUID().uuidString).xml")
        try xml.write(to: input, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: input) }
        return try Python.run(
            """
            import sys, xmlschema
            schema = xmlschema.XMLSchema(sys.argv[1])
            errors = list(schema.iter_errors(sys.argv[2]))
            for e in errors: print(e)
            sys.exit(1 if errors else 0)
            """, arguments: [schema.path, input.path])
    }

    @Test("charter test policies/ --coverage-min 1.0 passes with every tier and rule covered")
    func reference() throws {
        let result = try CLIRunner.run(["test", "policies/", "--coverage-min", "1.0"], in: CLIRunner.checkout)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("tiers 3/3"))
        #expect(result.stdout.contains("rules 7/7"))
        #expect(result.stdout.contains("0 failed"))
        #expect(result.stdout.contains("tier high: 6/6"))
    }

    @Test("a failing case exits 1 and shows expected against actual")
    func failing() throws {
        let directory = try Self.folder(Self.failingCase)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try CLIRunner.run(["test", directory.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("FAIL epsilon over cap, expected allowed"))
        #expect(result.stdout.contains("decision: expected allow, actual deny"))
        #expect(result.stdout.contains("PASS allowed"))
        #expect(result.stdout.contains("1 passed, 1 failed"))
    }

    @Test("coverage below --coverage-min exits 1; without the minimum it passes")
    func coverageMinimum() throws {
        let directory = try Self.folder(
            "  - name: allowed\n    request: \(Self.examples)/allowed-gbsg2-prototyping.yaml\n    expect: { decision: allow }\n")
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try CLIRunner.run(["test", directory.path]).status == 0)
        let below = try CLIRunner.run(["test", directory.path, "--coverage-min", "1.0"])
        #expect(below.status == 1)
        #expect(below.stdout.contains("tiers 1/3 (never selected: high, low)"))
        #expect(below.stdout.contains("is below --coverage-min"))
        #expect(try CLIRunner.run(["test", directory.path, "--coverage-min", "0.14"]).status == 0)
        #expect(try CLIRunner.run(["test", directory.path, "--coverage-min", "0.15"]).status == 1)
        #expect(try CLIRunner.run(["test", directory.path, "--coverage-min", "1.5"]).status == 2)
    }

    @Test("unreadable or malformed tests exit 2 with a located error")
    func malformed() throws {
        let directory = try Self.folder("  - name: a\n    request: missing.yaml\n    expect: { decision: allow }\n")
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try CLIRunner.run(["test", directory.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("t.test.yaml:7:14: error[CH250]"), "\(result.stderr)")
        #expect(try CLIRunner.run(["test", "no/such/dir"]).status == 2)
        // A test file that is not even YAML is reported, not skipped.
        try "charter: 1\nkind: policy-test\ncases: [oops\n".write(
            to: directory.appendingPathComponent("t.test.yaml"), atomically: true, encoding: .utf8)
        let broken = try CLIRunner.run(["test", directory.path])
        #expect(broken.status == 2)
        #expect(broken.stderr.contains("t.test.yaml:"), "\(broken.stderr)")
        // A folder with no policy tests is an error, not a pass.
        #expect(try CLIRunner.run(["test", Self.examples]).status == 2)
    }

    @Test(
        "JUnit output has one testcase per case and validates against the xUnit schema", .requiresPython("xmlschema"))
    func junit() throws {
        let directory = try Self.folder(Self.failingCase)
        defer { try? FileManager.default.removeItem(at: directory) }
        let failing = try CLIRunner.run(["test", directory.path, "--format", "junit"])
        #expect(failing.status == 1)
        #expect(failing.stdout.components(separatedBy: "<testcase ").count == 3)
        #expect(failing.stdout.contains("decision: expected allow, got deny"))
        let checked = try Self.validateJUnit(failing.stdout)
        #expect(checked.status == 0, "\(checked.output)")
        let passing = try CLIRunner.run(["test", "policies", "--format", "junit"], in: CLIRunner.checkout)
        #expect(passing.status == 0)
        #expect(try Self.validateJUnit(passing.stdout).status == 0)
        // The validator can fail: a testsuite without its counts is rejected.
        #expect(try Self.validateJUnit("<testsuites><testsuite name=\"x\"/></testsuites>").status != 0)
    }

    @Test("JSON output gives the cases and coverage as exact fractions")
    func json() throws {
        let result = try CLIRunner.run(["test", "policies", "--format", "json"], in: CLIRunner.checkout)
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let coverage = try #require((object["coverage"] as? [[String: Any]])?.first)
        #expect((coverage["tiers"] as? [String: Any])?["fraction"] as? String == "3/3")
        #expect((coverage["rules"] as? [String: Any])?["fraction"] as? String == "7/7")
        #expect(object["failed"] as? Int == 0)
    }
}
