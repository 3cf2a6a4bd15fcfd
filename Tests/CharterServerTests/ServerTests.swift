import CharterCore
import CharterTestSupport
import CharterWorkflow
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CharterServer

/// The server in process (Hummingbird's router test framework): every answer checked by status and
/// JSON, never by time.
@Suite("Server")
struct ServerTests {
    static let tokens = [
        ("alice-token", "alice@hospital.example", [Role.requester]),
        ("carol-token", "carol@hospital.example", [Role.approver]),
        ("erin-token", "erin@hospital.example", [Role.engineer]),
        ("audrey-token", "audrey@hospital.example", [Role.auditor]),
        ("connie-token", "connie@hospital.example", [Role.consumer]),
        ("root-token", "root@hospital.example", [Role.admin]),
    ]

    static func configuration(
        tokens: Bool, registry: String = "/nonexistent/charter-registry.sqlite", maximumBody: Int = 1 << 20
    )
        throws -> ServerConfiguration
    {
        let file =
            tokens
            ? try TokenFile(
                text: Self.tokens.map { TokenFile.line(token: $0.0, identity: $0.1, roles: $0.2) }.joined(
                    separator: "\n"))
            : nil
        return ServerConfiguration(
            policyPath: Fixtures.url("policies").path, registry: RegistryLocation(path: registry, isNamed: false),
            signingKeyPath: "/nonexistent/signing-key", tokens: file, maximumBodyBytes: maximumBody,
            clock: { Timestamp(millisecondsSinceEpoch: 1_795_000_000_000) })
    }

    static func withServer(
        tokens: Bool = false, maximumBody: Int = 1 << 20,
        _ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let (router, _) = try CharterServer.build(try configuration(tokens: tokens, maximumBody: maximumBody))
        let app = Application(router: router)
        try await app.test(.router) { client in try await test(client) }
    }

    static func manifest(_ name: String) throws -> ByteBuffer {
        ByteBuffer(bytes: try Data(contentsOf: Fixtures.url("examples/requests/\(name)")))
    }

    static func json(_ response: TestResponse) throws -> [String: JSONValue] {
        try #require(try JSONParser().parse(String(buffer: response.body)).objectValue)
    }

    static let yaml: HTTPFields = [.contentType: "application/yaml"]

    @Test func healthAndOpenAPIAreOpen() async throws {
        try await Self.withServer(tokens: true) { client in
            let health = try await client.execute(uri: "/v1/health", method: .get)
            #expect(health.status == .ok)
            #expect(health.headers[HTTPField.Name("X-Request-Id")!] != nil)
            let openapi = try await client.execute(uri: "/openapi.json", method: .get)
            #expect(openapi.status == .ok)
            #expect(String(buffer: openapi.body).contains("\"openapi\": \"3.1.0\""))
        }
    }

    @Test func theServedDocumentIsTheRepositorysOne() throws {
        let file = try String(contentsOf: Fixtures.url("grammar/openapi.json"), encoding: .utf8)
        #expect(OpenAPIDocument.text == file)
    }

    @Test func decisionsMatchCheckJSON() async throws {
        try await Self.withServer { client in
            let response = try await client.execute(
                uri: "/v1/decisions?now=2026-11-23", method: .post, headers: Self.yaml,
                body: try Self.manifest("denied-gbsg2-epsilon-over-cap.yaml"))
            #expect(response.status == .ok)
            let decisions = try #require(try Self.json(response)["decisions"]?.arrayValue)
            #expect(decisions.count == 1)
            #expect(decisions.first?.objectValue?["decision"] == "deny")
            #expect(decisions.first?.objectValue?["file"] == "request.yaml")
        }
    }

    @Test func malformedManifestsAre400WithDiagnostics() async throws {
        try await Self.withServer { client in
            let response = try await client.execute(
                uri: "/v1/decisions", method: .post, headers: Self.yaml,
                body: ByteBuffer(string: "charter: [1, 2\nkind: {"))
            #expect(response.status == .badRequest)
            let error = try #require(try Self.json(response)["error"]?.objectValue)
            #expect(error["diagnostics"]?.arrayValue?.isEmpty == false)
        }
    }

    @Test(arguments: ["/etc/passwd", "../../etc/passwd", "examples/../../../etc/passwd", "~/.ssh/id_ed25519"])
    func postedManifestsCannotNameSourcesOutsideTheDataFolder(path: String) async throws {
        let text = try String(
            contentsOf: Fixtures.url("examples/requests/pending-gbsg2-prototyping.yaml"), encoding: .utf8)
        let hostile = text.replacingOccurrences(of: "path: examples/data/gbsg2.csv", with: "path: \"\(path)\"")
        #expect(hostile != text)
        try await Self.withServer { client in
            let response = try await client.execute(
                uri: "/v1/plans", method: .post, headers: Self.yaml, body: ByteBuffer(string: hostile))
            #expect(response.status == .badRequest, "\(path)")
            let message = try #require(try Self.json(response)["error"]?["message"]?.stringValue)
            #expect(message.contains("outside the server's data folder"), "\(message)")
            #expect(!String(buffer: response.body).contains("sha256:"), "no digest of the file leaks")
        }
    }

    @Test func aliasBombsAreRefusedByTheYAMLLimits() async throws {
        var bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            bomb +=
                "\(Character(UnicodeScalar(97 + level)!)): &\(Character(UnicodeScalar(97 + level)!)) ["
                + Array(repeating: "*\(Character(UnicodeScalar(96 + level)!))", count: 10).joined(separator: ", ")
                + "]\n"
        }
        let body = bomb
        try await Self.withServer { client in
            let response = try await client.execute(
                uri: "/v1/decisions", method: .post, headers: Self.yaml, body: ByteBuffer(string: body))
            #expect(response.status == .badRequest)
        }
    }

    @Test func wrongContentTypeIs415AndOversizeIs413() async throws {
        try await Self.withServer(maximumBody: 64) { client in
            let wrong = try await client.execute(
                uri: "/v1/decisions", method: .post, headers: [.contentType: "text/plain"],
                body: ByteBuffer(string: "a: 1"))
            #expect(wrong.status == .unsupportedMediaType)
            let large = try await client.execute(
                uri: "/v1/decisions", method: .post, headers: Self.yaml,
                body: ByteBuffer(string: String(repeating: "a", count: 65)))
            #expect(large.status == .contentTooLarge)
        }
    }

    @Test func pathParametersCannotWalkPaths() async throws {
        try await Self.withServer { client in
            for uri in ["/v1/runs/..%2F..%2Fetc%2Fpasswd", "/v1/certificates/%2E%2E", "/v1/budgets/a%00b"] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .badRequest || response.status == .notFound, "\(uri)")
            }
        }
    }

    @Test func requestIDsAreEchoedOnlyWhenPlain() async throws {
        try await Self.withServer { client in
            let plain = try await client.execute(
                uri: "/v1/health", method: .get, headers: [HTTPField.Name("X-Request-Id")!: "abc-123"])
            #expect(plain.headers[HTTPField.Name("X-Request-Id")!] == "abc-123")
            let hostile = try await client.execute(
                uri: "/v1/health", method: .get, headers: [HTTPField.Name("X-Request-Id")!: "a b<script>"])
            #expect(hostile.headers[HTTPField.Name("X-Request-Id")!] != "a b<script>")
        }
    }

    @Test func lintAnswersSARIFWhenAsked() async throws {
        try await Self.withServer { client in
            let response = try await client.execute(
                uri: "/v1/lint", method: .post,
                headers: [.contentType: "application/yaml", .accept: "application/sarif+json"],
                body: ByteBuffer(string: "charter: 1\nkind: policy\nbogus: true\n"))
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/sarif+json")
            #expect(String(buffer: response.body).contains("\"version\""))
        }
    }

    @Test func readOnlyServersRefuseStateChangesWith401() async throws {
        try await Self.withServer { client in
            let run = try await client.execute(
                uri: "/v1/runs", method: .post, headers: Self.yaml,
                body: try Self.manifest("allowed-gbsg2-prototyping.yaml"))
            #expect(run.status == .unauthorized)
            let revoke = try await client.execute(
                uri: "/v1/certificates/cert-1:revoke", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: "{\"reason\": \"x\"}"))
            #expect(revoke.status == .unauthorized)
        }
    }

    /// Each role × operation: allowed (anything but 401/403), 401 without a token, 403 for a wrong role.
    @Test(arguments: [
        ("/v1/audit", HTTPRequest.Method.get, [Role.auditor, .admin]),
        ("/v1/audit:verify", .post, [.auditor, .admin]),
        ("/v1/budgets", .get, [.requester, .approver, .engineer, .auditor, .admin]),
        ("/v1/budgets/gbsg2-2026q3", .get, [.requester, .approver, .engineer, .auditor, .admin]),
        ("/v1/decisions", .post, [.requester, .approver, .engineer, .auditor, .admin]),
        ("/v1/decisions:batch", .post, [.requester, .approver, .engineer, .auditor, .admin]),
        ("/v1/lint", .post, [.requester, .approver, .engineer, .auditor, .admin]),
        ("/v1/plans", .post, [.requester, .approver, .engineer, .auditor, .admin]),
        ("/v1/dp/validate-config", .post, [.requester, .approver, .engineer, .auditor, .admin]),
        ("/v1/evaluations", .post, [.requester, .approver, .engineer, .auditor, .admin]),
        ("/v1/certificates", .get, Role.allCases),
        ("/v1/certificates/c1", .get, Role.allCases),
        ("/v1/certificates:verify", .post, Role.allCases),
        ("/v1/certificates/c1:revoke", .post, [.admin]),
        ("/v1/approvals", .post, [.approver, .admin]),
        ("/v1/runs", .post, [.requester, .engineer, .admin]),
        ("/v1/runs/run-00000000-0000-0000-0000-000000000000", .get, [.requester, .engineer, .auditor, .admin]),
    ])
    func roles(uri: String, method: HTTPRequest.Method, allowed: [Role]) async throws {
        try await Self.withServer(tokens: true) { client in
            let anonymous = try await client.execute(uri: uri, method: method)
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[.wwwAuthenticate] != nil)
            let forged = try await client.execute(uri: uri, method: method, headers: [.authorization: "Bearer nope"])
            #expect(forged.status == .unauthorized)
            for (token, identity, roles) in Self.tokens {
                let response = try await client.execute(
                    uri: uri, method: method,
                    headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
                    body: ByteBuffer(string: "{}"))
                // erin, an engineer by token, is a data steward in the reference policy: a member of
                // a policy role may post approvals (PolicyRoleTests has the rest).
                let byPolicy = uri == "/v1/approvals" && identity == "erin@hospital.example"
                if roles.contains(where: allowed.contains) || byPolicy {
                    #expect(response.status != .forbidden && response.status != .unauthorized, "\(token) \(uri)")
                } else {
                    #expect(response.status == .forbidden, "\(token) \(uri)")
                }
            }
        }
    }

    @Test func tokenFilesRefuseMalformedLines() {
        #expect(throws: TokenFile.Problem.self) { try TokenFile(text: "sha256:abc alice@x requester") }
        #expect(throws: TokenFile.Problem.self) {
            try TokenFile(text: TokenFile.line(token: "t", identity: "alice@hospital.example", roles: []) + "superuser")
        }
        let file = try? TokenFile(
            text: TokenFile.line(token: "t", identity: " Alice@Hospital.example", roles: [.auditor]))
        #expect(file?.caller(presenting: "t")?.identity == "alice@hospital.example")
        #expect(file?.caller(presenting: "u") == nil)
    }

    @Test func metricsCountRequestsAndDecisions() async throws {
        try await Self.withServer { client in
            _ = try await client.execute(
                uri: "/v1/decisions?now=2026-11-23", method: .post, headers: Self.yaml,
                body: try Self.manifest("denied-gbsg2-epsilon-over-cap.yaml"))
            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(metrics.contains("charter_decisions_total{outcome=\"deny\"} 1"))
            #expect(metrics.contains("charter_http_requests_total"))
        }
    }
}

/// The OpenAPI document is a valid OpenAPI 3.1 document, as openapi-spec-validator judges it.
@Suite("OpenAPI")
struct OpenAPIDocumentTests {
    @Test(.requiresPython("openapi_spec_validator"))
    func theDocumentValidates() throws {
        let path = Fixtures.url("grammar/openapi.json").path
        let result = try Python.run(
            "import json, sys\nfrom openapi_spec_validator import validate\nvalidate(json.load(open(sys.argv[1])))\nprint('valid')",
            arguments: [path])
        #expect(result.status == 0, "\(result)")
    }
}
