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

/// Fifty concurrent `POST /v1/runs` against one DP source with a finite cap, through a bounded
/// queue: every answer is 202 or 429, the ledger moves exactly as the one-plan-one-run and the
/// ledger-pin rules allow, and every accepted run ends.
@Suite("Runs under load", .serialized)
struct RunLoadTests {
    static let source = "gbsg2-load"
    static let now = "2026-11-23T10:00:00Z"
    static let posts = 50
    static let capacity = 4

    static let policy = ServedRunFixture.policy

    static func request(id: String, sha: String) -> String {
        ServedRunFixture.request(id: id, source: source, path: "examples/data/gbsg2.csv", rows: 200, sha: sha)
    }

    /// Fifty distinct requests (distinct plans, distinct output folders) posted at once, with the
    /// queue held so that every plan is made before any run moves the ledger.
    ///
    /// Expected: exactly `capacity` are accepted (202) and the rest refused (429); every accepted
    /// plan pinned the same ledger view (the source registered, no event), so the first run to
    /// reserve changes that view and every later one is refused inside the reserving transaction.
    /// Exactly one run commits ε 4, although the cap of 10 alone would admit two.
    @Test func fiftyConcurrentRunsOfOneSourceCommitExactlyOnce() async throws {
        try await ServerStateTests.withFolder { folder in
            let policyFile = folder.appendingPathComponent("policy.yaml")
            try Data(Self.policy.utf8).write(to: policyFile)
            let data = try Data(contentsOf: Fixtures.url("examples/data/gbsg2.csv"))
            let sha = ContentDigest.sha256([UInt8](data))
            let registryPath = folder.appendingPathComponent("registry.sqlite").path
            let at = try #require(ActingInstant(parsing: Self.now)).timestamp
            let registry = try SQLiteRegistry(path: registryPath, create: true)
            try registry.registerSource(
                Self.source, cap: BudgetCap(epsilon: 10, delta: 0.00001), actor: "test", at: at)

            var configuration = try ServerStateTests.configuration(folder: folder, tokens: true)
            configuration.policyPath = policyFile.path
            configuration.signingKeyPath = folder.appendingPathComponent("signing-key").path
            configuration.outputRoot = folder.appendingPathComponent("out").path
            configuration.runQueueCapacity = Self.capacity
            let (router, routes) = try CharterServer.build(configuration)

            try await Application(router: router).test(.router) { client in
                var yaml = ServerTests.yaml
                yaml[.authorization] = "Bearer erin-token"
                let headers = yaml
                routes.board.holdQueue()
                let answers = try await withThrowingTaskGroup(of: (HTTPResponse.Status, String?).self) { group in
                    for index in 1...Self.posts {
                        let body = Self.request(id: "REQ-LOAD-\(index)", sha: sha)
                        group.addTask {
                            let response = try await client.execute(
                                uri: "/v1/runs?now=\(Self.now)", method: .post, headers: headers,
                                body: ByteBuffer(string: body))
                            guard response.status == .accepted else { return (response.status, nil) }
                            return (response.status, try ServerTests.json(response)["id"]?.stringValue)
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                routes.board.resumeQueue()

                let statuses = answers.map(\.0.code)
                #expect(statuses.allSatisfy { $0 == 202 || $0 == 429 }, "\(statuses.sorted())")
                #expect(statuses.filter { $0 == 202 }.count == Self.capacity)
                #expect(statuses.filter { $0 == 429 }.count == Self.posts - Self.capacity)
                let accepted = answers.compactMap(\.1)
                #expect(accepted.count == Self.capacity)

                // Every accepted run ends (bounded: a readiness wait, not a timing assertion).
                var finished: [String: (status: String, result: String)] = [:]
                for id in accepted {
                    for _ in 0..<2400 where finished[id] == nil {
                        let response = try await client.execute(
                            uri: "/v1/runs/\(id)", method: .get, headers: [.authorization: "Bearer erin-token"])
                        #expect(response.status == .ok)
                        let run = try #require(try ServerTests.json(response)["run"])
                        let status = try #require(run["status"]?.stringValue)
                        if !["queued", "running"].contains(status) {
                            finished[id] = (status, (try? run["result"]?.canonical()) ?? "")
                        } else {
                            try await Task.sleep(for: .milliseconds(50))
                        }
                    }
                }
                #expect(finished.count == Self.capacity, "\(finished)")
                #expect(finished.values.allSatisfy { ["published", "gate-failed", "failed"].contains($0.status) })
                // Every run but the first was refused inside the reserving transaction: its plan's
                // ledger view (and so its approvals' budget state) had changed.
                let moved = finished.values.filter {
                    $0.status == "failed" && $0.result.contains("changed since the plan was made")
                }
                #expect(moved.count == Self.capacity - 1, "\(finished)")

                // The ledger, through the API and through the registry itself.
                let budget = try await client.execute(
                    uri: "/v1/budgets/\(Self.source)?now=\(Self.now)", method: .get,
                    headers: [.authorization: "Bearer erin-token"])
                #expect(budget.status == .ok)
                let statement = try #require(try ServerTests.json(budget)["sources"]?.arrayValue?.first)
                #expect(statement["committed"]?["epsilon"] == "4")
                #expect(statement["reserved"]?["epsilon"] == "0")

                let verified = try await client.execute(
                    uri: "/v1/audit:verify", method: .post, headers: [.authorization: "Bearer audrey-token"])
                #expect(verified.status == .ok)
            }
            let ledger = try registry.budget(for: Self.source, at: at)
            #expect(ledger.events.filter { $0.state == .committed }.count == 1)
            #expect(ledger.events.filter { $0.state == .reserved }.isEmpty)
            let committed = try #require(ledger.committed.epsilon)
            #expect(committed == 4)
            #expect(committed <= ledger.cap.epsilon)
            #expect(try registry.verifyAudit().isIntact)
        }
    }
}
