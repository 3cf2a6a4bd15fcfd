import CharterCore
import Foundation
import GRDB
import Synchronization
import Testing

@testable import CharterRegistry

/// The read-only registry `check` and `explain` use: the same budget as the read-write store, the
/// same refusals of files that are not registries, no writes, and no waiting on a writer.
@Suite("read-only registry", .serialized)
struct RegistryReaderTests {
    let now = RegistryFixture.now

    /// A ledger with every kind of event: committed spends of each cost kind, live reservations,
    /// a released one, a reservation whose lease has run out, and a second source.
    func populatedLedger(_ fixture: RegistryFixture) throws -> SQLiteRegistry {
        let registry = try fixture.openSQLite()
        try registry.registerSource("gbsg2", cap: Sample.cap, actor: "policy", at: now)
        try registry.registerSource(
            "flchain", cap: BudgetCap(epsilon: 8, delta: Sample.decimal("0.000001")), actor: "policy", at: now)
        let costs: [PrivacyCost] = [
            .pure(epsilon: Sample.decimal("1.25")),
            .approximate(epsilon: Sample.decimal("0.5"), delta: Sample.decimal("0.000001")),
            .zeroConcentrated(rho: Sample.decimal("0.02")),
            .renyi(RDPCurve(zeroConcentrated: 0.01)),
        ]
        for (index, cost) in costs.enumerated() {
            let event = try registry.reserve(
                ReservationRequest(
                    source: "gbsg2", run: "RUN-C\(index)", mechanism: "dp-copula", cost: cost, lease: .seconds(600),
                    actor: "alice"), at: now)
            _ = try registry.commit(event.id, actor: "engine", at: now)
        }
        _ = try registry.reserve(Sample.request("0.75", run: "RUN-LIVE", lease: .seconds(3600)), at: now)
        _ = try registry.reserve(Sample.request("0.5", run: "RUN-SHORT", lease: .seconds(60)), at: now)
        let released = try registry.reserve(Sample.request("2", run: "RUN-GONE"), at: now)
        _ = try registry.release(released.id, reason: "utility gate failed", actor: "engine", at: now)
        _ = try registry.reserve(Sample.request("1", source: "flchain", run: "RUN-F"), at: now)
        return registry
    }

    @Test("the reader's budget is the store's, before and after leases run out, while the writer is open")
    func sameBudgetAsTheStore() throws {
        let fixture = try RegistryFixture()
        let registry = try populatedLedger(fixture)
        // The writer is still open, so its changes may sit in the WAL, not yet checkpointed.
        let reader = try RegistryReader(path: fixture.path)
        let instants = [
            now, now.advanced(by: .seconds(59)), now.advanced(by: .seconds(60)), now.advanced(by: .seconds(3600)),
            now.advanced(by: .seconds(86_400)),
        ]
        for instant in instants {
            for source in ["gbsg2", "flchain"] {
                let expected = try registry.budget(for: source, at: instant)
                let read = try reader.budget(for: source, at: instant)
                #expect(read == expected, "\(source) at \(instant)")
                #expect(read.remainingEpsilon == expected.remainingEpsilon)
                #expect(read.remainingDelta == expected.remainingDelta)
            }
        }
        // The short lease counts until it ends, then no longer: the numbers do move.
        let before = try reader.budget(for: "gbsg2", at: now)
        let after = try reader.budget(for: "gbsg2", at: now.advanced(by: .seconds(60)))
        #expect(before.events.count == 7)
        #expect(before.remainingEpsilon < after.remainingEpsilon)
        #expect(try reader.budget(for: "gbsg2", at: now.advanced(by: .seconds(3600))).reservedEpsilon == 0)
    }

    @Test("a source the registry does not know is an unknown source, as in the store")
    func unknownSource() throws {
        let fixture = try RegistryFixture()
        _ = try populatedLedger(fixture)
        let reader = try RegistryReader(path: fixture.path)
        #expect(throws: RegistryError.unknownSource("support2")) { try reader.budget(for: "support2", at: now) }
    }

    @Test("a reader kept open sees every later commit: a new source, a spend, a release")
    func keptOpenSeesCommits() throws {
        let fixture = try RegistryFixture()
        let registry = try fixture.openSQLite()
        let reader = try RegistryReader(path: fixture.path)
        #expect(throws: RegistryError.unknownSource("gbsg2")) { try reader.budget(for: "gbsg2", at: now) }
        try registry.registerSource("gbsg2", cap: Sample.cap, actor: "policy", at: now)
        #expect(try reader.budget(for: "gbsg2", at: now) == registry.budget(for: "gbsg2", at: now))
        let event = try registry.reserve(Sample.request("2", run: "RUN-A"), at: now)
        #expect(try reader.budget(for: "gbsg2", at: now) == registry.budget(for: "gbsg2", at: now))
        #expect(try reader.budget(for: "gbsg2", at: now).events.count == 1)
        _ = try registry.release(event.id, reason: "gate failed", actor: "engine", at: now)
        let released = try reader.budget(for: "gbsg2", at: now)
        #expect(released == (try registry.budget(for: "gbsg2", at: now)))
        #expect(released.events.first?.state == .released)
        // Read again with nothing committed in between: the same statement, at any instant.
        #expect(try reader.budget(for: "gbsg2", at: now) == released)
        let later = now.advanced(by: .seconds(7200))
        #expect(try reader.budget(for: "gbsg2", at: later) == registry.budget(for: "gbsg2", at: later))
    }

    @Test("reading changes no byte of the database or its WAL")
    func neverWrites() throws {
        let fixture = try RegistryFixture()
        do { _ = try populatedLedger(fixture) }  // the writer closes: its WAL is checkpointed
        // SQLite's WAL machinery may create an empty `-wal` (and the `-shm` index) beside the file,
        // as any reader in WAL mode does: no WAL and an empty one hold the same (no) frames.
        let files = [fixture.path, fixture.path + "-wal"]
        let before = files.map { FileManager.default.contents(atPath: $0) ?? Data() }
        #expect(before[0].count > 0)
        for _ in 0..<3 {
            let reader = try RegistryReader(path: fixture.path)
            _ = try reader.budget(for: "gbsg2", at: now)
        }
        #expect(files.map { FileManager.default.contents(atPath: $0) ?? Data() } == before)
    }

    @Test("a writer holding the write lock does not block the reader, which sees only committed events")
    func writerHoldsTheLock() throws {
        let fixture = try RegistryFixture()
        let registry = try populatedLedger(fixture)
        let committed = try registry.budget(for: "gbsg2", at: now)
        let other = try DatabaseQueue(path: fixture.path)
        try other.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            try db.execute(
                sql: """
                    INSERT INTO ledger_events (source, run, mechanism, cost, state, actor, reserved_at, lease_expires_at)
                    VALUES ('gbsg2', 'RUN-UNCOMMITTED', 'dp-copula', '{"epsilon":"3","kind":"pure"}', 'reserved', 'bob', ?, ?)
                    """,
                arguments: [now.millisecondsSinceEpoch, now.advanced(by: .seconds(600)).millisecondsSinceEpoch])
            // No busy wait allowed: a reader that needed the lock would fail at once.
            let reader = try RegistryReader(path: fixture.path, busyTimeout: .zero)
            #expect(try reader.budget(for: "gbsg2", at: now) == committed)
            try db.execute(sql: "COMMIT")
            let after = try reader.budget(for: "gbsg2", at: now)
            #expect(after.events.count == committed.events.count + 1)
            #expect(after.remainingEpsilon < committed.remainingEpsilon)
        }
    }

    @Test("in a rollback journal the reader waits for a writer's exclusive lock up to its busy timeout")
    func rollbackJournalLock() throws {
        let fixture = try RegistryFixture()
        let committed = try populatedLedger(fixture).budget(for: "gbsg2", at: now)  // the store closes
        let other = try DatabaseQueue(path: fixture.path)
        try other.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = DELETE")
            try db.execute(sql: "BEGIN EXCLUSIVE")
            try db.execute(sql: "UPDATE sources SET registered_at = registered_at + 1 WHERE id = 'gbsg2'")
            do {
                _ = try RegistryReader(path: fixture.path, busyTimeout: .zero)
                Issue.record("a read went past an exclusive lock")
            } catch {
                guard case .cannotOpen(_, let reason)? = error as? RegistryError else {
                    Issue.record("\(error)")
                    return
                }
                #expect(reason.contains("locked"), "\(reason)")
            }
            // A reader that may wait gets the state the writer commits while it waits.
            let waited = Outcomes()
            let (path, at) = (fixture.path, now)
            Thread.detachNewThread {
                let statement = try? RegistryReader(path: path, busyTimeout: .seconds(10)).budget(for: "gbsg2", at: at)
                waited.append(statement)
            }
            Thread.sleep(forTimeInterval: 0.3)
            #expect(waited.values.isEmpty)
            try db.execute(sql: "COMMIT")
            let deadline = Date().addingTimeInterval(10)
            while waited.values.isEmpty && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
            let statement = try #require(waited.values.first ?? nil)
            #expect(statement.events == committed.events)
            #expect(statement.registeredAt == committed.registeredAt.advanced(by: .milliseconds(1)))
        }
    }

    @Test("a corrupted row is the same database error through the reader as through the store")
    func corruptedRows() throws {
        let fixture = try RegistryFixture()
        let registry = try populatedLedger(fixture)
        for (sql, source) in [
            ("UPDATE ledger_events SET cost = 'not json' WHERE id = 2", "gbsg2"),
            ("UPDATE ledger_events SET cost = '{\"kind\":\"pure\",\"epsilon\":\"-1\"}' WHERE id = 3", "gbsg2"),
            ("UPDATE sources SET delta_cap = 'ten' WHERE id = 'flchain'", "flchain"),
        ] {
            try fixture.tamper(sql)
            var storeError: RegistryError?
            do { _ = try registry.budget(for: source, at: now) } catch { storeError = error }
            var readerError: RegistryError?
            do { _ = try RegistryReader(path: fixture.path).budget(for: source, at: now) } catch { readerError = error }
            #expect(storeError != nil, "\(sql)")
            #expect(readerError == storeError, "\(sql)")
        }
    }

    @Test("one reader shared by many threads gives every one the same statement")
    func sharedAcrossThreads() throws {
        let fixture = try RegistryFixture()
        let registry = try populatedLedger(fixture)
        let expected = try registry.budget(for: "gbsg2", at: now)
        let reader = try RegistryReader(path: fixture.path)
        let at = now
        let results = Outcomes()
        DispatchQueue.concurrentPerform(iterations: 32) { _ in results.append(try? reader.budget(for: "gbsg2", at: at))
        }
        #expect(results.values == Array(repeating: expected, count: 32))
    }

    @Test("a missing file is not found, and is not created")
    func missing() throws {
        let fixture = try RegistryFixture()
        #expect(throws: RegistryError.notFound(path: fixture.path)) { try RegistryReader(path: fixture.path) }
        #expect(!FileManager.default.fileExists(atPath: fixture.path))
    }

    @Test(
        "files that are not registries are refused and left as they were",
        arguments: [
            ("not a database, but long enough to be read as one if SQLite were lax", "file is not a database"),
            ("", "not a charter registry"),
            ("CREATE TABLE patients (id INTEGER PRIMARY KEY)", "not a charter registry"),
            ("CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)", "not a charter registry"),
        ])
    func notARegistry(content: String, expected: String) throws {
        let what = content.isEmpty ? "an empty file" : "\"\(content.prefix(30))\""
        let fixture = try RegistryFixture()
        if content.hasPrefix("CREATE") {
            try DatabaseQueue(path: fixture.path).write { db in try db.execute(sql: content) }
        } else {
            try Data(content.utf8).write(to: URL(fileURLWithPath: fixture.path))
        }
        let before = FileManager.default.contents(atPath: fixture.path)
        do {
            _ = try RegistryReader(path: fixture.path)
            Issue.record("\(what) was opened as a registry")
        } catch {
            guard case .cannotOpen(let path, let reason) = error else {
                Issue.record("\(what): \(error)")
                return
            }
            #expect(path == fixture.path)
            #expect(!error.isUsageError)
            #expect(reason.contains(expected), "\(what): \(reason)")
        }
        #expect(FileManager.default.contents(atPath: fixture.path) == before, "\(what) was changed")
    }

    @Test(
        "a registry migrated by a newer charter is refused with the unknown migrations; an older one asks for a migration"
    )
    func otherSchemaVersions() throws {
        let fixture = try RegistryFixture()
        do { _ = try fixture.openSQLite() }
        try fixture.tamper("INSERT INTO grdb_migrations (identifier) VALUES ('v9-from-the-future')")
        #expect(throws: RegistryError.schemaTooNew(path: fixture.path, unknownMigrations: ["v9-from-the-future"])) {
            try RegistryReader(path: fixture.path)
        }
        // No registry has yet been written by a build with fewer migrations than this one; the rule
        // for one is checked on the bookkeeping directly.
        let problem = RegistryReader.schemaProblem(
            path: "r.sqlite", applied: ["v1"], known: ["v1", "v2-more"])
        guard case .cannotOpen(_, let reason) = problem else {
            Issue.record("an older registry was accepted: \(String(describing: problem))")
            return
        }
        #expect(reason.contains("migrations \"v2-more\" not applied"), "\(reason)")
        #expect(
            RegistryReader.schemaProblem(path: "r.sqlite", applied: ["v1", "v2-more"], known: ["v1", "v2-more"]) == nil)
        #expect(
            RegistryReader.schemaProblem(path: "r.sqlite", applied: ["v1", "v3"], known: ["v1", "v2-more"])
                == .schemaTooNew(path: "r.sqlite", unknownMigrations: ["v3"]))
        for applied: Set<String>? in [nil, []] {
            guard
                case .cannotOpen(_, let reason) = RegistryReader.schemaProblem(
                    path: "r", applied: applied, known: ["v1"])
            else {
                Issue.record("no bookkeeping was accepted")
                continue
            }
            #expect(reason.contains("not a charter registry"))
        }
    }
}

/// Statements read on other threads.
private final class Outcomes: Sendable {
    private let storage = Mutex<[BudgetStatement?]>([])

    func append(_ statement: BudgetStatement?) { storage.withLock { $0.append(statement) } }

    var values: [BudgetStatement?] { storage.withLock { $0 } }
}
