import CharterCore
import Foundation
import Testing

@testable import CharterRegistry

#if canImport(Glibc)
    import Glibc
#endif

/// A worker process and what it printed (read as it is written, so a chatty worker never blocks on
/// a full pipe).
final class Worker: @unchecked Sendable {
    let process = Process()
    let output = Pipe()
    private let drained = DispatchSemaphore(value: 0)
    // INVARIANT: written once by the reading thread before it signals `drained`, read after the wait.
    private var data = Data()

    init(_ arguments: [String], gate: String? = nil, environment extra: [String: String] = [:]) throws {
        process.executableURL = Sample.worker
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        if let gate { environment["CHARTER_WORKER_GATE"] = gate }
        environment.merge(extra) { _, new in new }
        process.environment = environment
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let reading = output.fileHandleForReading
        Thread.detachNewThread { [self] in
            data = reading.readDataToEndOfFile()
            drained.signal()
        }
    }

    /// Waits for the process and returns its status and lines.
    func finish() -> (status: Int32, reason: Process.TerminationReason, lines: [String]) {
        process.waitUntilExit()
        // The writing end is closed here too, so that the reader sees the end once the child's is.
        try? output.fileHandleForWriting.close()
        drained.wait()
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        return (process.terminationStatus, process.terminationReason, lines)
    }

    func kill() {
        Glibc.kill(process.processIdentifier, SIGKILL)
    }
}

@Suite("many processes", .serialized)
struct MultiProcessTests {
    let now = RegistryFixture.now

    @Test("50 processes reserving at once: exactly as many succeed as fit, and the cap holds", arguments: StoreKind.all)
    func fiftyProcesses(_ kind: StoreKind) throws {
        let fixture = try RegistryFixture(kind)
        do {
            let registry = try fixture.open()
            try registry.registerSource("gbsg2", cap: BudgetCap(epsilon: 10, delta: 0), actor: "policy", at: now)
        }
        try contend(fixture) { _ in (fixture.target, [:]) }
    }

    @Test(
        "50 processes split between two connection pools (two roles, two host names) on one PostgreSQL registry: the same rules hold",
        .enabled(if: StoreKind.all.contains(.postgres)))
    func twoPools() throws {
        let fixture = try RegistryFixture(.postgres)
        let second = try #require(try fixture.secondHostURL())
        do {
            // The second role creates the registry (it owns the schema); the first is a superuser.
            let registry = try PostgresRegistry(
                location: try PostgresLocation(url: second, environment: RegistryFixture.secondHostEnvironment),
                mode: .create)
            try registry.registerSource("gbsg2", cap: BudgetCap(epsilon: 10, delta: 0), actor: "policy", at: now)
            registry.close()
        }
        // Without the password the second way in is refused, and the refusal does not show it.
        let refusal = #expect(throws: RegistryError.self) {
            try PostgresRegistry(location: try PostgresLocation(url: second, environment: [:]), mode: .existing)
        }
        #expect(refusal?.description.contains(StoreKind.postgresPassword) == false)
        try contend(fixture) { index in
            index % 2 == 0 ? (fixture.target, [:]) : (second, RegistryFixture.secondHostEnvironment)
        }
    }

    /// 50 worker processes, each opening `target(i)` (a registry and the environment it needs),
    /// released together on a source with ε cap 10, each asking for 0.3 (every other one committing
    /// at once): exactly 33 succeed, the ledger holds exactly their events, the chain verifies.
    private func contend(_ fixture: RegistryFixture, target: (Int) throws -> (String, [String: String])) throws {
        // 0.3 fits 33 times into 10 (9.9); the 34th would make 10.2. Binary floats would not say so
        // exactly; the ledger's decimals do. Every other process commits at once, so both states count.
        let gate = fixture.directory.appendingPathComponent("go").path
        let workers = try (0..<50).map { index in
            let (registry, environment) = try target(index)
            return try Worker(
                [
                    "reserve", registry, "gbsg2", "0.3", String(now.millisecondsSinceEpoch), "RUN-\(index)",
                    index % 4 < 2 ? "commit" : "hold",
                ], gate: gate, environment: environment)
        }
        // Let every process open the registry (each says so with a file), then release them together.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let ready = try FileManager.default.contentsOfDirectory(atPath: fixture.directory.path)
                .filter { $0.hasPrefix("go.ready-") }
            if ready.count == workers.count { break }
            usleep(10_000)
        }
        _ = FileManager.default.createFile(atPath: gate, contents: Data())
        let results = workers.map { $0.finish() }
        let succeeded = results.filter { $0.status == 0 }
        let refused = results.filter { $0.status == 1 }
        #expect(succeeded.count == 33, "\(results.map(\.lines))")
        #expect(refused.count == 17, "\(results.map(\.lines))")
        #expect(refused.allSatisfy { $0.lines == ["refused"] })

        let registry = try fixture.open()
        let statement = try registry.budget(for: "gbsg2", at: now)
        let live = statement.events.filter { $0.state != .released }
        #expect(live.count == 33)
        #expect(statement.held.epsilon == Sample.decimal("9.9"))
        #expect(statement.held.epsilon.map { $0 <= 10 } == true)
        #expect(statement.remainingEpsilon == Sample.decimal("0.1"))
        // Every success got its own event, and the ledger holds no others.
        let reported = Set(
            succeeded.compactMap { $0.lines.first { $0.hasPrefix("reserved ") }.flatMap { Int64($0.dropFirst(9)) } })
        #expect(reported == Set(live.map(\.id)))
        // Every commit a worker reported stands.
        let committed = Set(
            succeeded.compactMap { $0.lines.first { $0.hasPrefix("committed ") }.flatMap { Int64($0.dropFirst(10)) } })
        #expect(committed == Set(live.filter { $0.state == .committed }.map(\.id)))
        #expect(try registry.verifyAudit().isIntact)
    }

    @Test("writers killed at random points lose nothing and count nothing twice", arguments: StoreKind.all)
    func killedWriters(_ kind: StoreKind) throws {
        let fixture = try RegistryFixture(kind)
        let cap = BudgetCap(epsilon: 1000, delta: 0)
        do {
            let registry = try fixture.open()
            try registry.registerSource("gbsg2", cap: cap, actor: "policy", at: now)
            try Sample.activateKey(registry)
        }
        var random = SplitMix64(seed: 0xC4A2_7E12)
        var printed: [String: Set<Int64>] = [:]
        var certificates: Set<String> = []
        var lastReserved: [Int64] = []  // per killed worker: the event it may have settled without saying so
        var seed: UInt64 = 0
        var workerCount = 0
        for round in 0..<12 {
            // Two or three writers at once; later ones run with a later clock (10 minutes a step, leases
            // of 15), so they release the abandoned reservations of earlier ones as expired.
            let workers = try (0..<Int.random(in: 2...3, using: &random)).map { index in
                seed += 1
                let clock = now.advanced(by: .seconds(Int64(round * 3 + index) * 600))
                return try Worker([
                    "churn", fixture.target, "gbsg2", String(seed), String(clock.millisecondsSinceEpoch),
                ])
            }
            workerCount += workers.count
            // A PostgreSQL worker spends its first ~100 ms connecting: give it the same time to work.
            let pause: ClosedRange<UInt32> = kind == .postgres ? 250_000...900_000 : 20_000...250_000
            usleep(UInt32.random(in: pause, using: &random))
            for worker in workers { worker.kill() }
            for worker in workers {
                let result = worker.finish()
                #expect(result.reason == .uncaughtSignal, "\(result.lines.suffix(3))")
                #expect(
                    !result.lines.contains { $0.hasPrefix("error") }, "\(result.lines.filter { $0.hasPrefix("error") })"
                )
                var last: Int64?
                for line in result.lines {
                    let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
                    guard parts.count == 2 else { continue }  // a line cut by the kill, or "refused"
                    if parts[0] == "certificate" {
                        certificates.insert(parts[1])
                    } else if let id = Int64(parts[1]) {
                        printed[parts[0], default: []].insert(id)
                        if parts[0] == "reserved" { last = id }
                    }
                }
                if let last { lastReserved.append(last) }
            }
            // After every round the file is sound and the chain verifies.
            let registry = try fixture.open()
            if let sqlite = registry as? SQLiteRegistry {
                #expect(try sqlite.integrityCheck() == ["ok"], "round \(round)")
            }
            #expect(try registry.verifyAudit().findings == [], "round \(round)")
        }

        let registry = try fixture.open()
        let end = now.advanced(by: .seconds(86_400))
        let expired = try registry.releaseExpiredLeases(at: end)
        let statement = try registry.budget(for: "gbsg2", at: end)
        let events = statement.events
        let byState = Dictionary(grouping: events, by: \.state).mapValues { Set($0.map(\.id)) }
        let committed = byState[.committed] ?? []
        let released = byState[.released] ?? []
        #expect(byState[.reserved] == nil, "no reservation outlives its lease")
        #expect(events.count > 20, "the writers did some work: \(events.count) events")

        // Nothing a writer saw as done was lost: every reservation it printed exists; every commit
        // and release it printed stands.
        #expect(printed["reserved", default: []].isSubset(of: Set(events.map(\.id))))
        #expect(printed["committed", default: []].isSubset(of: committed))
        #expect(printed["released", default: []].isSubset(of: released))
        #expect(printed["abandoned", default: []].isSubset(of: released))
        // Anything settled that the writer did not get to print is the one event it was working on.
        let unprinted = committed.subtracting(printed["committed", default: []])
        #expect(unprinted.isSubset(of: Set(lastReserved)), "\(unprinted)")
        // A reservation no writer printed is one made just before its kill: at most one per writer.
        #expect(Set(events.map(\.id)).subtracting(printed["reserved", default: []]).count <= workerCount)
        // Every release of an abandoned reservation was by lease expiry and is in the audit chain once.
        let records = try registry.auditRecords()
        func audited(_ action: String) -> [Int64] {
            records.filter { $0.action == action }.compactMap {
                if case .integer(let id)? = $0.detailsValue?["event"] { return Int64(id) }
                return nil
            }
        }
        #expect(audited("budget.reserve").count == events.count)
        #expect(Set(audited("budget.reserve")).count == events.count)
        #expect(audited("budget.commit").sorted() == committed.sorted(), "each commit audited exactly once")
        #expect((audited("budget.release") + audited("budget.lease-expired")).sorted() == released.sorted())
        #expect(Set(expired.map(\.id)).isSubset(of: Set(audited("budget.lease-expired"))))
        // No ε lost or counted twice: the committed spend is exactly 0.01 per committed event, and
        // committed plus remaining is the cap.
        #expect(statement.committed.epsilon == Decimal(committed.count) * Sample.decimal("0.01"))
        #expect(statement.reservedEpsilon == 0)
        #expect((statement.committed.epsilon ?? 0) + statement.remainingEpsilon == cap.epsilon)
        #expect(Set(try registry.certificates().map(\.id)).isSuperset(of: certificates))
        let lostToExpiry = audited("budget.lease-expired").count
        print(
            "killed writers: \(workerCount) writers, \(events.count) events (\(committed.count) committed, \(released.count) released, \(lostToExpiry) by lease expiry), \(records.count) audit records"
        )
        #expect(try registry.verifyAudit().findings == [])
        if let sqlite = registry as? SQLiteRegistry { #expect(try sqlite.integrityCheck() == ["ok"]) }
    }
}
