import CharterCore
import Foundation
import Testing

@Suite("charter check and explain")
struct CheckCommandTests {
    static let now = ["--now", "2026-11-23"]

    static func examples() throws -> [String] {
        let directory = CLIRunner.packageRoot.appendingPathComponent("examples/requests")
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".yaml") }
            .sorted()
    }

    @Test("every example request gives the decision its name promises, with its exit code")
    func examplesDecideAsNamed() throws {
        let files = try Self.examples()
        #expect(files.count >= 8)
        for file in files {
            let expected: (String, Int32) =
                // A gate-failure example is allowed by the reference policy; its gate fails under its overlay.
                file.hasPrefix("allowed-") || file.hasPrefix("gate-failure-")
                ? ("allow", 0) : file.hasPrefix("denied-") ? ("deny", 1) : ("pending", 3)
            let result = try CLIRunner.run(
                ["check", "examples/requests/" + file, "--format", "json"] + Self.now, in: CLIRunner.checkout)
            #expect(result.status == expected.1, "\(file): \(result.stdout)\(result.stderr)")
            let json = try JSONParser().parse(result.stdout)
            #expect(json["decisions"]?[0]?["decision"] == .string(expected.0), "\(file)")
        }
        let denials = try files.filter { $0.hasPrefix("denied-") }.map { file in
            let json = try JSONParser().parse(
                try CLIRunner.run(
                    ["check", "examples/requests/" + file, "--format", "json"] + Self.now, in: CLIRunner.checkout
                ).stdout)
            return json["decisions"]?[0]?["violations"]?[0]?["id"]?.stringValue ?? ""
        }
        #expect(Set(denials).count == denials.count, "each denied example fails for its own reason: \(denials)")
    }

    @Test("several requests: the worst outcome sets the exit code; text lists decision, tier, fixes")
    func severalRequests() throws {
        let result = try CLIRunner.run(
            [
                "check", "examples/requests/allowed-gbsg2-prototyping.yaml",
                "examples/requests/denied-gbsg2-epsilon-over-cap.yaml",
            ]
                + Self.now, in: CLIRunner.checkout)
        #expect(result.status == 1)
        #expect(result.stdout.contains("REQ-2026-0201: allow (tier medium, policy health-synthetic)"))
        #expect(result.stdout.contains("REQ-2026-0205: deny (tier high, policy health-synthetic)"))
        #expect(result.stdout.contains("fix: generator.epsilon 3.0 → ≤ 1.0"))
        #expect(result.stdout.contains("note: budget not checked: no ledger"))
    }

    @Test("SARIF puts the violation at the request node and the policy node in relatedLocations")
    func sarif() throws {
        let result = try CLIRunner.run(
            ["check", "examples/requests/denied-gbsg2-epsilon-over-cap.yaml", "--format", "sarif"] + Self.now,
            in: CLIRunner.checkout)
        #expect(result.status == 1)
        let sarif = try JSONParser().parse(result.stdout)
        let results = sarif["runs"]?[0]?["results"]?.arrayValue ?? []
        let violation = try #require(results.first { $0["ruleId"] == "CH215" })
        let primary = violation["locations"]?[0]?["physicalLocation"]
        #expect(primary?["artifactLocation"]?["uri"] == "examples/requests/denied-gbsg2-epsilon-over-cap.yaml")
        #expect(primary?["region"]?["startLine"] == 37)
        let related = violation["relatedLocations"]?[0]?["physicalLocation"]
        #expect(related?["artifactLocation"]?["uri"] == "policies/health-synthetic.yaml")
    }

    @Test("JSON output is byte-for-byte deterministic")
    func deterministic() throws {
        let arguments = ["check", "examples/requests/", "--format", "json"] + Self.now
        let first = try CLIRunner.run(arguments, in: CLIRunner.checkout)
        let second = try CLIRunner.run(arguments, in: CLIRunner.checkout)
        #expect(first.status == 1)
        #expect(first.stdout == second.stdout)
    }

    @Test("unreadable or malformed input exits 2, never 0")
    func unreadable() throws {
        let missing = try CLIRunner.run(["check", "no/such.yaml"] + Self.now, in: CLIRunner.checkout)
        #expect(missing.status == 2)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "charter-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let broken = directory.appendingPathComponent("broken.yaml")
        try "charter: 1\nkind: generation-request\nid: [oops\n".write(to: broken, atomically: true, encoding: .utf8)
        #expect(try CLIRunner.run(["check", broken.path] + Self.now, in: CLIRunner.checkout).status == 2)
        let wrong = directory.appendingPathComponent("wrong.yaml")
        try "charter: 1\nkind: generation-request\nid: R\nrequester: a\npurpose: analytics\naudience: pubic\n"
            .write(to: wrong, atomically: true, encoding: .utf8)
        let result = try CLIRunner.run(["check", wrong.path] + Self.now, in: CLIRunner.checkout)
        #expect(result.status == 2)
        #expect(result.stdout.contains("error[CH118]: 'pubic' is not a valid value for audience"))
        let badDate = try CLIRunner.run(
            ["check", "examples/requests/allowed-gbsg2-prototyping.yaml", "--now", "2026-13-01"],
            in: CLIRunner.checkout)
        #expect(badDate.status == 2)
        let noPolicy = try CLIRunner.run(
            ["check", "examples/requests/allowed-gbsg2-prototyping.yaml", "--policy", directory.path] + Self.now,
            in: CLIRunner.checkout)
        #expect(noPolicy.status == 2)
    }

    @Test("explain prints the trace with values and the smallest fix")
    func explain() throws {
        let result = try CLIRunner.run(
            ["explain", "examples/requests/denied-gbsg2-epsilon-over-cap.yaml"] + Self.now, in: CLIRunner.checkout)
        #expect(result.status == 1)
        #expect(result.stdout.contains("tier high: "))
        #expect(result.stdout.contains("request.audience = \"public\""))
        #expect(result.stdout.contains("fix: generator.epsilon 3.0 → ≤ 1.0"))
        let pending = try CLIRunner.run(
            ["explain", "examples/requests/pending-nafld1-cross-border.yaml"] + Self.now, in: CLIRunner.checkout)
        #expect(pending.status == 3)
        #expect(pending.stdout.contains("an approval by a member of legal other than the requester"))
        #expect(pending.stdout.contains("request.jurisdiction = \"US\""))
    }
}
