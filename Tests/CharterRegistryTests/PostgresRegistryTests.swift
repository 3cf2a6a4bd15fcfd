import CharterCore
import Foundation
import Synchronization
import Testing

@testable import CharterRegistry

/// What only PostgreSQL has: many connections (as many machines would) reserving at once, the plan
/// pin under concurrency, the verbatim copy from SQLite, and its URLs. Skipped, with the note
/// ``StoreKind/all`` prints, when no server is named.
@Suite("postgres registry", .serialized, .enabled(if: StoreKind.all.contains(.postgres)))
struct PostgresRegistryTests {
    let now = RegistryFixture.now

    /// Runs `body(i)` for i in 0..<count on `count` threads released together.
    private func concurrently<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
        let results = Mutex<[Int: T]>([:])
        let group = DispatchGroup()
        let start = DispatchSemaphore(value: 0)
        for index in 0..<count {
            group.enter()
            Thread.detachNewThread {
                start.wait()
                let result = body(index)
                results.withLock { $0[index] = result }
                group.leave()
            }
        }
        for _ in 0..<count { start.signal() }
        group.wait()
        return results.withLock { values in (0..<count).compactMap { values[$0] } }
    }

    /// 40 connections, each opened by `open(i)`, ask 0.1 of `cap` at once and commit what they get:
    /// checks that every one connected, that the granted ids are the ledger's, all committed, the
    /// spend exactly the granted ones', and that the chain verifies; returns the ids granted.
    private func fortyReserveAtOnce(
        cap: String, _ open: @escaping @Sendable (PostgresLocation) throws -> PostgresRegistry
    ) throws -> [Int64] {
        let fixture = try RegistryFixture(.postgres)
        let location = try #require(fixture.postgres)
        let setup = try fixture.open()
        try setup.registerSource(
            "gbsg2", cap: BudgetCap(epsilon: Sample.decimal(cap), delta: 0), actor: "policy", at: now)
        let now = now
        let outcomes = concurrently(40) { index -> Int64? in
            guard let registry = try? open(location) else { return -1 }
            defer { registry.close() }
            let event = try? registry.reserve(Sample.request("0.1", run: "RUN-\(index)"), at: now)
            if let event { _ = try? registry.commit(event.id, actor: "engine", at: now) }
            return event?.id
        }
        #expect(!outcomes.contains(-1), "every worker connected")
        let granted = outcomes.compactMap { $0 }.sorted()
        // Far enough ahead for the database's clock, which some writers may use.
        let statement = try setup.budget(for: "gbsg2", at: Timestamp(millisecondsSinceEpoch: Int64.max / 2))
        #expect(statement.committed.epsilon == Decimal(granted.count) * Sample.decimal("0.1"))
        #expect(statement.events.map(\.id) == granted)
        #expect(statement.events.allSatisfy { $0.state == .committed })
        #expect(try setup.verifyAudit().isIntact)
        return granted
    }

    @Test("40 connections reserving at once: exactly as many succeed as fit, ids match the ledger, the chain verifies")
    func concurrentReservations() throws {
        // 40 × 0.1 asked of a cap of 1: ten fit.
        let granted = try fortyReserveAtOnce(cap: "1") { try PostgresRegistry(location: $0, mode: .existing) }
        #expect(granted.count == 10)
    }

    @Test(
        "40 connections at once, half locking and reading in one round trip and half in two: exactly as many succeed as fit, the chain verifies"
    )
    func lockedReadsAndPlainLocksExcludeEachOther() throws {
        // 40 × 0.1 asked of a cap of 1.5: fifteen fit, whichever way each writer locks.
        let count = Mutex(0)
        let granted = try fortyReserveAtOnce(cap: "1.5") { location in
            let index = count.withLock { value in
                value += 1
                return value
            }
            return try PostgresRegistry(
                location: location, mode: .existing, clock: .database, reconnectWindow: .seconds(30),
                lockedReads: index.isMultiple(of: 2))
        }
        #expect(granted.count == 15)
        let location = try #require(try RegistryFixture(.postgres).postgres)
        let fresh = try PostgresRegistry(location: location, mode: .create)
        #expect(try fresh.locksAndReadsTogether() == true)
        let plain = try PostgresRegistry(
            location: location, mode: .existing, clock: .handed, reconnectWindow: .seconds(30), lockedReads: false)
        #expect(try plain.locksAndReadsTogether() == false)
    }

    @Test("a locked read the server connection no longer has (a pooler's other connection) falls back to two round trips")
    func missingLockedReadFallsBack() throws {
        let fixture = try RegistryFixture(.postgres)
        let location = try #require(fixture.postgres)
        let registry = try PostgresRegistry(location: location, mode: .create)
        try registry.registerSource("gbsg2", cap: Sample.cap, actor: "policy", at: now)
        let first = try registry.reserve(Sample.request("1", run: "RUN-1"), at: now)
        #expect(try registry.locksAndReadsTogether())
        try registry.executeRaw(["DROP FUNCTION pg_temp.charter_lock_and_read(boolean, bigint, text, text[])"])
        let second = try registry.reserve(Sample.request("2", run: "RUN-2"), at: now)
        _ = try registry.commit(second.id, actor: "engine", at: now)
        #expect(try registry.locksAndReadsTogether() == false)
        let statement = try registry.budget(for: "gbsg2", at: now)
        #expect(statement.events.map(\.id) == [first.id, second.id])
        #expect(statement.committed.epsilon == Sample.decimal("2"))
        #expect(try registry.verifyAudit().isIntact)
    }

    @Test("a reservation that finds 300 ended leases releases and audits each, in writes held and sent in bounded statements")
    func manyEndedLeasesInOneChange() throws {
        let fixture = try RegistryFixture(.postgres)
        let registry = try fixture.open()
        try registry.registerSource(
            "gbsg2", cap: BudgetCap(epsilon: Sample.decimal("1000"), delta: 0), actor: "policy", at: now)
        for index in 0..<300 {
            _ = try registry.reserve(Sample.request("1", run: "RUN-\(index)", lease: .seconds(60)), at: now)
        }
        let later = now.advanced(by: .seconds(120))
        // 300 releases and their audit records come to more than one flush holds.
        #expect(300 * 2 > PostgresChange.flushLimits.statements)
        let event = try registry.reserve(Sample.request("1000", run: "RUN-LAST"), at: later)
        let statement = try registry.budget(for: "gbsg2", at: later)
        #expect(statement.events.filter { $0.state == .released }.count == 300)
        #expect(statement.events.last?.id == event.id)
        #expect(statement.held.epsilon == Sample.decimal("1000"))
        let verification = try registry.verifyAudit()
        #expect(verification.isIntact)
        #expect(verification.recordCount == 1 + 300 + 300 + 1)
    }

    @Test("20 concurrent reservations pinned to one plan: one succeeds, the rest are refused as already run")
    func pinnedPlanOnce() throws {
        let fixture = try RegistryFixture(.postgres)
        let location = try #require(fixture.postgres)
        let setup = try fixture.open()
        try setup.registerSource("gbsg2", cap: Sample.cap, actor: "policy", at: now)
        let now = now
        let pin = LedgerPin(plan: "sha256:plan") { $0 != nil }
        let outcomes = concurrently(20) { _ -> String in
            guard let registry = try? PostgresRegistry(location: location, mode: .existing) else { return "connect" }
            defer { registry.close() }
            do {
                _ = try registry.reserve(Sample.request("0.5", run: "sha256:plan"), pinnedTo: pin, at: now)
                return "reserved"
            } catch RegistryError.planAlreadyRun {
                return "already run"
            } catch {
                return "\(error)"
            }
        }
        #expect(outcomes.filter { $0 == "reserved" }.count == 1, "\(outcomes)")
        #expect(outcomes.filter { $0 == "already run" }.count == 19, "\(outcomes)")
        #expect(try setup.budget(for: "gbsg2", at: now).events.count == 1)
        #expect(try setup.verifyAudit().isIntact)
    }

    @Test("an SQLite registry copies verbatim: the chain verifies with the same head, and the copy goes on")
    func verbatimCopy() throws {
        let source = try RegistryFixture()
        let sqlite = try source.openSQLite()
        try sqlite.registerSource("gbsg2", cap: Sample.cap, actor: "policy", at: now)
        let event = try sqlite.reserve(Sample.request("1"), at: now)
        _ = try sqlite.commit(event.id, actor: "engine", at: now)
        _ = try sqlite.reserve(Sample.request("2", run: "RUN-2"), at: now)
        try Sample.activateKey(sqlite)
        try sqlite.recordCertificate(Sample.certificate("CERT-1", issued: now, days: 30), actor: "engine", at: now)
        _ = try sqlite.revokeCertificate("CERT-1", reason: "left", actor: "bob", at: now)

        let target = try RegistryFixture(.postgres)
        let postgres = try #require(try target.open() as? PostgresRegistry)
        let copy = try postgres.importVerbatim(from: sqlite)
        let expected = try sqlite.verifyAudit()
        let verification = try postgres.verifyAudit()
        #expect(verification.findings == [])
        #expect(verification.headHash == expected.headHash && verification.headSeq == expected.headSeq)
        #expect(copy.headHash == expected.headHash)
        #expect(try postgres.auditRecords() == sqlite.auditRecords())
        #expect(try postgres.budgets(at: now) == sqlite.budgets(at: now))
        #expect(try postgres.certificates() == sqlite.certificates())
        #expect(try postgres.signingKeys() == sqlite.signingKeys())
        // A second copy into the same registry is refused, and the first goes on growing.
        #expect(throws: RegistryError.self) { try postgres.importVerbatim(from: sqlite) }
        let next = try postgres.reserve(Sample.request("0.5", run: "RUN-3"), at: now)
        #expect(next.id == 3)
        #expect(try postgres.verifyAudit().isIntact)
    }

    @Test("opening: a newer schema is refused, a missing one is not created by reading, a bad server is a clear error")
    func opening() throws {
        let fixture = try RegistryFixture(.postgres)
        let location = try #require(fixture.postgres)
        #expect(throws: RegistryError.notFound(path: location.description)) {
            try PostgresRegistry(location: location, mode: .reading)
        }
        _ = try fixture.open()
        _ = try PostgresRegistry(location: location, mode: .reading)
        try fixture.tamperAny("INSERT INTO charter_migrations (identifier) VALUES ('v9-from-the-future')")
        #expect(
            throws: RegistryError.schemaTooNew(path: location.description, unknownMigrations: ["v9-from-the-future"])
        ) {
            try PostgresRegistry(location: location, mode: .existing)
        }
        var nowhere = location
        nowhere.port = 1
        nowhere.password = "hunter2"
        let refusal = #expect(throws: RegistryError.self) { try PostgresRegistry(location: nowhere, mode: .create) }
        #expect(refusal?.description.contains("hunter2") == false)
        guard case .cannotOpen = refusal else {
            Issue.record("expected cannotOpen, got \(String(describing: refusal))")
            return
        }
    }
}

@Suite("postgres location")
struct PostgresLocationTests {
    @Test("URLs parse as libpq's do, and the password never shows")
    func parse() throws {
        let location = try PostgresLocation(
            url: "postgres://alice:s%40cret@db.example:6543/ledger?sslmode=verify-full&schema=team_a",
            environment: [:])
        #expect(location.user == "alice" && location.password == "s@cret" && location.host == "db.example")
        #expect(location.port == 6543 && location.database == "ledger" && location.sslMode == .verifyFull)
        #expect(location.schema == "team_a")
        #expect(location.description == "postgres://alice@db.example:6543/ledger?sslmode=verify-full&schema=team_a")
        let defaults = try PostgresLocation(url: "postgresql://", environment: ["USER": "bob", "PGPASSWORD": "pw"])
        #expect(defaults.host == "localhost" && defaults.port == 5432 && defaults.database == "bob")
        #expect(defaults.password == "pw" && defaults.sslMode == .prefer && defaults.schema == "charter")
        for bad in [
            "postgres://u:pw@h:99999/d", "postgres://u:pw@h/d?sslmode=sometimes", "postgres://u:pw@h/d?schema=A-B",
            "postgres://u:pw@h/d?password=x", "postgres://u:pw@h/%zz",
        ] {
            let refusal = #expect(throws: RegistryError.self) { try PostgresLocation(url: bad, environment: [:]) }
            #expect(refusal?.description.contains("pw") == false, "\(bad): \(String(describing: refusal))")
        }
        #expect(PostgresLocation.redacting("postgres://u:pw@h/d") == "postgres://u:***@h/d")
        #expect(PostgresLocation.isURL("POSTGRES://h") && !PostgresLocation.isURL("registry.sqlite"))
    }
}
