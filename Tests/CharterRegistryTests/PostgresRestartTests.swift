import CharterCore
import Foundation
import Testing

@testable import CharterRegistry

/// The PostgreSQL server itself crashing and coming back while writers reserve and commit through it.
/// The test crashes a throwaway cluster of its own (`.ci/postgres-cluster`, then `.ci/postgres-cluster
/// restart DIR`: `pg_ctl restart -m immediate` as the cluster's owner), never the shared test server,
/// which other suites use at the same time. Runs where the PostgreSQL tests run (the server's
/// binaries are there); skipped, visibly, elsewhere, and a failure when `CHARTER_REQUIRE_POSTGRES=1`.
@Suite("postgres server restart", .serialized)
struct PostgresRestartTests {
    static let runs = StoreKind.postgresURL != nil || StoreKind.postgresRequired

    /// Runs `.ci/postgres-cluster` with `arguments` and returns what it printed.
    @discardableResult
    static func cluster(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = Sample.packageRoot.appendingPathComponent(".ci/postgres-cluster")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw RegistryError.database(
                "`.ci/postgres-cluster \(arguments.joined(separator: " "))` exited \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Polls `condition` every 50 ms until it holds or `seconds` pass.
    static func await(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(50_000)
        }
        return try condition()
    }

    @Test(
        "the server crashes twice while writers reserve and commit: nothing committed is lost, no lease outlives its end by the database's clock, the chain verifies",
        .enabled(
            if: runs,
            "needs PostgreSQL's binaries, as the other PostgreSQL tests do (CHARTER_TEST_POSTGRES_URL set; CHARTER_REQUIRE_POSTGRES=1 makes their absence a failure)"
        ))
    func serverRestart() throws {
        // A cluster of its own: crashing the shared one would cut the other suites' connections.
        let started = try Self.cluster([])
        func value(_ name: String) -> String? {
            started.split(separator: "\n").first { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1)) }
        }
        let url = try #require(value("CHARTER_TEST_POSTGRES_URL"), "\(started)")
        let directory = try #require(value("CHARTER_TEST_POSTGRES_DIR"), "\(started)")
        defer { _ = try? Self.cluster(["stop", directory]) }
        let fixture = try RegistryFixture(.postgres, server: url)
        let location = try #require(fixture.postgres)
        let cap = BudgetCap(epsilon: 100_000, delta: 0)
        do {
            let registry = try fixture.open()
            try registry.registerSource("gbsg2", cap: cap, actor: "policy", at: RegistryFixture.now)
        }
        // The test's own view, on the database's clock, through the same restarts.
        let observer = try PostgresRegistry(location: location, mode: .existing, clock: .database)
        defer { observer.close() }
        func eventCount() throws(RegistryError) -> Int {
            let statement = try observer.budget(for: "gbsg2", at: RegistryFixture.now)
            return statement.events.count
        }

        let lease = 3_000
        let stop = fixture.directory.appendingPathComponent("stop").path
        let workers = try (1...6).map { seed in
            try Worker(["cycle", fixture.target, "gbsg2", String(seed), String(lease), stop])
        }
        var marks: [Int] = []
        for _ in 0..<2 {
            // Crash the server while the writers are busy: once they have added 30 events more.
            let before = try eventCount()
            let busy = try Self.await(60) { try eventCount() >= before + 30 }
            #expect(busy, "the writers made progress before the restart")
            try Self.cluster(["restart", directory])
            marks.append(try eventCount())
        }
        // They go on after the second crash too.
        let resumed = try Self.await(60) { try eventCount() >= (marks.last ?? 0) + 30 }
        #expect(resumed, "the writers went on after the restart")
        _ = FileManager.default.createFile(atPath: stop, contents: nil)

        var printed: [String: Set<Int64>] = [:]
        for worker in workers {
            let result = worker.finish()
            #expect(result.status == 0 && result.lines.last == "done", "\(result.lines.suffix(3))")
            #expect(!result.lines.contains { $0.hasPrefix("error") }, "\(result.lines.filter { $0.hasPrefix("error") })")
            for line in result.lines {
                let parts = line.split(separator: " ").map(String.init)
                if parts.count == 2, let id = Int64(parts[1]) { printed[parts[0], default: []].insert(id) }
            }
        }

        // Every lease has ended by the database's clock once a lease has passed since the writers stopped.
        usleep(UInt32(lease + 1_000) * 1_000)
        let expired = try observer.releaseExpiredLeases(at: RegistryFixture.now)
        let events = try observer.budget(for: "gbsg2", at: RegistryFixture.now).events
        let byState = Dictionary(grouping: events, by: \.state).mapValues { Set($0.map(\.id)) }
        let committed = byState[.committed] ?? []
        #expect(byState[.reserved] == nil, "no reservation outlives its lease")
        #expect(Set(expired.map(\.id)).isSubset(of: byState[.released] ?? []))

        // Nothing a writer was told is done was lost.
        #expect(printed["reserved", default: []].isSubset(of: Set(events.map(\.id))))
        #expect(printed["committed", default: []].isSubset(of: committed))
        #expect(printed["abandoned", default: []].isDisjoint(with: committed))
        // A commit refused because its lease had ended (the wait for the server was longer) stayed
        // uncommitted; every other commit happened inside its lease, by the database's clock.
        #expect(printed["lost", default: []].isDisjoint(with: committed))
        for event in events {
            #expect(event.leaseExpiresAt == event.reservedAt.advanced(by: .milliseconds(lease)), "event \(event.id)")
            if event.state == .committed, let settled = event.settledAt {
                #expect(settled < event.leaseExpiresAt, "event \(event.id) committed after its lease ended")
            }
            if event.releaseReason?.hasPrefix("lease expired") == true, let settled = event.settledAt {
                #expect(settled >= event.leaseExpiresAt, "event \(event.id) released as expired before its lease ended")
            }
        }
        // The committed spend is exactly 0.01 per committed event; the chain verifies after the crashes.
        let statement = try observer.budget(for: "gbsg2", at: RegistryFixture.now)
        #expect(statement.committed.epsilon == Decimal(committed.count) * Sample.decimal("0.01"))
        let records = try observer.auditRecords()
        let commits = records.filter { $0.action == "budget.commit" }.compactMap { record -> Int64? in
            if case .integer(let id)? = record.detailsValue?["event"] { return Int64(id) }
            return nil
        }
        #expect(commits.sorted() == committed.sorted(), "each commit audited exactly once")
        let verification = try observer.verifyAudit()
        #expect(verification.findings == [])
        print(
            "server restart: \(events.count) events (\(committed.count) committed), \(printed["lost", default: []].count) commits refused after their lease, \(printed["uncertain", default: []].count) commits cut by the crash, events at the crashes \(marks)"
        )
    }
}
