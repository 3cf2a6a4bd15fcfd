import CharterCore
import CharterRegistry
import Foundation
import GRDB
import Testing

/// `charter check` with the registry's budget ledger: over-budget requests denied at the
/// request's ε, within-budget requests allowed with the budget before and after, and without a
/// registry the decision says the budget was not checked.
@Suite("charter check with the budget ledger", .serialized)
struct CheckBudgetTests {
    static let now = ["--now", "2026-11-23"]
    static let request = "examples/requests/allowed-gbsg2-prototyping.yaml"

    /// A registry in a fresh folder whose `gbsg2-2026q3` source has `spent` ε committed of 10.
    final class Ledger {
        let directory: URL
        let path: String

        init(spent: Decimal?) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("charter-check-\(UUID().uuidString)")
            let charter = directory.appendingPathComponent(".charter")
            try FileManager.default.createDirectory(at: charter, withIntermediateDirectories: true)
            path = charter.appendingPathComponent("registry.sqlite").path
            let registry = try SQLiteRegistry(path: path, create: true)
            let at = try #require(Timestamp(rfc3339: "2026-11-20T10:00:00Z"))
            guard let spent else { return }
            try registry.registerSource(
                "gbsg2-2026q3", cap: BudgetCap(epsilon: 10, delta: Decimal.exact("0.00001") ?? 0), actor: "policy", at: at)
            let event = try registry.reserve(
                ReservationRequest(
                    source: "gbsg2-2026q3", run: "RUN-1", mechanism: "dp-copula", cost: .pure(epsilon: spent),
                    lease: .seconds(3600), actor: "alice"), at: at)
            _ = try registry.commit(event.id, actor: "engine", at: at)
        }

        deinit { try? FileManager.default.removeItem(at: directory) }
    }

    @Test("a request over the source's remaining budget is denied with a located violation")
    func overBudget() throws {
        let ledger = try Ledger(spent: Decimal.exact("9.5"))
        let result = try CLIRunner.run(
            ["check", Self.request, "--registry", ledger.path, "--format", "sarif"] + Self.now,
            in: CLIRunner.checkout)
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        let sarif = try JSONParser().parse(result.stdout)
        let results = sarif["runs"]?[0]?["results"]?.arrayValue ?? []
        let budget = try #require(results.first { $0["ruleId"]?.stringValue == "CH229" })
        #expect(budget["level"] == .string("error"))
        #expect(budget["message"]?["text"]?.stringValue?.contains("[budgets.per_source] generator.epsilon 5.0 is more than the 0.5 left") == true)
        let region = budget["locations"]?[0]?["physicalLocation"]?["region"]
        #expect(region?["startLine"] == .integer(39))
        let related = budget["relatedLocations"]?[0]?["physicalLocation"]
        #expect(related?["artifactLocation"]?["uri"]?.stringValue?.hasSuffix("health-synthetic.yaml") == true)
        #expect(related?["region"]?["startLine"] == .integer(77))

        let text = try CLIRunner.run(["check", Self.request, "--registry", ledger.path] + Self.now, in: CLIRunner.checkout)
        #expect(text.status == 1)
        #expect(text.stdout.contains("fix: generator.epsilon 5.0 → ≤ 0.5"))
        #expect(!text.stdout.contains("budget not checked"))
    }

    @Test("within the budget the request is allowed and the note gives the budget before and after")
    func withinBudget() throws {
        let ledger = try Ledger(spent: 2)
        // The registry named by the environment, and found at the default path.
        for (arguments, environment, directory) in [
            ([Self.request], ["CHARTER_REGISTRY": ledger.path], CLIRunner.packageRoot),
            (
                [
                    CLIRunner.packageRoot.appendingPathComponent(Self.request).path, "--policy",
                    CLIRunner.packageRoot.appendingPathComponent("policies").path,
                ], [:], ledger.directory
            ),
        ] {
            let result = try CLIRunner.run(
                ["check"] + arguments + ["--format", "json"] + Self.now, in: directory, environment: environment)
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            let json = try JSONParser().parse(result.stdout)
            let note = json["decisions"]?[0]?["notes"]?[0]?.stringValue ?? ""
            #expect(note.hasPrefix("budget of source 'gbsg2-2026q3' (in the ledger "), "\(note)")
            #expect(note.contains("ε 8, δ 0.00001 left; this request spends ε 5.0, δ 1.0e-6; after this run: ε 3"), "\(note)")
        }
    }

    @Test("check and explain read the ledger without writing a byte to the registry")
    func readsWithoutWriting() throws {
        let ledger = try Ledger(spent: 2)
        // An empty `-wal` SQLite may create beside the file holds no more than none.
        let files = [ledger.path, ledger.path + "-wal"]
        let before = files.map { FileManager.default.contents(atPath: $0) ?? Data() }
        for command in [["check", "--format", "sarif"], ["check", "--format", "json"], ["explain"]] {
            let result = try CLIRunner.run(
                command + [Self.request, "--registry", ledger.path] + Self.now, in: CLIRunner.checkout)
            #expect(result.status == 0, "\(command): \(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("ε 8, δ 0.00001 left"), "\(command): \(result.stdout)")
            #expect(
                files.map { FileManager.default.contents(atPath: $0) ?? Data() } == before,
                "\(command) wrote to the registry")
        }
    }

    @Test("plan reads the ledger without writing a byte to the registry")
    func planReadsWithoutWriting() throws {
        let ledger = try Ledger(spent: 2)
        let files = [ledger.path, ledger.path + "-wal"]
        let before = files.map { FileManager.default.contents(atPath: $0) ?? Data() }
        for format in ["text", "json"] {
            let result = try CLIRunner.run(
                ["plan", Self.request, "--registry", ledger.path, "--format", format], in: CLIRunner.checkout)
            // Pending: the example's approval is bound to the plan made against the empty ledger.
            #expect(result.status == 3, "\(format): \(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("gbsg2-2026q3"), "\(format): \(result.stdout)")
            #expect(
                files.map { FileManager.default.contents(atPath: $0) ?? Data() } == before, "plan wrote to the registry")
        }
    }

    @Test("an empty file or another application's database named as the registry exits 2 and is left alone")
    func notARegistry() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("charter-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let empty = directory.appendingPathComponent("empty.sqlite")
        try Data().write(to: empty)
        let other = directory.appendingPathComponent("other.sqlite")
        try DatabaseQueue(path: other.path).write { db in try db.execute(sql: "CREATE TABLE patients (id INTEGER)") }
        for file in [empty, other] {
            let before = try Data(contentsOf: file)
            let result = try CLIRunner.run(
                ["check", Self.request, "--registry", file.path, "--format", "sarif"] + Self.now,
                in: CLIRunner.checkout)
            #expect(result.status == 2, "\(file.lastPathComponent): \(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("not a charter registry"), "\(result.stdout)")
            #expect(try Data(contentsOf: file) == before, "\(file.lastPathComponent) was changed")
        }
    }

    @Test("a source the registry does not know is checked against the policy's cap")
    func unregisteredSource() throws {
        let ledger = try Ledger(spent: nil)
        let result = try CLIRunner.run(
            ["check", Self.request, "--registry", ledger.path, "--format", "json"] + Self.now,
            in: CLIRunner.checkout)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let note = try JSONParser().parse(result.stdout)["decisions"]?[0]?["notes"]?[0]?.stringValue ?? ""
        #expect(note.contains("not yet in the ledger"), "\(note)")
    }

    @Test("without a registry the budget is not checked, and says so; a named registry that is missing exits 2")
    func noRegistry() throws {
        let plain = try CLIRunner.run(["check", Self.request, "--format", "json"] + Self.now, in: CLIRunner.checkout)
        #expect(plain.status == 0)
        #expect(
            try JSONParser().parse(plain.stdout)["decisions"]?[0]?["notes"]?[0] == .string("budget not checked: no ledger"))
        let missing = "/nonexistent/charter-\(UUID().uuidString).sqlite"
        for (arguments, environment) in [
            (["--registry", missing], [String: String]()), ([], ["CHARTER_REGISTRY": missing]),
        ] {
            let result = try CLIRunner.run(
                ["check", Self.request, "--format", "sarif"] + arguments + Self.now, in: CLIRunner.checkout,
                environment: environment)
            #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("no registry at"))
        }
        // A file that is not a registry is unreadable input.
        let bogus = FileManager.default.temporaryDirectory.appendingPathComponent("charter-\(UUID().uuidString).sqlite")
        try Data("not a database".utf8).write(to: bogus)
        defer { try? FileManager.default.removeItem(at: bogus) }
        let corrupt = try CLIRunner.run(
            ["check", Self.request, "--registry", bogus.path] + Self.now, in: CLIRunner.checkout)
        #expect(corrupt.status == 2, "\(corrupt.stdout)\(corrupt.stderr)")
    }
}
