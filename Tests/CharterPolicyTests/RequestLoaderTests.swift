import CharterCore
import Foundation
import Testing

@testable import CharterPolicy

/// The request loader reports every mistake with its place, as the policy loader does.
@Suite("request loader")
struct RequestLoaderTests {
    static let valid = """
        charter: 1
        kind: generation-request
        id: REQ-1
        requester: alice@hospital.example
        purpose: model-prototyping
        audience: internal
        source:
          dataset: gbsg2
          path: gbsg2.csv
          classification: phi
        generator:
          type: dp-copula
          epsilon: 1.0
          delta: 1.0e-6
        output:
          rows: 5000

        """

    func load(_ text: String) -> (requests: [GenerationRequest], diagnostics: [Diagnostic]) {
        RequestLoader().load(file: "r.yaml", bytes: Array(text.utf8))
    }

    @Test("a valid request loads, ε and δ exact, every node located")
    func valid() throws {
        let loaded = load(Self.valid)
        #expect(loaded.diagnostics.isEmpty)
        let request = try #require(loaded.requests.first)
        #expect(request.generator.epsilon?.value == Decimal.exact("1.0"))
        #expect(request.generator.delta?.value == Decimal.exact("0.000001"))
        #expect(request.generator.delta?.location.line == 14)
        #expect(request.generator.delta?.location.column == 10)
        #expect(request.source.classification.location.line == 10)
    }

    @Test(
        "mistakes give located diagnostics",
        arguments: [
            ("  epsilon: 1.0\n", "  epsilom: 1.0\n", "CH101", 13, "unknown key 'epsilom' in generator"),
            ("audience: internal\n", "audience: interal\n", "CH118", 6, "'interal' is not a valid value for audience"),
            ("  epsilon: 1.0\n", "  epsilon: \"1.0\"\n", "CH102", 13, "generator.epsilon must be a number"),
            ("  epsilon: 1.0\n", "  epsilon: 0\n", "CH104", 13, "generator.epsilon must be greater than 0"),
            ("  delta: 1.0e-6\n", "  delta: 1.5\n", "CH104", 14, "generator.delta must be at least 0 and below 1"),
            ("  rows: 5000\n", "  rows: 0\n", "CH104", 16, "output.rows must be at least 1"),
            ("id: REQ-1\n", "", "CH103", 1, "the request is missing 'id'"),
            ("  classification: phi\n", "  classification: secret\n", "CH118", 10, "'secret' is not a valid value"),
        ])
    func mistakes(_ original: String, _ replacement: String, _ code: String, _ line: Int, _ message: String) throws {
        let text = Self.valid.replacingOccurrences(of: original, with: replacement)
        let loaded = load(text)
        let diagnostic = try #require(loaded.diagnostics.first { $0.code.id == code }, "\(loaded.diagnostics)")
        #expect(diagnostic.location?.line == line)
        #expect(diagnostic.message.contains(message), "\(diagnostic.message)")
    }

    @Test("generator.parameters is refused, not ignored, wherever it stands and whatever it holds")
    func parametersRefused() throws {
        for parameters in ["{ marginal_share: 0.9 }", "{}", "[bins]", "7"] {
            let text = Self.valid.replacingOccurrences(
                of: "  delta: 1.0e-6\n", with: "  delta: 1.0e-6\n  parameters: \(parameters)\n")
            let loaded = load(text)
            let refusal = try #require(
                loaded.diagnostics.first { $0.code == .requestUnsupportedParameters }, "\(parameters)")
            #expect(refusal.severity == .error)
            #expect(refusal.location?.line == 15, "\(parameters)")
            #expect(refusal.message.hasPrefix("generator.parameters is not read"))
        }
        #expect(!load(Self.valid).diagnostics.contains { $0.code == .requestUnsupportedParameters })
    }

    @Test("an id that cannot name the output folder is refused at its place (128 bytes pass, 129 do not)")
    func idNamesAFolder() throws {
        let longest = String(repeating: "R", count: 128)
        #expect(load(Self.valid.replacingOccurrences(of: "REQ-1", with: longest)).diagnostics.isEmpty)
        for bad in [String(repeating: "R", count: 129), String(repeating: "é", count: 65), "\"REQ\\u0007-1\""] {
            let loaded = load(Self.valid.replacingOccurrences(of: "REQ-1", with: bad))
            #expect(loaded.requests.isEmpty, "\(bad)")
            let diagnostic = try #require(loaded.diagnostics.first)
            #expect(diagnostic.code == .requestInvalidID)
            #expect(diagnostic.location?.line == 3 && diagnostic.location?.column == 5)
        }
    }

    @Test("unknown keys suggest the closest")
    func suggestion() throws {
        let loaded = load(Self.valid.replacingOccurrences(of: "audience:", with: "audiance:"))
        let diagnostic = try #require(loaded.diagnostics.first { $0.code == .policyUnknownKey })
        #expect(diagnostic.help == "did you mean 'audience'?")
    }

    @Test("bad dates, digests and approvals are located")
    func approvals() throws {
        let text =
            Self.valid + """
                expires_at: 2027-02-30
                approvals:
                  - { role: data_steward, by: carol@hospital.example, at: 2026-11-20, plan: "sha256:xyz" }
                  - { role: data_steward, by: carol@hospital.example, at: "2026-11-20T10:00:00Z" }
                  - { role: data_steward, at: 2026-11-20 }

                """
        let loaded = load(text)
        let codes = loaded.diagnostics.map { "\($0.code.id)@\($0.location?.line ?? 0)" }
        #expect(codes.contains("CH120@17"))
        #expect(codes.contains("CH200@19"))
        #expect(codes.contains("CH201@20"))
        #expect(codes.contains("CH103@21"))
    }

    @Test("lint runs the loader on generation-request documents")
    func lint() {
        let diagnostics = PolicyLinter().lint(
            file: "r.yaml", bytes: Array(Self.valid.replacingOccurrences(of: "audience:", with: "audiance:").utf8))
        #expect(diagnostics.map(\.code.id).contains("CH101"))
        #expect(PolicyLinter().lint(file: "r.yaml", bytes: Array(Self.valid.utf8)).isEmpty)
    }
}

/// The condition evaluator on its own.
@Suite("condition evaluator")
struct ConditionEvaluatorTests {
    func condition(_ text: String) throws -> ConditionExpression {
        let locate = { (offset: Int) in SourceLocation(file: "p", line: 1, column: offset + 1, offset: offset) }
        return try ExpressionParser.parse(text, locate: locate, locateEnd: locate)
    }

    func evaluator(approved: Set<String> = []) throws -> ConditionEvaluator {
        let request = try DecisionTests.request(["rows": "150"])
        return ConditionEvaluator(request: request, approvedRoles: approved, now: DecisionTests.now)
    }

    @Test(
        "values",
        arguments: [
            ("source.rows < 200", true),
            ("generator.delta <= 1.0e-6 and generator.delta >= 0.000001", true),
            ("generator.epsilon == 1", true),
            ("request.audience in [\"partner\", \"public\"]", false),
            ("source.classification not in [\"public\"]", true),
            ("len(source.quasi_identifiers) == 2", true),
            ("len(request.requester) == 22", true),
            ("days_until(request.expires_at) == 89", true),
            ("request.expires_at < 2027-02-21", true),
            ("has_approval(\"legal\")", false),
            ("request.high_risk_ai or not (source.rows > 100)", false),
        ])
    func values(_ text: String, _ expected: Bool) throws {
        #expect(try evaluator().holds(try condition(text)) == expected)
    }

    @Test("has_approval reads the validated roles")
    func hasApproval() throws {
        #expect(try evaluator(approved: ["legal"]).holds(try condition("has_approval(\"legal\")")))
    }

    @Test("a missing field is an error, unless short-circuited; the trace records values and the failure")
    func missingField() throws {
        let evaluator = try evaluator()
        #expect(throws: ConditionEvaluationError.self) { try evaluator.holds(try condition("request.ticket == \"x\"")) }
        #expect(try evaluator.holds(try condition("source.rows > 1000 and request.ticket == \"x\"")) == false)
        var trace: [TraceStep] = []
        _ = try? evaluator.holds(try condition("source.rows < 200 and request.ticket == \"x\""), trace: &trace)
        #expect(trace.first?.expression == "source.rows")
        #expect(trace.first?.value == .number(150))
        #expect(trace.contains { $0.expression == "request.ticket" && $0.error != nil && $0.location.column == 23 })
    }
}
