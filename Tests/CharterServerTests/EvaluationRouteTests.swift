import CharterCore
import CharterTestSupport
import CharterWorkflow
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CharterServer

/// `POST /v1/evaluations`: the library's report for the posted tables, 4xx for what cannot be
/// evaluated, 413 past the body limit, 429 past the concurrent-evaluation limit.
@Suite("Evaluations")
struct EvaluationRouteTests {
    static let json: HTTPFields = [.contentType: "application/json"]

    /// gbsg2 split into small tables: rows 1–80 as real, 81–120 as holdout, 121–200 as "synthetic".
    static func tables() throws -> (real: String, holdout: String, synthetic: String) {
        let lines = try String(contentsOf: Fixtures.url("examples/data/gbsg2.csv"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let header = lines[0]
        func rows(_ range: Range<Int>) -> String { ([header] + lines[range]).joined(separator: "\n") + "\n" }
        return (rows(1..<81), rows(81..<121), rows(121..<201))
    }

    static func body(_ fields: [String: JSONValue]) throws -> ByteBuffer {
        ByteBuffer(string: try JSONValue.object(fields).canonical())
    }

    @Test func anEvaluationIsTheLibrarysReport() async throws {
        let tables = try Self.tables()
        var options = Evaluation.Options()
        options.target = "cens"
        options.excluded = ["time"]
        options.sections = [.fidelity, .utility]
        let files = ServerRoutes.evaluationFiles
        let report = try #require(
            Evaluation(
                files, options: options,
                in: InMemoryInputStore([
                    files.train: Array(tables.real.utf8), files.holdout: Array(tables.holdout.utf8),
                    files.synthetic: Array(tables.synthetic.utf8),
                ])
            ).report)
        let expected = try report.json().pretty()
        try await ServerTests.withServer { client in
            let response = try await client.execute(
                uri: "/v1/evaluations", method: .post, headers: Self.json,
                body: try Self.body([
                    "real": .string(tables.real), "holdout": .string(tables.holdout),
                    "synthetic": .string(tables.synthetic), "target": "cens", "exclude": ["time"],
                    "only": ["fidelity", "utility"],
                ]))
            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == expected)
        }
    }

    @Test func tablesThatCannotBeEvaluatedAre422WithTheDiagnostics() async throws {
        let tables = try Self.tables()
        try await ServerTests.withServer { client in
            let ragged = try await client.execute(
                uri: "/v1/evaluations", method: .post, headers: Self.json,
                body: try Self.body([
                    "real": "a,b\n1,2,3\n\"unterminated\n", "holdout": .string(tables.holdout),
                    "synthetic": .string(tables.synthetic),
                ]))
            #expect(ragged.status == .unprocessableContent)
            let error = try #require(try ServerTests.json(ragged)["error"])
            #expect(error["diagnostics"]?.arrayValue?.isEmpty == false, "\(error)")
            let mismatched = try await client.execute(
                uri: "/v1/evaluations", method: .post, headers: Self.json,
                body: try Self.body([
                    "real": "a,b\n1,2\n", "holdout": .string(tables.holdout), "synthetic": .string(tables.synthetic),
                ]))
            #expect(mismatched.status == .unprocessableContent)
            for fields: [String: JSONValue] in [
                ["real": "a\n1\n", "holdout": "a\n1\n"],
                ["real": "a\n1\n", "holdout": "a\n1\n", "synthetic": .integer(1)],
                ["real": "a\n1\n", "holdout": "a\n1\n", "synthetic": "a\n1\n", "only": ["everything"]],
                ["real": "a\n1\n", "holdout": "a\n1\n", "synthetic": "a\n1\n", "path": "/etc/passwd"],
                ["real": "a\n1\n", "holdout": "a\n1\n", "synthetic": "a\n1\n", "small_class": .integer(0)],
            ] {
                let bad = try await client.execute(
                    uri: "/v1/evaluations", method: .post, headers: Self.json, body: try Self.body(fields))
                #expect(bad.status == .badRequest, "\(fields)")
            }
        }
    }

    @Test func oversizeBodiesAre413() async throws {
        let tables = try Self.tables()
        try await ServerTests.withServer(maximumBody: 4096) { client in
            let response = try await client.execute(
                uri: "/v1/evaluations", method: .post, headers: Self.json,
                body: try Self.body([
                    "real": .string(tables.real), "holdout": .string(tables.holdout),
                    "synthetic": .string(tables.synthetic),
                ]))
            #expect(response.status == .contentTooLarge)
        }
    }

    @Test func oneEvaluationPastTheLimitIs429() async throws {
        let (router, routes) = try CharterServer.build(try ServerTests.configuration(tokens: false))
        #expect(routes.evaluations.capacity == 2)
        let tables = try Self.tables()
        let body = try Self.body([
            "real": .string(tables.real), "holdout": .string(tables.holdout), "synthetic": .string(tables.synthetic),
            "only": ["fidelity"],
        ])
        try await Application(router: router).test(.router) { client in
            // Two evaluations running (held here): a third is refused at once.
            #expect(routes.evaluations.enter() && routes.evaluations.enter())
            #expect(!routes.evaluations.enter())
            let refused = try await client.execute(
                uri: "/v1/evaluations", method: .post, headers: Self.json, body: body)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[HTTPField.Name("Retry-After")!] == "5")
            routes.evaluations.leave()
            let admitted = try await client.execute(
                uri: "/v1/evaluations", method: .post, headers: Self.json, body: body)
            #expect(admitted.status == .ok)
            routes.evaluations.leave()
            #expect(routes.evaluations.inProgress == 0)
        }
    }
}
