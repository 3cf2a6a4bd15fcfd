import CharterCore
import CharterRegistry
import CharterTestSupport
import CharterWorkflow
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CharterServer

/// What the server keeps: runs across a restart, the audit notes of refused and accepted changes,
/// the policy set reloaded when its files change, and the DP configuration checks.
@Suite("Server state", .serialized)
struct ServerStateTests {
    /// A throwaway folder, removed after `body`.
    static func withFolder(_ body: (URL) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("charter-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try await body(folder)
    }

    static let now = Timestamp(millisecondsSinceEpoch: 1_795_000_000_000)

    static func configuration(folder: URL, tokens: Bool) throws -> ServerConfiguration {
        var configuration = try ServerTests.configuration(
            tokens: tokens, registry: folder.appendingPathComponent("registry.sqlite").path)
        configuration.runDirectory = folder.appendingPathComponent("runs").path
        return configuration
    }

    @Test func aRunTheServerWasKilledDuringIsInterruptedAfterARestart() async throws {
        try await Self.withFolder { folder in
            let registryPath = folder.appendingPathComponent("registry.sqlite").path
            let registry = try SQLiteRegistry(path: registryPath, create: true)
            try registry.registerSource(
                "gbsg2-2026q3", cap: BudgetCap(epsilon: 10, delta: 0.00001), actor: "test", at: Self.now)
            let reserved = try registry.reserve(
                ReservationRequest(
                    source: "gbsg2-2026q3", run: "sha256:plan", mechanism: "dp-copula", cost: .pure(epsilon: 1),
                    lease: .seconds(3600), actor: "erin@hospital.example"),
                at: Self.now)
            // The journal as a killed server left it: the run was running.
            let journal = try RunJournal(directory: folder.appendingPathComponent("runs").path)
            let id = "run-" + UUID().uuidString.lowercased()
            var record = RunRecord(
                id: id, status: "running", actor: "erin@hospital.example", requestID: "REQ-1",
                planDigest: "sha256:plan",
                source: "gbsg2-2026q3", actingAt: Self.now.description)
            record.progress = ["budget: reserved ε 1 of gbsg2-2026q3"]
            journal.write(record)

            let (router, _) = try CharterServer.build(try Self.configuration(folder: folder, tokens: true))
            try await Application(router: router).test(.router) { client in
                let response = try await client.execute(
                    uri: "/v1/runs/\(id)", method: .get, headers: [.authorization: "Bearer erin-token"])
                #expect(response.status == .ok)
                let run = try #require(try ServerTests.json(response)["run"])
                #expect(run["status"] == "interrupted")
                let events = try #require(run["result"]?["ledger_events"]?.arrayValue)
                #expect(events.first?["id"] == .integer(Int(reserved.id)))
                #expect(events.first?["state"] == "reserved")
                let unknown = try await client.execute(
                    uri: "/v1/runs/run-00000000-0000-0000-0000-000000000000", method: .get,
                    headers: [.authorization: "Bearer erin-token"])
                #expect(unknown.status == .notFound)
            }
            // The interruption is audited, the chain verifies, and the reservation lapses with its lease.
            let records = try registry.auditRecords()
            #expect(records.contains { $0.action == AuditNote.runInterrupted.rawValue && $0.subject == id })
            #expect(try registry.verifyAudit().isIntact)
            let later = Self.now.advanced(by: .seconds(7200))
            #expect(try registry.budget(for: "gbsg2-2026q3", at: later).events.first?.leaseExpired(at: later) == true)
            // A second restart leaves the record as it is.
            _ = try CharterServer.build(try Self.configuration(folder: folder, tokens: true))
            #expect(journal.read(id)?.status == "interrupted")
            #expect(try registry.auditRecords().filter { $0.action == AuditNote.runInterrupted.rawValue }.count == 1)
        }
    }

    @Test func refusedChangesAreAuditedWithTheCallersIdentity() async throws {
        try await Self.withFolder { folder in
            let registry = try SQLiteRegistry(path: folder.appendingPathComponent("registry.sqlite").path, create: true)
            let (router, _) = try CharterServer.build(try Self.configuration(folder: folder, tokens: true))
            let json: HTTPFields = [.contentType: "application/json"]
            try await Application(router: router).test(.router) { client in
                let anonymous = try await client.execute(
                    uri: "/v1/certificates/cert-1:revoke", method: .post, headers: json,
                    body: ByteBuffer(string: "{\"reason\": \"x\"}"))
                #expect(anonymous.status == .unauthorized)
                var consumer = json
                consumer[.authorization] = "Bearer connie-token"
                let forbidden = try await client.execute(
                    uri: "/v1/certificates/cert-1:revoke", method: .post, headers: consumer,
                    body: ByteBuffer(string: "{\"reason\": \"x\"}"))
                #expect(forbidden.status == .forbidden)
                var admin = json
                admin[.authorization] = "Bearer root-token"
                let missing = try await client.execute(
                    uri: "/v1/certificates/cert-1:revoke", method: .post, headers: admin,
                    body: ByteBuffer(string: "{\"reason\": \"x\"}"))
                #expect(missing.status == .notFound)
                var requester = ServerTests.yaml
                requester[.authorization] = "Bearer alice-token"
                let pending = try await client.execute(
                    uri: "/v1/runs?now=2026-11-23", method: .post, headers: requester,
                    body: try ServerTests.manifest("pending-gbsg2-prototyping.yaml"))
                #expect(pending.status == .unprocessableContent)
            }
            let refusals = try registry.auditRecords().filter { $0.action == AuditNote.requestRefused.rawValue }
            #expect(
                refusals.map(\.actor) == [
                    "anonymous", "connie@hospital.example", "root@hospital.example", "alice@hospital.example",
                ])
            #expect(
                refusals.map { $0.detailsValue?["status"] } == [
                    .integer(401), .integer(403), .integer(404), .integer(422),
                ])
            #expect(refusals.first?.subject == "cert-1")
            #expect(try registry.verifyAudit().isIntact)
        }
    }

    @Test func thePolicySetIsReloadedOnlyWhenItsFilesChange() async throws {
        try await Self.withFolder { folder in
            let policies = folder.appendingPathComponent("policies")
            try FileManager.default.copyItem(at: Fixtures.url("policies"), to: policies)
            let live = LivePolicy(path: policies.path, store: FileSystemInputStore())
            #expect(live.current.program != nil)
            #expect(live.refresh().reloaded == false)
            let file = policies.appendingPathComponent("health-synthetic.yaml")
            let text = try String(contentsOf: file, encoding: .utf8)
            try text.replacingOccurrences(of: "per_source: { epsilon: 10.0", with: "per_source: { epsilon: 4.0")
                .write(to: file, atomically: true, encoding: .utf8)
            let (reloaded, changed) = live.refresh()
            #expect(changed)
            #expect(reloaded.program?.policy.budgets?.perSourceEpsilon?.value == 4)
            // A file that no longer loads is current too: decisions fail rather than use stale rules.
            try "charter: 1\nkind: policy\nname: [\n".write(to: file, atomically: true, encoding: .utf8)
            #expect(live.refresh().policy.program == nil)
            #expect(!live.current.selection.diagnostics.isEmpty)
        }
    }

    @Test func dpConfigurationsAreCheckedAndHostileSizesRefused() async throws {
        try await ServerTests.withServer { client in
            let json: HTTPFields = [.contentType: "application/json"]
            let good = try await client.execute(
                uri: "/v1/dp/validate-config", method: .post, headers: json,
                body: ByteBuffer(
                    string: #"{"rows": 686, "batch_size": 34, "epochs": 10, "target_epsilon": 1, "delta": 1e-6}"#))
            #expect(good.status == .ok)
            #expect(try ServerTests.json(good)["verdict"] == "accepted")
            let huge = try await client.execute(
                uri: "/v1/dp/validate-config", method: .post, headers: json,
                body: ByteBuffer(
                    string:
                        #"{"rows": 9223372036854775807, "batch_size": 2, "epochs": 9223372036854775807, "target_epsilon": 1, "delta": 1e-6}"#
                ))
            #expect(huge.status == .ok)
            #expect(try ServerTests.json(huge)["verdict"] == "refused")
            for body in [
                #"{"rows": 686}"#,
                #"{"rows": "686", "batch_size": 34, "epochs": 10, "target_epsilon": 1, "delta": 1e-6}"#,
                #"{"rows": 686, "batch_size": 34, "epochs": 10, "target_epsilon": 1, "delta": 1e-6, "x": 1}"#, "[]",
            ] {
                let bad = try await client.execute(
                    uri: "/v1/dp/validate-config", method: .post, headers: json, body: ByteBuffer(string: body))
                #expect(bad.status == .badRequest, "\(body)")
            }
        }
    }
}
