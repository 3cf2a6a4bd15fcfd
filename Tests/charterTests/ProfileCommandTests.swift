import CharterTestSupport
import Foundation
import Testing

/// `charter profile`, `init` and `recommend` from the command line: formats, exit codes, hostile input.
@Suite struct ProfileCommandTests {
    static func write(_ text: String, named name: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "charter-profile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test func jsonNamesEachColumnAndItsDirectIdentifier() throws {
        let fixture = Fixtures.url("Tests/Fixtures/pii/gbsg2-pii.csv").path
        let result = try CLIRunner.run(["profile", fixture, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let columns = try #require(json["columns"] as? [[String: Any]])
        let email = try #require(columns.first { $0["name"] as? String == "email" })
        let identifier = try #require(email["direct_identifier"] as? [String: Any])
        #expect(identifier["kind"] as? String == "email")
        #expect((identifier["evidence"] as? String)?.isEmpty == false)
        #expect(email["values_withheld"] as? Bool == true)
        #expect((email["histogram"] as? [Any])?.isEmpty == true)
        for format in ["text", "html", "json"] {
            let page = try CLIRunner.run(["profile", fixture, "--format", format]).stdout
            #expect(!page.contains("@example.org"), "\(format) shows an identifier's values")
            #expect(!page.contains("MRN0"), "\(format) shows an identifier's values")
        }
        let age = try #require(columns.first { $0["name"] as? String == "age" })
        #expect(age["direct_identifier"] == nil)
        let again = try CLIRunner.run(["profile", fixture, "--format", "json"])
        #expect(again.stdout == result.stdout)
    }

    @Test(arguments: ["text", "json", "html"]) func hostileInputExitsTwo(format: String) throws {
        for (name, text) in [
            ("empty.csv", ""), ("header.csv", "a,b\n"), ("ragged.csv", "a,b\n1\n"),
            ("control.csv", "a,b\u{07}\n1,2\n"),
        ] {
            let path = try Self.write(text, named: name)
            let result = try CLIRunner.run(["profile", path, "--format", format])
            #expect(result.status == 2, "\(name): \(result.stdout) \(result.stderr)")
            #expect(!result.stderr.contains("Fatal error"), "\(name)")
        }
    }

    @Test func textEscapesControlCharactersInData() throws {
        let path = try Self.write("name\n\"a\u{1B}[2Jb\"\n=1+1\n", named: "escape.csv")
        let result = try CLIRunner.run(["profile", path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdout.contains("\u{1B}"))
        #expect(result.stderr.contains("CH640"))
    }

    @Test func initWritesALintCleanRequestAndNeverOverwrites() throws {
        let out = try Self.write("", named: "placeholder").replacingOccurrences(of: "placeholder", with: "request.yaml")
        let result = try CLIRunner.run(
            ["init", "examples/data/gbsg2.csv", "--target", "cens", "--now", "2026-11-23", "-o", out],
            in: CLIRunner.checkout)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("tier 'medium'"))
        let lint = try CLIRunner.run(["lint", out], in: CLIRunner.checkout)
        #expect(lint.status == 0, "\(lint.stdout)")
        let again = try CLIRunner.run(
            ["init", "examples/data/gbsg2.csv", "--now", "2026-11-23", "-o", out], in: CLIRunner.checkout)
        #expect(again.status == 2)
        let bad = try CLIRunner.run(
            ["init", "examples/data/gbsg2.csv", "--domain", "age=90..18"], in: CLIRunner.checkout)
        #expect(bad.status == 2)
    }

    @Test func recommendExplainsAndAppliesNothing() throws {
        let request = "examples/requests/allowed-gbsg2-prototyping.yaml"
        let before = try Data(contentsOf: CLIRunner.checkout.appendingPathComponent(request))
        let result = try CLIRunner.run(["recommend", request, "--now", "2026-11-23"], in: CLIRunner.checkout)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Nothing is applied"))
        #expect(try Data(contentsOf: CLIRunner.checkout.appendingPathComponent(request)) == before)
    }

    @Test func planCarriesTheRecommendationAsANote() throws {
        let result = try CLIRunner.run(
            ["plan", "examples/requests/allowed-gbsg2-prototyping.yaml", "--now", "2026-11-23"], in: CLIRunner.checkout)
        #expect(result.stdout.contains("note: recommend: "), "\(result.stdout)")
    }

    @Test func sweepThatDoesNotFitIsRefusedBeforeReadingData() throws {
        let registry = try Self.write("", named: "placeholder").replacingOccurrences(
            of: "placeholder", with: "registry.sqlite")
        let out = registry.replacingOccurrences(of: "registry.sqlite", with: "sweep")
        let result = try CLIRunner.run(
            [
                "sweep", "examples/requests/allowed-gbsg2-prototyping.yaml", "--epsilon", "1,2,5,10", "--now",
                "2026-11-23", "--registry", registry, "--out", out,
            ], in: CLIRunner.checkout)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("does not fit"))
        #expect(!FileManager.default.fileExists(atPath: out))
        let budget = try CLIRunner.run(
            ["budget", "--registry", registry, "--now", "2026-11-23"], in: CLIRunner.checkout)
        #expect(budget.stdout.contains("committed 0"), "\(budget.stdout)")
        let bad = try CLIRunner.run(
            ["sweep", "examples/requests/allowed-gbsg2-prototyping.yaml", "--epsilon", "1,x"], in: CLIRunner.checkout)
        #expect(bad.status == 2)
    }
}
