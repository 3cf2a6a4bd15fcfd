import CharterCore
import Foundation
import Testing

@testable import CharterRegistry

/// Lifecycle events (publication, revalidation, access, retirement) and incidents, on both stores:
/// decided under the write lock, recorded with an audit record, replayed by `audit verify`.
@Suite("certificate lifecycle", .serialized)
struct LifecycleTests {
    let now = RegistryFixture.now

    /// A registry with the sample key, sources gbsg2 and actg175, and certificates A, B (gbsg2) and C (actg175).
    private func registry(_ kind: StoreKind) throws -> (RegistryFixture, any RegistryStore) {
        let fixture = try RegistryFixture(kind)
        let registry = try fixture.open()
        try registry.registerSource("gbsg2", cap: Sample.cap, actor: "policy", at: now)
        try registry.registerSource("actg175", cap: Sample.cap, actor: "policy", at: now)
        try Sample.activateKey(registry)
        let issued = now.advanced(by: .seconds(-86_400))
        for (id, source) in [("A", "gbsg2"), ("B", "gbsg2"), ("C", "actg175")] {
            try registry.recordCertificate(
                Sample.certificate(id, source: source, issued: issued, days: 90), actor: "engine", at: issued)
        }
        return (fixture, registry)
    }

    private func access(
        _ registry: any RegistryStore, _ id: String, consumer: String, by: String, allowed: Bool = true,
        at time: Timestamp? = nil
    ) throws -> LifecycleEvent? {
        try registry.recordLifecycle(certificate: id, actor: by, at: time ?? now) { context in
            let refused = context.certificate.revocation != nil || !allowed
            return LifecycleEntry(
                kind: .access, outcome: refused ? "refused" : "allowed",
                details: ["consumer": .string(consumer), "purpose": "analytics", "by": .string(by)],
                summary: ["consumer": .string(consumer)])
        }.event
    }

    @Test("events are decided under the lock, listed in order, and replayed by audit verify", arguments: StoreKind.all)
    func recordAndReplay(_ kind: StoreKind) throws {
        let (_, registry) = try registry(kind)
        let first = try access(registry, "A", consumer: "oncology-ml", by: "ann@hospital.example")
        #expect(first?.id == 1 && first?.outcome == "allowed")
        // The decision sees the events so far.
        let second = try registry.recordLifecycle(certificate: "A", actor: "bob", at: now) { context in
            #expect(context.events.map(\.id) == [1])
            return LifecycleEntry(kind: .revalidation, outcome: "passed", details: ["drift": []])
        }
        #expect(second.event?.id == 2)
        // nil records nothing; a thrown error rolls back.
        let none = try registry.recordLifecycle(certificate: "A", actor: "bob", at: now) { _ in nil }
        #expect(none.event == nil)
        #expect(throws: RegistryError.invalidName("no")) {
            try registry.recordLifecycle(certificate: "A", actor: "bob", at: now) { _ throws(RegistryError) in
                throw RegistryError.invalidName("no")
            }
        }
        #expect(throws: RegistryError.unknownCertificate("ZZZ")) {
            try registry.recordLifecycle(certificate: "ZZZ", actor: "bob", at: now) { _ in
                LifecycleEntry(kind: .access, outcome: "allowed", details: [:])
            }
        }
        #expect(throws: RegistryError.self) {
            try registry.recordLifecycle(certificate: "A", actor: "bob", at: now) { _ in
                LifecycleEntry(kind: .incident, outcome: "responded", details: [:])
            }
        }
        #expect(try registry.lifecycleEvents(certificate: "A").map(\.kind) == [.access, .revalidation])
        #expect(try registry.lifecycleEvents(certificate: "B").isEmpty)
        #expect(try registry.lifecycleEvents(certificate: nil).count == 2)
        let records = try registry.auditRecords().filter { $0.action.hasPrefix("lifecycle.") }
        #expect(records.map(\.action) == ["lifecycle.access", "lifecycle.revalidation"])
        #expect(records.first?.detailsValue?["summary"]?["consumer"]?.stringValue == "oncology-ml")
        #expect(try registry.verifyAudit().isIntact)
    }

    @Test(
        "an incident on a source revokes its certificates, names who accessed, and a repeat changes nothing",
        arguments: StoreKind.all)
    func incidentOnSource(_ kind: StoreKind) throws {
        let (_, registry) = try registry(kind)
        _ = try access(registry, "A", consumer: "oncology-ml", by: "ann@hospital.example")
        _ = try access(registry, "A", consumer: "oncology-ml", by: "raj@hospital.example")
        _ = try access(registry, "B", consumer: "radiology", by: "lee@hospital.example")
        _ = try access(registry, "B", consumer: "cardiology", by: "eve@hospital.example", allowed: false)
        _ = try access(registry, "C", consumer: "virology", by: "kim@hospital.example")
        let outcome = try registry.respondToIncident(
            .source("gbsg2"), reason: "source withdrawn", replacement: nil, actor: "bob", at: now)
        #expect(outcome.changed)
        #expect(outcome.revoked.map(\.id) == ["A", "B"])
        #expect(outcome.notify.map(\.consumer) == ["oncology-ml", "radiology"])
        #expect(outcome.notify.first?.accessedBy == ["ann@hospital.example", "raj@hospital.example"])
        #expect(try registry.certificate("C")?.revocation == nil)
        #expect(try registry.certificate("A")?.revocation?.reason.contains("source withdrawn") == true)
        #expect(try registry.verifyAudit().isIntact)
        let head = try registry.auditRecords().count
        let repeated = try registry.respondToIncident(
            .source("gbsg2"), reason: "source withdrawn", replacement: nil, actor: "bob", at: now)
        #expect(!repeated.changed && repeated.revoked.isEmpty && repeated.notify == outcome.notify)
        #expect(try registry.auditRecords().count == head)
        // After the incident an access sees the revocation (the decision reads it under the lock).
        #expect(try access(registry, "A", consumer: "oncology-ml", by: "ann@hospital.example")?.outcome == "refused")
        #expect(throws: RegistryError.unknownSource("nope")) {
            try registry.respondToIncident(.source("nope"), reason: "r", replacement: nil, actor: "bob", at: now)
        }
        #expect(throws: RegistryError.unknownCertificate("nope")) {
            try registry.respondToIncident(.certificate("nope"), reason: "r", replacement: nil, actor: "bob", at: now)
        }
        #expect(try registry.verifyAudit().isIntact)
    }

    @Test(
        "an incident on the active key revokes it and what it signed, and activates the replacement at once",
        arguments: StoreKind.all)
    func incidentOnKey(_ kind: StoreKind) throws {
        let (_, registry) = try registry(kind)
        #expect(throws: RegistryError.self) {
            try registry.respondToIncident(
                .key(Sample.signingKeyID), reason: "key leaked", replacement: nil, actor: "sec", at: now)
        }
        #expect(try registry.signingKeys().active?.fingerprint == Sample.signingKeyID)
        let outcome = try registry.respondToIncident(
            .key(Sample.signingKeyID), reason: "key leaked", replacement: Sample.otherPublicKey, actor: "sec", at: now)
        #expect(outcome.revoked.map(\.id) == ["A", "B", "C"])
        #expect(outcome.revokedKey?.fingerprint == Sample.signingKeyID)
        let keys = try registry.signingKeys()
        #expect(keys.active?.publicKey == Sample.otherPublicKey)
        #expect(keys.key(Sample.signingKeyID)?.status == .revoked)
        #expect(try registry.verifyAudit().isIntact)
        let repeated = try registry.respondToIncident(
            .key(Sample.signingKeyID), reason: "key leaked", replacement: nil, actor: "sec", at: now)
        #expect(!repeated.changed)
        #expect(throws: RegistryError.unknownSigningKey("sha256:nope")) {
            try registry.respondToIncident(.key("sha256:nope"), reason: "r", replacement: nil, actor: "s", at: now)
        }
    }

    @Test("editing a lifecycle row is a state mismatch for audit verify", arguments: StoreKind.all)
    func tamperedLifecycle(_ kind: StoreKind) throws {
        let (fixture, registry) = try registry(kind)
        _ = try access(registry, "A", consumer: "oncology-ml", by: "ann@hospital.example", allowed: false)
        #expect(try registry.verifyAudit().isIntact)
        try fixture.tamperAny(
            "DROP TRIGGER IF EXISTS lifecycle_events_no_update\(kind == .postgres ? " ON lifecycle_events" : ""); UPDATE lifecycle_events SET outcome = 'allowed'"
        )
        let findings = try registry.verifyAudit().findings
        #expect(findings.contains { $0.message.contains("lifecycle event 1") }, "\(findings)")
    }

    @Test(
        "concurrent accesses and an incident: every allowed access precedes the incident and is notified",
        arguments: StoreKind.all)
    func concurrentIncidentAndAccess(_ kind: StoreKind) throws {
        let (fixture, registry) = try registry(kind)
        let path = fixture.path
        let postgres = fixture.postgres
        let results = LockedEvents()
        DispatchQueue.concurrentPerform(iterations: 17) { index in
            // Each thread its own connection, as separate processes would have.
            let opened: (any RegistryStore)? =
                if let postgres { try? PostgresRegistry(location: postgres, mode: .existing) } else {
                    try? SQLiteRegistry(path: path, create: false)
                }
            guard let store = opened else { return }
            if index == 8 {
                let outcome = try? store.respondToIncident(
                    .source("gbsg2"), reason: "breach", replacement: nil, actor: "bob", at: now)
                results.incident = outcome?.event?.id
                results.notified = outcome?.notify.map(\.consumer) ?? []
            } else {
                let event = try? store.recordLifecycle(certificate: "A", actor: "u", at: now) { context in
                    LifecycleEntry(
                        kind: .access, outcome: context.certificate.revocation == nil ? "allowed" : "refused",
                        details: ["consumer": .string("team-\(index)"), "by": .string("u\(index)@hospital.example")])
                }.event
                if let event { results.append(event) }
            }
        }
        let incident = try #require(results.incident)
        let events = results.events
        #expect(events.count == 16)
        for event in events {
            if event.outcome == "allowed" {
                #expect(event.id < incident)
                #expect(results.notified.contains(event.details["consumer"]?.stringValue ?? ""))
            } else {
                #expect(event.id > incident)
            }
        }
        #expect(results.notified.count == events.filter { $0.outcome == "allowed" }.count)
        #expect(try registry.verifyAudit().isIntact)
    }
}

/// Results gathered from concurrent threads.
final class LockedEvents: @unchecked Sendable {
    // INVARIANT: every access goes through `lock`.
    private let lock = NSLock()
    private var _events: [LifecycleEvent] = []
    private var _incident: Int64?
    private var _notified: [String] = []

    var events: [LifecycleEvent] { lock.withLock { _events } }
    func append(_ event: LifecycleEvent) { lock.withLock { _events.append(event) } }
    var incident: Int64? {
        get { lock.withLock { _incident } }
        set { lock.withLock { _incident = newValue } }
    }
    var notified: [String] {
        get { lock.withLock { _notified } }
        set { lock.withLock { _notified = newValue } }
    }
}
