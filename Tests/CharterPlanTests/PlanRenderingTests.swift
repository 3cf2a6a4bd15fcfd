import CharterCore
import CharterPlan
import CharterTestSupport
import Foundation
import Testing

/// The renderings a person reads are checked against golden files; the JSON against the schema.
@Suite("Plan renderings")
struct PlanRenderingTests {
    static let golden = Fixtures.url("Tests/CharterPlanTests/Golden")

    /// The example the goldens show: the pending gbsg2 request, a source digest, a ledger with
    /// 2.5 of 10 spent.
    static func example() throws -> Plan {
        try PlanFixture.compile(
            try PlanFixture.request("examples/requests/pending-gbsg2-prototyping.yaml"),
            ledger: PlanFixture.ledger(spent: Decimal(string: "2.5")!, events: 3),
            sourceDigest: "sha256:" + String(repeating: "5", count: 64))
    }

    /// Compares with a golden file (``Golden``).
    static func check(_ actual: String, _ name: String) throws {
        try Golden.expect(actual, matches: golden.appendingPathComponent(name))
    }

    @Test("text rendering")
    func text() throws {
        let rendered = PlanTextRenderer.render(try Self.example())
        try Self.check(rendered, "pending-gbsg2.txt")
        #expect(rendered.contains("k_anonymity"))
        #expect(rendered.contains("Plan digest: sha256:"))
    }

    @Test("Mermaid rendering")
    func mermaid() throws {
        let rendered = PlanMermaidRenderer.render(try Self.example())
        try Self.check(rendered, "pending-gbsg2.mmd")
        #expect(rendered.hasPrefix("flowchart TD\n"))
        #expect(rendered.components(separatedBy: "-. fails .-> STOP").count - 1 == 3)
    }

    @Test("Mermaid labels escape quotes and markup")
    func mermaidEscapes() throws {
        var plan = try Self.example()
        plan.policy.name = "a \"quoted\" <b>#1</b>"
        let rendered = PlanMermaidRenderer.render(plan)
        #expect(rendered.contains("a #quot;quoted#quot; #lt;b#gt;#35;1#lt;/b#gt;"))
        #expect(!rendered.contains("\"quoted\""))
    }

    @Test(
        "the JSON of every example plan validates against grammar/plan.schema.json; broken ones do not",
        .requiresPython("jsonschema"))
    func schema() throws {
        var cases: [JSONValue] = []
        for path in PlanFixture.exampleRequests where !path.contains("denied-") {
            var plan = try PlanFixture.compile(try PlanFixture.request(path))
            plan.files = PlanFiles(request: path, policy: "policies")
            cases.append(.array([.string(path), plan.json, true]))
        }
        let plan = try #require(try Self.example().json.objectValue)
        cases.append(.array(["example", .object(plan), true]))
        var broken = plan
        broken["digest"] = "sha256:xyz"
        cases.append(.array(["bad digest", .object(broken), false]))
        broken = plan
        broken["stages"] = .array(Array(plan["stages"]?.arrayValue?.prefix(3) ?? []))
        cases.append(.array(["three stages", .object(broken), false]))
        broken = plan
        broken["timestamp"] = "2026-11-23T10:00:00Z"
        cases.append(.array(["extra member", .object(broken), false]))
        let input = FileManager.default.temporaryDirectory.appendingPathComponent(
            "charter-plan-schema-\(UUID().uuidString).json")
        try JSONValue.array(cases).canonical().write(to: input, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: input) }
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            jsonschema.Draft202012Validator.check_schema(schema)
            validator = jsonschema.Draft202012Validator(schema)
            for name, document, valid in json.load(open(sys.argv[2])):
                errors = [e.message for e in validator.iter_errors(document)]
                if bool(errors) == valid: print(name + ": " + (" | ".join(errors) or "accepted"))
            """
        let (status, output) = try Python.run(
            script, arguments: [PlanFixture.root.appendingPathComponent("grammar/plan.schema.json").path, input.path])
        #expect(status == 0, "\(output)")
        #expect(output.isEmpty, "\(output)")
    }
}
