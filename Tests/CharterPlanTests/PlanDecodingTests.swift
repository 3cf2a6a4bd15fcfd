import CharterCore
import CharterPlan
import Foundation
import Testing

/// A plan file that is not a plan is refused with the path of what is wrong.
@Suite("Plan decoding")
struct PlanDecodingTests {
    static func json() throws -> [String: JSONValue] {
        try #require(try PlanFixture.compile(try PlanFixture.request(text: PlanFixture.requestText())).json.objectValue)
    }

    static func error(_ text: String) -> PlanDecodingError? {
        do {
            _ = try Plan(jsonText: text)
            return nil
        } catch {
            return error
        }
    }

    static func error(_ object: [String: JSONValue]) throws -> PlanDecodingError? {
        error(try JSONValue.object(object).canonical())
    }

    @Test("not JSON, not an object, an empty object")
    func notAPlan() {
        #expect(Self.error("")?.message.hasPrefix("not JSON") == true)
        #expect(Self.error("{\"a\": ")?.message.hasPrefix("not JSON") == true)
        #expect(Self.error("[]") == PlanDecodingError(path: "", message: "expected an object"))
        #expect(Self.error("{}")?.message == "missing member")
    }

    @Test("unknown, missing and mistyped members name their path")
    func members() throws {
        var plan = try Self.json()
        plan["extra"] = 1
        #expect(try Self.error(plan) == PlanDecodingError(path: "extra", message: "unknown member"))
        plan = try Self.json()
        plan["digest"] = nil
        #expect(try Self.error(plan) == PlanDecodingError(path: "digest", message: "missing member"))
        plan = try Self.json()
        plan["digest"] = "sha256:ABC"
        #expect(try Self.error(plan)?.path == "digest")
        plan = try Self.json()
        plan["charter_plan"] = 2
        #expect(try Self.error(plan)?.path == "charter_plan")
        plan = try Self.json()
        plan["stages"] = .array([["stage": "launch"]])
        #expect(try Self.error(plan) == PlanDecodingError(path: "stages[0].stage", message: "unknown stage \"launch\""))
        plan = try Self.json()
        var stages = try #require(plan["stages"]?.arrayValue)
        var generate = try #require(stages[2].objectValue)
        generate["epsilon"] = "one"
        stages[2] = .object(generate)
        plan["stages"] = .array(stages)
        #expect(
            try Self.error(plan) == PlanDecodingError(path: "stages[2].epsilon", message: "expected a decimal number"))
        generate["epsilon"] = .decimal("1e999")
        stages[2] = .object(generate)
        plan["stages"] = .array(stages)
        #expect(try Self.error(plan)?.path == "stages[2].epsilon")
        plan = try Self.json()
        var approvals = try #require(plan["approvals"]?.objectValue)
        approvals["state"] = "approved"
        plan["approvals"] = .object(approvals)
        #expect(
            try Self.error(plan) == PlanDecodingError(path: "approvals.state", message: "unexpected value \"approved\"")
        )
        plan = try Self.json()
        stages = try #require(plan["stages"]?.arrayValue)
        var certify = try #require(stages[6].objectValue)
        certify["expires_at"] = "2027-13-01"
        stages[6] = .object(certify)
        plan["stages"] = .array(stages)
        #expect(try Self.error(plan)?.path == "stages[6].expires_at")
        plan = try Self.json()
        stages = try #require(plan["stages"]?.arrayValue)
        var gate = try #require(stages[3].objectValue)
        gate["checks"] = .array([["id": "x"]])
        stages[3] = .object(gate)
        plan["stages"] = .array(stages)
        #expect(try Self.error(plan)?.path.hasPrefix("stages[3].checks[0].") == true)
    }

    @Test("an edited value reads, but is no longer intact")
    func editedValue() throws {
        var plan = try Self.json()
        var stages = try #require(plan["stages"]?.arrayValue)
        var holdout = try #require(stages[1].objectValue)
        holdout["fraction"] = .decimal("0.5")
        stages[1] = .object(holdout)
        plan["stages"] = .array(stages)
        let read = try Plan(jsonText: try JSONValue.object(plan).canonical())
        #expect(!read.isIntact)
    }
}
