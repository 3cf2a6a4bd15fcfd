import CharterCore
import Foundation
import Testing

@testable import CharterRegistry

@Suite("ledger")
struct LedgerTests {
    let now = RegistryFixture.now

    @Test(
        "a write that fails when the held writes are sent fails the whole change: no reservation, no audit record",
        arguments: StoreKind.all)
    func failedHeldWriteFailsTheChange(_ kind: StoreKind) throws {
        let fixture = try RegistryFixture(kind)
        let registry = try fixture.open()
        try registry.registerSource("gbsg2", cap: Sample.cap, actor: "policy", at: now)
        let before = try registry.verifyAudit()
        // A record slipped in behind Charter's back at the next sequence number: the reservation's
        // audit insert, held until the change's end, collides with it.
        try fixture.tamperAny(
            """
            INSERT INTO audit_log (seq, at, actor, action, subject, details, previous_hash, hash) \
            VALUES (\(before.headSeq + 1), 'x', 'x', 'x', 'x', '{}', 'x', 'x')
            """)
        #expect(throws: RegistryError.self) { try registry.reserve(Sample.request("1"), at: now) }
        let statement = try registry.budget(for: "gbsg2", at: now)
        #expect(statement.events.isEmpty)
        let after = try registry.verifyAudit()
        #expect(after.headSeq == before.headSeq)
        #expect(after.recordCount == before.recordCount + 1)
    }

    @Test("reserve, commit and release move the budget; the statement adds up", arguments: StoreKind.all)
    func lifecycle(_ kind: StoreKind) throws {
        let fixture = try RegistryFixture(kind)
        let registry = try fixture.open()
        #expect(try registry.registerSource("gbsg2", cap: Sample.cap, actor: "policy", at: now))
        let first = try registry.reserve(Sample.request("1.5", run: "RUN-1"), at: now)
        let second = try registry.reserve(Sample.request("2", run: "RUN-2"), at: now)
        var statement = try registry.budget(for: "gbsg2", at: now)
        #expect(statement.committed.epsilon == 0)
        #expect(statement.reservedEpsilon == Sample.decimal("3.5"))
        #expect(statement.remainingEpsilon == Sample.decimal("6.5"))

        let committed = try registry.commit(first.id, actor: "engine", at: now)
        #expect(committed.state == .committed)
        let released = try registry.release(second.id, reason: "utility gate failed", actor: "engine", at: now)
        #expect(released.state == .released)
        statement = try registry.budget(for: "gbsg2", at: now)
        #expect(statement.committed.epsilon == Sample.decimal("1.5"))
        #expect(statement.reservedEpsilon == 0)
        #expect(statement.remainingEpsilon == Sample.decimal("8.5"))
        #expect(statement.events.map(\.state) == [.committed, .released])
        #expect(statement.events[1].releaseReason == "utility gate failed")

        #expect(throws: RegistryError.notReserved(event: first.id, state: .committed)) {
            try registry.commit(first.id, actor: "engine", at: now)
        }
        #expect(throws: RegistryError.notReserved(event: second.id, state: .released)) {
            try registry.release(second.id, reason: "again", actor: "engine", at: now)
        }
        #expect(throws: RegistryError.unknownEvent(99)) { try registry.commit(99, actor: "engine", at: now) }
        #expect(try registry.verifyAudit().isIntact)
    }

    @Test("a reservation that does not fit is refused, and one that exactly fits is taken", arguments: StoreKind.all)
    func cap(_ kind: StoreKind) throws {
        let fixture = try RegistryFixture(kind)
        let registry = try fixture.open()
        try registry.registerSource(
            "gbsg2", cap: BudgetCap(epsilon: Sample.decimal("1"), delta: 0), actor: "policy", at: now)
        _ = try registry.reserve(Sample.request("0.7"), at: now)
        #expect(throws: RegistryError.self) { try registry.reserve(Sample.request("0.30000001"), at: now) }
        _ = try registry.reserve(Sample.request("0.3"), at: now)
        #expect(try registry.budget(for: "gbsg2", at: now).remainingEpsilon == 0)
        #expect(try registry.budget(for: "gbsg2", at: now).isExhausted)
        let refusal = #expect(throws: RegistryError.self) { try registry.reserve(Sample.request("0.000001"), at: now) }
        guard case .budgetExceeded(let source, _, let held) = refusal else {
            Issue.record("expected budgetExceeded, got \(String(describing: refusal))")
            return
        }
        #expect(source == "gbsg2")
        #expect(held.epsilon == Sample.decimal("1.000001"))
        // Refusals change nothing and are not audited; the two reservations and the registration are.
        #expect(try registry.auditRecords().map(\.action) == ["source.register", "budget.reserve", "budget.reserve"])
    }

    @Test("an expired lease no longer holds budget, and the next writer releases it with an audit record", arguments: StoreKind.all)
    func leaseExpiry(_ kind: StoreKind) throws {
        let fixture = try RegistryFixture(kind)
        let registry = try fixture.open()
        try registry.registerSource("gbsg2", cap: Sample.cap, actor: "policy", at: now)
        let stale = try registry.reserve(Sample.request("9", lease: .seconds(60)), at: now)
        // Within the lease the budget is held.
        let later = now.advanced(by: .seconds(59))
        #expect(throws: RegistryError.self) { try registry.reserve(Sample.request("2"), at: later) }
        // After it, the statement shows the lease as expired and no longer counts it.
        let expiry = now.advanced(by: .seconds(60))
        let statement = try registry.budget(for: "gbsg2", at: expiry)
        #expect(statement.expiredLeases.map(\.id) == [stale.id])
        #expect(statement.remainingEpsilon == Sample.decimal("10"))
        // A commit after expiry is refused: the budget may already have been given to someone else.
        #expect(throws: RegistryError.leaseExpired(event: stale.id, expiredAt: expiry)) {
            try registry.commit(stale.id, actor: "engine", at: expiry)
        }
        let fresh = try registry.reserve(Sample.request("2", run: "RUN-2"), at: expiry)
        let events = try registry.budget(for: "gbsg2", at: expiry).events
        #expect(events.first { $0.id == stale.id }?.state == .released)
        #expect(events.first { $0.id == stale.id }?.releaseReason == "lease expired at 2026-11-20T10:01:00Z")
        #expect(events.first { $0.id == fresh.id }?.state == .reserved)
        let expired = try #require(try registry.auditRecords().first { $0.action == "budget.lease-expired" })
        #expect(expired.actor == "charter:lease-expiry")
        #expect(expired.detailsValue?["event"] == .integer(Int(stale.id)))
        #expect(try registry.verifyAudit().isIntact)
    }

    @Test("renewing a lease keeps a long run's reservation", arguments: StoreKind.all)
    func renew(_ kind: StoreKind) throws {
        let fixture = try RegistryFixture(kind)
        let registry = try fixture.open()
        try registry.registerSource("gbsg2", cap: Sample.cap, actor: "policy", at: now)
        let event = try registry.reserve(Sample.request("5", lease: .seconds(60)), at: now)
        let renewed = try registry.renewLease(
            event.id, for: .seconds(600), actor: "engine", at: now.advanced(by: .seconds(30)))
        #expect(renewed.leaseExpiresAt == now.advanced(by: .seconds(630)))
        #expect(try registry.releaseExpiredLeases(at: now.advanced(by: .seconds(120))).isEmpty)
        _ = try registry.commit(event.id, actor: "engine", at: now.advanced(by: .seconds(300)))
        #expect(try registry.releaseExpiredLeases(at: now.advanced(by: .seconds(10_000))).isEmpty)
        #expect(throws: RegistryError.invalidLease("a lease must be longer than zero")) {
            try registry.renewLease(event.id, for: .zero, actor: "engine", at: now)
        }
    }

    @Test("sources register once; another cap is refused", arguments: StoreKind.all)
    func registration(_ kind: StoreKind) throws {
        let fixture = try RegistryFixture(kind)
        let registry = try fixture.open()
        #expect(try registry.registerSource("gbsg2", cap: Sample.cap, actor: "policy", at: now))
        #expect(try !registry.registerSource("gbsg2", cap: Sample.cap, actor: "policy", at: now))
        #expect(throws: RegistryError.self) {
            try registry.registerSource("gbsg2", cap: BudgetCap(epsilon: 5, delta: 0), actor: "policy", at: now)
        }
        #expect(throws: RegistryError.unknownSource("other")) {
            try registry.reserve(Sample.request("1", source: "other"), at: now)
        }
        #expect(throws: RegistryError.unknownSource("other")) { try registry.budget(for: "other", at: now) }
        for bad in ["", " padded", "line\nbreak", String(repeating: "x", count: 201)] {
            #expect(throws: RegistryError.self) {
                try registry.registerSource(bad, cap: Sample.cap, actor: "policy", at: now)
            }
        }
        #expect(throws: RegistryError.self) {
            try registry.registerSource("s", cap: BudgetCap(epsilon: -1, delta: 0), actor: "policy", at: now)
        }
        #expect(throws: RegistryError.self) {
            try registry.registerSource("s", cap: BudgetCap(epsilon: 1, delta: 1), actor: "policy", at: now)
        }
        #expect(try registry.auditRecords().count == 1)
    }

    @Test("the ledger persists across reopening, and every kind of cost is stored exactly")
    func persistence() throws {
        let fixture = try RegistryFixture()
        let curve = try #require(RDPCurve(values: RDPCurve.orders.map { $0 * 0.01 + 1.0 / 3 }))
        let costs: [PrivacyCost] = [
            .pure(epsilon: Sample.decimal("0.1")),
            .approximate(epsilon: Sample.decimal("0.2"), delta: Sample.decimal("1e-7")),
            .zeroConcentrated(rho: Sample.decimal("0.05")), .renyi(curve),
        ]
        do {
            let registry = try fixture.open()
            try registry.registerSource("gbsg2", cap: Sample.cap, actor: "policy", at: now)
            for cost in costs {
                var request = Sample.request("0")
                request.cost = cost
                _ = try registry.commit(try registry.reserve(request, at: now).id, actor: "engine", at: now)
            }
        }
        let reopened = try SQLiteRegistry(path: fixture.path, create: false)
        let statement = try reopened.budget(for: "gbsg2", at: now)
        #expect(statement.events.map(\.cost) == costs)
        #expect(statement.committed == BudgetComposition.compose(costs, deltaCap: Sample.cap.delta))
        #expect(try reopened.verifyAudit().isIntact)
        #expect(try reopened.integrityCheck() == ["ok"])
        #expect(try fixture.scalar("PRAGMA journal_mode", as: String.self) == "wal")
    }

    @Test("opening a missing registry without create is an error, not an empty registry")
    func missing() throws {
        let fixture = try RegistryFixture()
        #expect(throws: RegistryError.notFound(path: fixture.path)) {
            try SQLiteRegistry(path: fixture.path, create: false)
        }
        #expect(!FileManager.default.fileExists(atPath: fixture.path))
    }

    @Test("a registry migrated by a newer charter is refused")
    func newerSchema() throws {
        let fixture = try RegistryFixture()
        _ = try fixture.open()
        try fixture.tamper("INSERT INTO grdb_migrations (identifier) VALUES ('v9-from-the-future')")
        #expect(throws: RegistryError.schemaTooNew(path: fixture.path, unknownMigrations: ["v9-from-the-future"])) {
            try SQLiteRegistry(path: fixture.path, create: false)
        }
    }

    @Test("a file that is not SQLite is refused with a clear error")
    func notSQLite() throws {
        let fixture = try RegistryFixture()
        try Data("not a database, just text".utf8).write(to: URL(fileURLWithPath: fixture.path))
        do {
            _ = try SQLiteRegistry(path: fixture.path, create: false)
            Issue.record("opened a text file")
        } catch {
            #expect(error.description.contains(fixture.path))
        }
    }

    @Test("the default path and its overrides")
    func path() {
        #expect(SQLiteRegistry.resolvePath(explicit: nil, environment: [:]) == ".charter/registry.sqlite")
        #expect(
            SQLiteRegistry.resolvePath(explicit: nil, environment: ["CHARTER_REGISTRY": "/tmp/r.sqlite"])
                == "/tmp/r.sqlite")
        #expect(
            SQLiteRegistry.resolvePath(explicit: "x.sqlite", environment: ["CHARTER_REGISTRY": "/tmp/r.sqlite"])
                == "x.sqlite")
    }

    @Test("a new registry gets its directory created")
    func createsDirectory() throws {
        let fixture = try RegistryFixture()
        let nested = fixture.directory.appendingPathComponent("deep/.charter/registry.sqlite").path
        _ = try SQLiteRegistry(path: nested, create: true)
        #expect(FileManager.default.fileExists(atPath: nested))
    }
}

@Suite("catalogue")
struct CatalogueTests {
    let now = RegistryFixture.now

    @Test("certificates are recorded, listed, found expiring, and revoked with reason and actor", arguments: StoreKind.all)
    func lifecycle(_ kind: StoreKind) throws {
        let fixture = try RegistryFixture(kind)
        let registry = try fixture.open()
        try registry.registerSource("gbsg2", cap: Sample.cap, actor: "policy", at: now)
        try Sample.activateKey(registry)
        let soon = Sample.certificate("CERT-B", issued: now.advanced(by: .seconds(-80 * 86_400)), days: 90)
        let later = Sample.certificate("CERT-A", issued: now, days: 180)
        let gone = Sample.certificate("CERT-C", issued: now.advanced(by: .seconds(-100 * 86_400)), days: 90)
        for certificate in [soon, later, gone] { try registry.recordCertificate(certificate, actor: "engine", at: now) }
        #expect(try registry.certificates().map(\.id) == ["CERT-C", "CERT-B", "CERT-A"])
        #expect(try registry.certificate("CERT-A") == later)
        #expect(try registry.certificate("CERT-Z") == nil)
        #expect(
            try registry.certificates(expiringWithin: .seconds(30 * 86_400), at: now).map(\.id) == ["CERT-C", "CERT-B"])

        let revoked = try registry.revokeCertificate(
            "CERT-B", reason: "re-identification risk found", actor: "bob@hospital.example", at: now)
        #expect(
            revoked.revocation == .init(reason: "re-identification risk found", actor: "bob@hospital.example", at: now))
        #expect(try registry.certificate("CERT-B")?.revocation == revoked.revocation)
        #expect(try registry.certificates(expiringWithin: .seconds(30 * 86_400), at: now).map(\.id) == ["CERT-C"])
        #expect(
            throws: RegistryError.alreadyRevoked(
                id: "CERT-B", revocation: revoked.revocation ?? .init(reason: "", actor: "", at: now))
        ) {
            try registry.revokeCertificate("CERT-B", reason: "again", actor: "bob", at: now)
        }
        #expect(throws: RegistryError.unknownCertificate("CERT-Z")) {
            try registry.revokeCertificate("CERT-Z", reason: "x", actor: "bob", at: now)
        }
        #expect(throws: RegistryError.duplicateCertificate("CERT-A")) {
            try registry.recordCertificate(later, actor: "engine", at: now)
        }
        #expect(try registry.auditRecords().last?.action == "certificate.revoke")
        #expect(try registry.verifyAudit().isIntact)
    }

    @Test("malformed certificates are refused", arguments: StoreKind.all)
    func malformed(_ kind: StoreKind) throws {
        let fixture = try RegistryFixture(kind)
        let registry = try fixture.open()
        try registry.registerSource("gbsg2", cap: Sample.cap, actor: "policy", at: now)
        try Sample.activateKey(registry)
        var badDigest = Sample.certificate("C1", issued: now, days: 10)
        badDigest.digest = "sha256:XYZ"
        var backwards = Sample.certificate("C2", issued: now, days: 10)
        backwards.expiresAt = now
        let unknownSource = Sample.certificate("C3", source: "nope", issued: now, days: 10)
        var emptyConsumer = Sample.certificate("C4", issued: now, days: 10)
        emptyConsumer.consumers = [""]
        for certificate in [badDigest, backwards, unknownSource, emptyConsumer] {
            #expect(throws: RegistryError.self) {
                try registry.recordCertificate(certificate, actor: "engine", at: now)
            }
        }
        #expect(throws: RegistryError.self) { try registry.revokeCertificate("C1", reason: "", actor: "bob", at: now) }
        #expect(try registry.certificates().isEmpty)
    }
}
