import CharterCore
import CharterPlan
import CharterPolicy
import CharterTestSupport
import Foundation
import Testing

/// The reference policy and the example requests, loaded and decided as `charter plan` does.
enum PlanFixture {
    static let root = Fixtures.packageRoot
    static let now = CalendarDate(year: 2026, month: 11, day: 23)!
    static let policyDigest = "sha256:" + String(repeating: "a", count: 64)

    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: root.appendingPathComponent(path)))
    }

    /// The reference policy, with approvals taken as written: these tests are about compiling
    /// plans; signed approvals are tested in CharterWorkflowTests and charterTests.
    static let policy: Policy = {
        let file = "policies/health-synthetic.yaml"
        let bytes = (try? Self.bytes(file)) ?? []
        let loaded = PolicyLinter().loadPolicies(file: file, bytes: bytes)
        precondition(loaded.policies.count == 1, "the reference policy loads: \(loaded.diagnostics)")
        var policy = loaded.policies[0]
        policy.identities = nil
        return policy
    }()

    /// The one request of a YAML text.
    static func request(text: String, file: String = "request.yaml") throws -> GenerationRequest {
        let loaded = RequestLoader().load(file: file, bytes: Array(text.utf8))
        #expect(!loaded.diagnostics.contains { $0.severity == .error }, "\(loaded.diagnostics)")
        return try #require(loaded.requests.first)
    }

    /// The one request of an example file.
    static func request(_ path: String) throws -> GenerationRequest {
        try request(text: String(decoding: try bytes(path), as: UTF8.self), file: path)
    }

    /// Every example request file, sorted.
    static var exampleRequests: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("examples/requests").path))
            ?? []).filter { $0.hasSuffix(".yaml") }.sorted().map { "examples/requests/" + $0 }
    }

    /// Compiles as `charter plan` does: decide, compile, decide again bound to the plan's digest.
    static func compile(
        _ request: GenerationRequest, ledger: LedgerState? = nil, policy: Policy = policy,
        sourceDigest: String? = nil
    ) throws(PlanCompileError) -> Plan {
        let evaluator = DecisionEvaluator(policy: policy)
        return try PlanCompiler(policy: policy).compile(
            request: request, ledger: ledger ?? .unregistered(source: request.source.dataset.value),
            policyDigest: policyDigest, sourceDigest: sourceDigest ?? request.source.sha256?.value
        ) { evaluator.decide(request, now: now, planDigest: $0) }
    }
}
