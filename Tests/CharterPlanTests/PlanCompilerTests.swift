import CharterCore
import CharterPlan
import CharterPolicy
import Foundation
import Testing

@Suite("Plan compiler")
struct PlanCompilerTests {
    @Test("every example request: allowed and pending compile, denied are refused", arguments: PlanFixture.exampleRequests)
    func examples(_ path: String) throws {
        let request = try PlanFixture.request(path)
        let name = (path as NSString).lastPathComponent
        if name.hasPrefix("denied-") {
            #expect(throws: PlanCompileError.self) { try PlanFixture.compile(request) }
            return
        }
        let plan = try PlanFixture.compile(request)
        #expect(plan.stages.map(\.kind) == PlanStage.Kind.allCases)
        #expect(plan.isIntact)
    }
}
