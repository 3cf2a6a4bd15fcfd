import CharterCore
import CharterRegistry
import CharterTestSupport
import Foundation
import Testing

/// `charter serve`, the real binary, killed with SIGKILL while a run holds a reservation, then
/// started again on the same registry: the run is reported interrupted, its reservation holds
/// nothing once its lease ends, the committed spend is intact and the audit chain verifies.
@Suite("charter serve killed during a run", .serialized)
struct ServeKillTests {
    static let now = "2026-11-23T10:00:00Z"
    /// `now` in milliseconds since 1970.
    static let nowMilliseconds: Int64 = 1_795_428_000_000
    static let source = "gbsg2-kill"
    static let token = "erin-token"

    static let policy = ServedRunFixture.policy

    static func request(id: String, rows: Int, sha: String) -> String {
        ServedRunFixture.request(id: id, source: source, path: "data/gbsg2.csv", rows: rows, sha: sha)
    }

    static let arguments = [
        "--registry", "state/registry.sqlite", "--tokens", "tokens", "--policy", "policies", "--key",
        "state/signing-key",
    ]

    static func post(_ server: ServeProcess, _ manifest: String) throws -> String {
        let response = try LoopbackHTTP.request(
            port: server.port, "POST", "/v1/runs?now=\(now)",
            headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/yaml")], body: manifest)
        #expect(response.status == 202, "\(response.body)")
        let object = try JSONParser().parse(response.body)
        return try #require(object["id"]?.stringValue, "\(response.body)")
    }

    static func run(_ server: ServeProcess, _ id: String) throws -> JSONValue {
        let response = try LoopbackHTTP.request(
            port: server.port, "GET", "/v1/runs/\(id)", headers: [("Authorization", "Bearer \(token)")])
        #expect(response.status == 200, "\(response.body)")
        return try #require(try JSONParser().parse(response.body)["run"])
    }

    @Test func aRunKilledWithItsReservationHeldIsInterruptedAndItsLeaseLapses() throws {
        guard FileManager.default.isExecutableFile(atPath: CLIRunner.executable.path) else {
            Issue.record("the charter binary is not built at \(CLIRunner.executable.path)")
            return
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "charter-serve-kill-\(UUID().uuidString)")
        let manager = FileManager.default
        try manager.createDirectory(at: folder.appendingPathComponent("policies"), withIntermediateDirectories: true)
        try manager.createDirectory(at: folder.appendingPathComponent("data"), withIntermediateDirectories: true)
        try manager.createDirectory(at: folder.appendingPathComponent("state"), withIntermediateDirectories: true)
        defer { try? manager.removeItem(at: folder) }
        let data = try Data(contentsOf: CLIRunner.packageRoot.appendingPathComponent("examples/data/gbsg2.csv"))
        try data.write(to: folder.appendingPathComponent("data/gbsg2.csv"))
        let sha = ContentDigest.sha256([UInt8](data))
        try Data(Self.policy.utf8).write(to: folder.appendingPathComponent("policies/policy.yaml"))
        try Data((ContentDigest.sha256(Self.token) + " erin@hospital.example engineer\n").utf8)
            .write(to: folder.appendingPathComponent("tokens"))

        // Killed when released, on every path out of this test.
        let server = try ServeProcess(in: folder, arguments: Self.arguments, name: "first")

        // A run that finishes: its committed spend must survive what follows.
        let committedID = try Self.post(server, Self.request(id: "REQ-KILL-1", rows: 200, sha: sha))
        var committedRun: JSONValue = ["status": "queued"]
        for _ in 0..<1200 where ["queued", "running"].contains(committedRun["status"]?.stringValue ?? "") {
            Thread.sleep(forTimeInterval: 0.1)
            committedRun = try Self.run(server, committedID)
        }
        #expect(committedRun["status"] == "published", "\(committedRun)")

        // A large run, killed as soon as its journal says it reserved its budget.
        let killedID = try Self.post(server, Self.request(id: "REQ-KILL-2", rows: 100_000, sha: sha))
        let journalFile = folder.appendingPathComponent("state/registry.sqlite.runs/\(killedID).json")
        var journal = ""
        for _ in 0..<60_000 {
            journal = (try? String(contentsOf: journalFile, encoding: .utf8)) ?? ""
            if journal.contains("budget: reserved") { break }
            Thread.sleep(forTimeInterval: 0.002)
        }
        server.kill()
        #expect(journal.contains("budget: reserved"), "the run was not caught holding its reservation: \(journal)")
        let killedStatus = try JSONParser().parse(journal)["status"]?.stringValue
        #expect(killedStatus == "running", "the run had finished before the kill: \(journal)")

        // Started again on the same registry and run folder.
        let second = try ServeProcess(in: folder, arguments: Self.arguments, name: "second")
        let interrupted = try Self.run(second, killedID)
        #expect(interrupted["status"] == "interrupted", "\(interrupted)")
        let events = try #require(interrupted["result"]?["ledger_events"]?.arrayValue, "\(interrupted)")
        #expect(events.count == 1)
        #expect(events.first?["state"] == "reserved")
        #expect(try Self.run(second, committedID)["status"] == "published")
        second.kill()

        // The ledger: the committed event untouched, the reservation live only until its lease ends.
        let registry = try SQLiteRegistry(
            path: folder.appendingPathComponent("state/registry.sqlite").path, create: false)
        let at = Timestamp(millisecondsSinceEpoch: Self.nowMilliseconds)
        let later = at.advanced(by: .seconds(7200))
        let before = try registry.budget(for: Self.source, at: at)
        let committed = before.events.filter { $0.state == .committed }
        let reserved = before.events.filter { $0.state == .reserved }
        #expect(committed.count == 1 && reserved.count == 1, "\(before.events)")
        #expect(reserved.first?.leaseExpiresAt == at.advanced(by: .seconds(3600)))
        let after = try registry.budget(for: Self.source, at: later)
        #expect(after.held == after.committed, "an expired lease still holds budget")
        #expect(after.committed.epsilon == 4)
        #expect(reserved.first?.leaseExpired(at: later) == true)

        // The command line sees the same: nothing reserved past the lease; then the next writer
        // releases the lapsed reservation, audited, and the chain verifies.
        let budget = try CLIRunner.run(
            [
                "budget", Self.source, "--registry", "state/registry.sqlite", "--now", "2026-11-23T12:00:00Z",
                "--format", "json",
            ], in: folder)
        #expect(budget.status == 0, "\(budget.stdout)\(budget.stderr)")
        let sources = try JSONParser().parse(budget.stdout)["sources"]?.arrayValue
        #expect(sources?.first?["reserved"]?["epsilon"] == "0", "\(budget.stdout)")
        let released = try registry.releaseExpiredLeases(at: later)
        #expect(released.map(\.id) == reserved.map(\.id))
        let settled = try registry.budget(for: Self.source, at: later)
        #expect(settled.events.filter { $0.state == .committed } == committed, "committed events are intact")
        #expect(settled.events.filter { $0.state == .reserved }.isEmpty)
        let records = try registry.auditRecords()
        #expect(records.contains { $0.action == AuditNote.runInterrupted.rawValue && $0.subject == killedID })
        let verify = try CLIRunner.run(["audit", "verify", "--registry", "state/registry.sqlite"], in: folder)
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }
}
