import CharterCore
import Foundation
import GRDB
import Testing

@testable import CharterRegistry

/// A registry with a dozen audit records of every kind.
private func populated() throws -> (RegistryFixture, SQLiteRegistry) {
    let fixture = try RegistryFixture()
    let registry = try fixture.openSQLite()
    try populate(registry)
    return (fixture, registry)
}

/// The same on either store.
private func populated(_ kind: StoreKind) throws -> (RegistryFixture, any RegistryStore) {
    let fixture = try RegistryFixture(kind)
    let registry = try fixture.open()
    try populate(registry)
    return (fixture, registry)
}

private func populate(_ registry: any RegistryStore) throws {
    let now = RegistryFixture.now
    try registry.registerSource("gbsg2", cap: Sample.cap, actor: "policy", at: now)
    try registry.registerSource("mimic", cap: Sample.cap, actor: "policy", at: now)
    let a = try registry.reserve(Sample.request("1", run: "RUN-1"), at: now)
    _ = try registry.commit(a.id, actor: "engine", at: now.advanced(by: .seconds(1)))
    let b = try registry.reserve(Sample.request("2", source: "mimic", run: "RUN-2", lease: .seconds(5)), at: now)
    _ = try registry.renewLease(b.id, for: .seconds(10), actor: "engine", at: now.advanced(by: .seconds(2)))
    let c = try registry.reserve(Sample.request("0.5", run: "RUN-3"), at: now.advanced(by: .seconds(3)))
    _ = try registry.release(c.id, reason: "fairness gate failed", actor: "engine", at: now.advanced(by: .seconds(4)))
    try Sample.activateKey(registry)
    try registry.recordCertificate(
        Sample.certificate("CERT-1", issued: now, days: 90), actor: "engine", at: now.advanced(by: .seconds(5)))
    // This reservation releases b, whose lease has expired.
    _ = try registry.reserve(Sample.request("1", run: "RUN-4"), at: now.advanced(by: .seconds(60)))
    _ = try registry.revokeCertificate(
        "CERT-1", reason: "consumer left the project", actor: "bob", at: now.advanced(by: .seconds(61)))
}

@Suite("audit chain", .serialized)
struct AuditChainTests {
    static let recordCount: Int64 = 13

    @Test("the latest records, of any or some actions, are the chain's tail in chain order", arguments: StoreKind.all)
    func latest(_ kind: StoreKind) throws {
        let (_, registry) = try populated(kind)
        let records = try registry.auditRecords()
        #expect(try registry.latestAuditRecords(4, actions: []) == Array(records.suffix(4)))
        #expect(try registry.latestAuditRecords(100, actions: []) == records)
        #expect(try registry.latestAuditRecords(0, actions: []) == [])
        let reserves = records.filter { ["budget.reserve", "budget.release"].contains($0.action) }
        #expect(
            try registry.latestAuditRecords(3, actions: ["budget.release", "budget.reserve"])
                == Array(reserves.suffix(3)))
        #expect(try registry.latestAuditRecords(3, actions: ["no.such-action"]) == [])
    }

    @Test("a registry written by charter verifies, and its chain has the documented shape", arguments: StoreKind.all)
    func intact(_ kind: StoreKind) throws {
        let (_, registry) = try populated(kind)
        let verification = try registry.verifyAudit()
        #expect(verification.findings == [])
        let records = try registry.auditRecords()
        #expect(Int64(records.count) == Self.recordCount)
        #expect(
            records.map(\.action) == [
                "source.register", "source.register", "budget.reserve", "budget.commit", "budget.reserve",
                "budget.renew",
                "budget.reserve", "budget.release", "key.activate", "certificate.record", "budget.lease-expired",
                "budget.reserve",
                "certificate.revoke",
            ])
        #expect(records.first?.previousHash == AuditRecord.genesisHash)
        for (previous, record) in zip(records, records.dropFirst()) { #expect(record.previousHash == previous.hash) }
        // The hash is sha256 over the previous hash and the record's canonical JSON.
        let first = try #require(records.first)
        let content: JSONValue = [
            "seq": 1, "at": "2026-11-20T10:00:00Z", "actor": "policy", "action": "source.register", "subject": "gbsg2",
            "details": ["source": "gbsg2", "epsilon_cap": "10", "delta_cap": "0.00001"],
        ]
        #expect(first.hash == ContentDigest.sha256(AuditRecord.genesisHash + (try content.canonical())))
        #expect(verification.headHash == records.last?.hash)
    }

    static let columns = ["at", "actor", "action", "subject", "details", "previous_hash", "hash"]

    @Test("editing one byte of any field of any record is detected and names that record", arguments: columns)
    func editOneByte(column: String) throws {
        let (fixture, registry) = try populated()
        for seq in 1...Self.recordCount {
            let original = try #require(
                try fixture.scalar("SELECT \(column) FROM audit_log WHERE seq = \(seq)", as: String.self))
            // Flip one byte in the middle (staying ASCII, so the text stays valid UTF-8).
            var bytes = Array(original.utf8)
            let index = bytes.count / 2
            bytes[index] = bytes[index] == UInt8(ascii: "a") ? UInt8(ascii: "b") : UInt8(ascii: "a")
            try fixture.tamper(
                "UPDATE audit_log SET \(column) = ? WHERE seq = ?",
                arguments: [String(decoding: bytes, as: UTF8.self), seq])
            let findings = try registry.verifyAudit().findings
            #expect(findings.first?.kind == .edited, "\(column) of record \(seq): \(findings)")
            #expect(findings.first?.seq == seq, "\(column) of record \(seq): \(findings)")
            try fixture.tamper("UPDATE audit_log SET \(column) = ? WHERE seq = ?", arguments: [original, seq])
            #expect(try registry.verifyAudit().isIntact)
        }
    }

    @Test("deleting any one record is detected and names it")
    func deleteOne() throws {
        for seq in 1...Self.recordCount {
            let (fixture, registry) = try populated()
            try fixture.tamper("DELETE FROM audit_log WHERE seq = ?", arguments: [seq])
            let findings = try registry.verifyAudit().findings
            #expect(findings.first?.kind == .deleted, "record \(seq): \(findings)")
            #expect(findings.first?.seq == seq, "record \(seq): \(findings)")
            #expect(findings.first?.message.contains("audit record \(seq) deleted") == true, "\(findings)")
        }
    }

    @Test("deleting a record and renumbering the rest is detected")
    func deleteAndRenumber() throws {
        let (fixture, registry) = try populated()
        try fixture.tamper("DELETE FROM audit_log WHERE seq = 5")
        try fixture.tamper("UPDATE audit_log SET seq = seq - 1 WHERE seq > 5")
        try fixture.tamper("UPDATE audit_head SET seq = seq - 1")
        let findings = try registry.verifyAudit().findings
        #expect(findings.first?.seq == 5)
        #expect(findings.first?.kind == .reordered || findings.first?.kind == .deleted, "\(findings)")
    }

    @Test("swapping any two records is detected as a reordering of the earlier one")
    func swapTwo() throws {
        let (fixture, registry) = try populated()
        let fields = Self.columns.joined(separator: ", ")
        for (i, j) in [(1, 2), (3, 4), (2, 9), (11, 12), (1, 12), (6, 7)] {
            // Exchange everything but the position.
            let assignments = Self.columns.map { "\($0) = other.\($0)" }.joined(separator: ", ")
            try fixture.tamper(
                """
                CREATE TEMP TABLE swap AS SELECT seq, \(fields) FROM audit_log WHERE seq IN (\(i), \(j));
                UPDATE audit_log SET \(assignments)
                FROM (SELECT CASE seq WHEN \(i) THEN \(j) ELSE \(i) END AS target, \(fields) FROM swap) AS other
                WHERE audit_log.seq = other.target;
                DROP TABLE swap;
                """)
            let findings = try registry.verifyAudit().findings
            #expect(findings.first?.kind == .reordered, "swap \(i) and \(j): \(findings)")
            #expect(findings.first?.seq == Int64(i), "swap \(i) and \(j): \(findings)")
            #expect(findings.first?.message.contains("written as record \(j)") == true, "\(findings)")
            // Swap back: intact again.
            try fixture.tamper(
                """
                CREATE TEMP TABLE swap AS SELECT seq, \(fields) FROM audit_log WHERE seq IN (\(i), \(j));
                UPDATE audit_log SET \(assignments)
                FROM (SELECT CASE seq WHEN \(i) THEN \(j) ELSE \(i) END AS target, \(fields) FROM swap) AS other
                WHERE audit_log.seq = other.target;
                DROP TABLE swap;
                """)
            #expect(try registry.verifyAudit().isIntact)
        }
    }

    @Test("moving a record to another position is detected", arguments: StoreKind.all)
    func move(_ kind: StoreKind) throws {
        let (fixture, registry) = try populated(kind)
        try fixture.tamperAny("UPDATE audit_log SET seq = 40 WHERE seq = 4")
        let findings = try registry.verifyAudit().findings
        #expect(findings.first?.kind == .reordered, "\(findings)")
        #expect(findings.first?.seq == 4)
    }

    @Test("a ledger or catalogue edited without an audit record is a state mismatch", arguments: StoreKind.all)
    func stateMismatch(_ kind: StoreKind) throws {
        for sql in [
            "UPDATE ledger_events SET state = 'released' WHERE id = 1",
            "UPDATE ledger_events SET cost = '{\"epsilon\":\"0.1\",\"kind\":\"pure\"}' WHERE id = 1",
            "DELETE FROM ledger_events WHERE id = 3",
            "UPDATE sources SET epsilon_cap = '100' WHERE id = 'gbsg2'",
            "UPDATE certificates SET revoked_reason = NULL, revoked_at = NULL WHERE id = 'CERT-1'",
            "UPDATE certificates SET key_id = 'sha256:\(String(repeating: "0", count: 64))' WHERE id = 'CERT-1'",
            "INSERT INTO ledger_events (id, source, run, mechanism, cost, state, actor, reserved_at, lease_expires_at) VALUES (99, 'gbsg2', 'x', 'x', '{\"epsilon\":\"5\",\"kind\":\"pure\"}', 'committed', 'x', 0, 0)",
        ] {
            let (fixture, registry) = try populated(kind)
            try fixture.tamperAny(sql)
            let findings = try registry.verifyAudit().findings
            #expect(findings.map(\.kind) == [.stateMismatch], "\(sql): \(findings)")
        }
    }

    @Test("the append-only triggers stop accidental edits")
    func triggers() throws {
        let (fixture, _) = try populated()
        let queue = try DatabaseQueue(path: fixture.path)
        #expect(throws: (any Error).self) {
            try queue.write { db in try db.execute(sql: "DELETE FROM audit_log WHERE seq = 1") }
        }
        #expect(throws: (any Error).self) {
            try queue.write { db in try db.execute(sql: "UPDATE audit_log SET actor = 'x'") }
        }
        #expect(throws: (any Error).self) { try queue.write { db in try db.execute(sql: "DELETE FROM ledger_events") } }
    }

    @Test("the pure verifier names a gap at the start, in the middle and at the end")
    func verifierGaps() throws {
        let (_, registry) = try populated()
        let records = try registry.auditRecords()
        let head = try #require(records.last)
        func check(_ kept: [AuditRecord], _ expected: Int64) {
            let verifier = AuditVerifier(
                records: kept, headSeq: head.seq, headHash: head.hash, snapshot: RegistrySnapshot())
            let finding = verifier.firstChainBreak()
            #expect(finding?.kind == .deleted)
            #expect(finding?.seq == expected)
        }
        check(Array(records.dropFirst()), 1)
        check(Array(records.dropLast()), head.seq)
        check(records.filter { $0.seq != 6 }, 6)
        check(records.filter { $0.seq < 3 || $0.seq > 7 }, 3)
    }
}
