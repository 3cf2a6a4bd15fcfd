import CharterCore
import CharterRegistry
import Foundation
import Testing

/// `charter check` and `charter plan` on a ledger composed by RDP: the command line over the
/// budget invariant `CharterWorkflowTests/BudgetInvariantTests` proves in the library.
@Suite("charter check and plan on a composed ledger", .serialized)
struct CheckComposedBudgetTests {
    static let at = Timestamp(millisecondsSinceEpoch: 1_795_000_000_000)
    static let cap = BudgetCap(epsilon: 10, delta: decimal("0.00001"))

    static func decimal(_ text: String) -> Decimal { Decimal.exact(text) ?? -1 }

    @Test(
        "charter check and plan: allowed on a zCDP ledger the remainders would deny; denied at the request's ε with the largest ε that fits"
    )
    func checkCommand() throws {
        let example = "examples/requests/allowed-gbsg2-prototyping.yaml"
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("charter-rdp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let registry = (path: directory.appendingPathComponent("registry.sqlite").path, store: try SQLiteRegistry(
            path: directory.appendingPathComponent("registry.sqlite").path, create: true))
        try registry.store.registerSource("gbsg2-2026q3", cap: Self.cap, actor: "policy", at: Self.at)
        func commit(_ cost: PrivacyCost) throws {
            let event = try registry.store.reserve(
                ReservationRequest(
                    source: "gbsg2-2026q3", run: "RUN-\(UUID().uuidString)", mechanism: "test", cost: cost,
                    lease: .seconds(3600), actor: "alice"), at: Self.at)
            _ = try registry.store.commit(event.id, actor: "engine", at: Self.at)
        }
        try commit(.zeroConcentrated(rho: Self.decimal("0.3")))
        let arguments = ["check", example, "--registry", registry.path, "--now", "2026-11-23"]
        let allowed = try CLIRunner.run(arguments + ["--format", "json"], in: CLIRunner.checkout)
        #expect(allowed.status == 0, "\(allowed.stdout)\(allowed.stderr)")
        let note = try JSONParser().parse(allowed.stdout)["decisions"]?[0]?["notes"]?[0]?.stringValue ?? ""
        #expect(
            note.hasPrefix("budget of source 'gbsg2-2026q3' (in the ledger \(registry.path), composed by RDP): ε 3."),
            "\(note)")
        #expect(note.contains("reserved as ε=5 δ=0.000001; after this run: ε "), "\(note)")

        let plan = try CLIRunner.run(
            ["plan", example, "--registry", registry.path, "--now", "2026-11-23"], in: CLIRunner.checkout)
        // `plan` decides on the same composed budget: pending on approvals, not denied on the budget.
        #expect(plan.status == 3, "\(plan.stdout)\(plan.stderr)")
        #expect(!plan.stdout.contains("budgets.per_source"), "\(plan.stdout)")
        try commit(.zeroConcentrated(rho: Self.decimal("0.5")))
        let denied = try CLIRunner.run(arguments + ["--format", "sarif"], in: CLIRunner.checkout)
        #expect(denied.status == 1, "\(denied.stdout)\(denied.stderr)")
        let results = try JSONParser().parse(denied.stdout)["runs"]?[0]?["results"]?.arrayValue ?? []
        let budget = try #require(results.first { $0["ruleId"]?.stringValue == "CH229" })
        #expect(budget["locations"]?[0]?["physicalLocation"]?["region"]?["startLine"] == .integer(39))
        #expect(budget["relatedLocations"]?[0]?["physicalLocation"]?["region"]?["startLine"] == .integer(77))
        let message = budget["message"]?["text"]?.stringValue ?? ""
        #expect(message.contains("(composed by RDP, the run would bring it to ε "), "\(message)")
        let text = try CLIRunner.run(arguments, in: CLIRunner.checkout)
        #expect(text.status == 1)
        let fix = try #require(
            text.stdout.split(separator: "\n").first { $0.contains("fix: generator.epsilon 5.0 → ≤ ") })
        let largest = try #require(Decimal.exact(String(fix.split(separator: " ").last ?? "")))
        #expect(largest > 1 && largest < 5, "\(fix)")
        // The registry reserves the fix and refuses the request.
        func reserves(_ epsilon: Decimal) throws -> Bool {
            do {
                let event = try registry.store.reserve(
                    ReservationRequest(
                        source: "gbsg2-2026q3", run: "PROBE", mechanism: "test",
                        cost: .approximate(epsilon: epsilon, delta: Self.decimal("0.000001")), lease: .seconds(60),
                        actor: "alice"), at: Self.at)
                _ = try registry.store.release(event.id, reason: "probe", actor: "test", at: Self.at)
                return true
            } catch .budgetExceeded {
                return false
            }
        }
        #expect(try reserves(largest))
        #expect(try !reserves(5))
    }
}
