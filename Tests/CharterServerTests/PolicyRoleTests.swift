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

/// The policy's roles reach the server's callers: its privacy officer may revoke whatever the token
/// says, a member of a policy role may post approvals for that role only, and every refusal is in
/// the audit chain under the caller's identity.
@Suite("Server policy roles", .serialized)
struct PolicyRoleTests {
    static let tokens = [
        // The reference policy: bob is its privacy_officer, dan legal, carol a data_steward.
        ("bob-token", "bob@hospital.example", [Role.consumer]),
        ("mallory-token", "mallory@hospital.example", [Role.consumer]),
        ("dan-token", "dan@hospital.example", [Role.requester]),
        ("carol-token", "carol@hospital.example", [Role.approver]),
        ("root-token", "root@hospital.example", [Role.admin]),
    ]

    static func withServer(_ test: @escaping @Sendable (any TestClientProtocol, SQLiteRegistry) async throws -> Void)
        async throws
    {
        try await ServerStateTests.withFolder { folder in
            let path = folder.appendingPathComponent("registry.sqlite").path
            let registry = try SQLiteRegistry(path: path, create: true)
            var configuration = try ServerTests.configuration(tokens: false, registry: path)
            configuration.tokens = try TokenFile(
                text: Self.tokens.map { TokenFile.line(token: $0.0, identity: $0.1, roles: $0.2) }.joined(separator: "\n"))
            configuration.runDirectory = folder.appendingPathComponent("runs").path
            let (router, _) = try CharterServer.build(configuration)
            try await Application(router: router).test(.router) { client in try await test(client, registry) }
        }
    }

    static func post(_ client: any TestClientProtocol, _ uri: String, token: String, _ body: String) async throws
        -> TestResponse
    {
        try await client.execute(
            uri: uri, method: .post,
            headers: [.authorization: "Bearer \(token)", .contentType: "application/json"], body: ByteBuffer(string: body))
    }

    @Test func thePolicysPrivacyOfficerMayRevokeAndNoOtherConsumerMay() async throws {
        try await Self.withServer { client, registry in
            let revoke = "/v1/certificates/cert-1:revoke"
            // bob's token grants only `consumer`, but the policy makes him its privacy officer: the
            // revocation is permitted and reaches the registry (which has no such certificate).
            #expect(try await Self.post(client, revoke, token: "bob-token", #"{"reason": "x"}"#).status == .notFound)
            let mallory = try await Self.post(client, revoke, token: "mallory-token", #"{"reason": "x"}"#)
            #expect(mallory.status == .forbidden)
            #expect(String(buffer: mallory.body).contains("the policy's privacy_officer"))
            // A data steward is a policy role, but not the one that revokes.
            #expect(try await Self.post(client, revoke, token: "carol-token", #"{"reason": "x"}"#).status == .forbidden)
            let refusals = try registry.auditRecords().filter { $0.action == AuditNote.requestRefused.rawValue }
            #expect(
                refusals.map(\.actor) == ["bob@hospital.example", "mallory@hospital.example", "carol@hospital.example"])
            #expect(refusals.map { $0.detailsValue?["status"] } == [.integer(404), .integer(403), .integer(403)])
            #expect(try registry.verifyAudit().isIntact)
        }
    }

    @Test func approvalsArePostedOnlyForRolesTheCallerHoldsInThePolicy() async throws {
        try await Self.withServer { client, registry in
            let manifest = try String(
                contentsOf: Fixtures.url("examples/requests/pending-gbsg2-prototyping.yaml"), encoding: .utf8)
            func body(role: String, by: String) throws -> String {
                let object: JSONValue = [
                    "request": .string(manifest), "role": .string(role), "by": .string(by),
                    "signature": "-----BEGIN SSH SIGNATURE-----\nnot a signature\n-----END SSH SIGNATURE-----\n",
                ]
                return try object.canonical()
            }
            // dan holds `legal` in the policy though his token says only `requester`: he may post a
            // legal approval, which then fails on its signature (422), never on his role.
            let legal = try await Self.post(client, "/v1/approvals", token: "dan-token", try body(role: "legal", by: "dan@hospital.example"))
            #expect(legal.status == .unprocessableContent)
            // Not for a role he does not hold, even with a token role that admits approvals.
            let steward = try await Self.post(
                client, "/v1/approvals", token: "dan-token", try body(role: "data_steward", by: "carol@hospital.example"))
            #expect(steward.status == .forbidden)
            let officer = try await Self.post(
                client, "/v1/approvals", token: "carol-token", try body(role: "privacy_officer", by: "bob@hospital.example"))
            #expect(officer.status == .forbidden)
            #expect(String(buffer: officer.body).contains("only for the policy roles it holds (data_steward)"))
            // Someone in no policy role with no approver token is refused at the door.
            #expect(
                try await Self.post(client, "/v1/approvals", token: "mallory-token", try body(role: "legal", by: "mallory@hospital.example"))
                    .status == .forbidden)
            // An admin may post for any role (the signature still decides whether it counts).
            let admin = try await Self.post(
                client, "/v1/approvals", token: "root-token", try body(role: "privacy_officer", by: "bob@hospital.example"))
            #expect(admin.status == .unprocessableContent)
            let refused = try registry.auditRecords().filter { $0.action == AuditNote.requestRefused.rawValue }
            #expect(refused.filter { $0.detailsValue?["status"] == .integer(403) }.map(\.actor) == [
                "dan@hospital.example", "carol@hospital.example", "mallory@hospital.example",
            ])
            #expect(try registry.verifyAudit().isIntact)
        }
    }
}
