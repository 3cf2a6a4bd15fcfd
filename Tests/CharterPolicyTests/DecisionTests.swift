import CharterCore
import CharterTestSupport
import Foundation
import Testing

@testable import CharterPolicy

/// Decisions on the reference policy (`policies/health-synthetic.yaml`) and on small policies
/// written for one behaviour each.
@Suite("decisions")
struct DecisionTests {
    static let root = Fixtures.packageRoot
    static let now = CalendarDate(year: 2026, month: 11, day: 23)!

    /// The reference policy's logic, with approvals taken as written: these tests exercise tiers,
    /// rules and separation of duties; signatures are `ApprovalTrustTests`' and `ApprovalIdentities`'.
    static func referencePolicy() throws -> Policy {
        let path = root.appendingPathComponent("policies/health-synthetic.yaml").path
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let loaded = PolicyLinter().loadPolicies(file: path, bytes: bytes)
        #expect(!loaded.diagnostics.contains { $0.severity == .error })
        var policy = try #require(loaded.policies.first)
        #expect(policy.identities?.allowedSigners != nil)
        policy.identities = nil
        return policy
    }

    /// A policy from its text, approvals taken as written (as ``referencePolicy()``).
    static func policy(_ text: String) throws -> Policy {
        let loaded = PolicyLinter().loadPolicies(file: "p.yaml", bytes: Array(text.utf8))
        #expect(!loaded.diagnostics.contains { $0.severity == .error }, "\(loaded.diagnostics)")
        var policy = try #require(loaded.policies.first)
        policy.identities = nil
        return policy
    }

    /// The gbsg2 prototyping request with lines replaced (`key: value` at any indentation) and
    /// approvals appended.
    static func request(_ replacements: [String: String] = [:], approvals: [String] = []) throws -> GenerationRequest {
        var lines = baseRequest.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Each key replaces its first occurrence only (`jurisdiction` is the request's, `rows` the source's).
        for (key, value) in replacements {
            guard let index = lines.firstIndex(where: { $0.drop { $0 == " " }.hasPrefix(key + ":") }) else {
                Issue.record("no line \(key)")
                continue
            }
            let indent = lines[index].prefix { $0 == " " }
            lines[index] = indent + key + ": " + value
        }
        var text = lines.joined(separator: "\n")
        if approvals.isEmpty {
            text += "approvals: []\n"
        } else {
            text += "approvals:\n" + approvals.map { "  - " + $0 + "\n" }.joined()
        }
        let loaded = RequestLoader().load(file: "r.yaml", bytes: Array(text.utf8))
        #expect(!loaded.diagnostics.contains { $0.severity == .error }, "\(loaded.diagnostics)")
        return try #require(loaded.requests.first)
    }

    static let baseRequest = """
        charter: 1
        kind: generation-request
        id: REQ-1
        requester: alice@hospital.example
        purpose: model-prototyping
        audience: internal
        consumers: [oncology-ml]
        jurisdiction: EU
        high_risk_ai: false
        source:
          dataset: gbsg2
          path: gbsg2.csv
          rows: 686
          classification: phi
          jurisdiction: EU
          quasi_identifiers: [age, menostat]
        generator:
          type: dp-copula
          epsilon: 1.0
          delta: 1.0e-6
        output:
          rows: 5000
        expires_at: 2027-02-20

        """
    static let steward = "{ role: data_steward, by: carol@hospital.example, at: 2026-11-20 }"

    func decide(_ request: GenerationRequest, planDigest: String? = nil) throws -> Decision {
        DecisionEvaluator(policy: try Self.referencePolicy()).decide(request, now: Self.now, planDigest: planDigest)
    }

    @Test("an identifiable source without approvals is pending in tier medium, with the advisory warning")
    func pending() throws {
        let decision = try decide(try Self.request())
        #expect(decision.outcome == .pending)
        #expect(decision.tier?.value == "medium")
        #expect(decision.violations.isEmpty)
        #expect(decision.missingApprovals.map(\.roles) == [["data_steward"]])
        #expect(decision.warnings.map(\.id) == ["small-source"])
        #expect(decision.notes.contains("budget not checked: no ledger"))
    }

    @Test("with the data steward's approval it is allowed")
    func allowed() throws {
        let decision = try decide(try Self.request(approvals: [Self.steward]))
        #expect(decision.outcome == .allow)
        #expect(decision.missingApprovals.isEmpty)
    }

    @Test("separation of duties: the requester's own approval does not count")
    func separationOfDuties() throws {
        let request = try Self.request(
            ["requester": "carol@hospital.example"], approvals: [Self.steward])
        let decision = try decide(request)
        #expect(decision.outcome == .pending)
        #expect(decision.approvals.map(\.rejection) == [.requester])
    }

    @Test("an approval by someone outside the role does not count")
    func notMember() throws {
        let decision = try decide(
            try Self.request(approvals: ["{ role: data_steward, by: bob@hospital.example, at: 2026-11-20 }"]))
        #expect(decision.outcome == .pending)
        #expect(decision.approvals.map(\.rejection) == [.notMember])
    }

    @Test("an approval bound to another plan is stale; one bound to this plan counts")
    func staleApproval() throws {
        let this = "sha256:" + String(repeating: "a", count: 64)
        let other = "sha256:" + String(repeating: "b", count: 64)
        let approval = "{ role: data_steward, by: carol@hospital.example, at: 2026-11-20, plan: \"\(other)\" }"
        let stale = try decide(try Self.request(approvals: [approval]), planDigest: this)
        #expect(stale.outcome == .pending)
        #expect(stale.approvals.map(\.rejection) == [.stale])
        let fresh = try decide(try Self.request(approvals: [approval]), planDigest: other)
        #expect(fresh.outcome == .allow)
    }

    @Test("ε above the tier cap is denied, with both locations and the smallest change")
    func epsilonOverCap() throws {
        let decision = try decide(try Self.request(["epsilon": "6.0"], approvals: [Self.steward]))
        #expect(decision.outcome == .deny)
        let violation = try #require(decision.violations.first)
        #expect(violation.id == "differential_privacy.epsilon_max")
        // Numbers as written in the request and the policy, not as the exact value prints them.
        #expect(violation.remedy == "generator.epsilon 6.0 → ≤ 5.0")
        #expect(violation.message == "generator.epsilon 6.0 is above this tier's cap 5.0")
        #expect(violation.requestLocation.file == "r.yaml")
        #expect(violation.requestLocation.line == 19)
        #expect(violation.policyLocation?.file.hasSuffix("health-synthetic.yaml") == true)
    }

    @Test("exact decimals: δ equal to the cap passes, one step above fails")
    func exactDelta() throws {
        #expect(try decide(try Self.request(["delta": "1.0e-5"], approvals: [Self.steward])).outcome == .allow)
        let above = try decide(try Self.request(["delta": "0.0000100001"], approvals: [Self.steward]))
        #expect(above.violations.map(\.id) == ["differential_privacy.delta_max"])
    }

    @Test(
        "denied for different reasons",
        arguments: [
            (["type": "gaussian-copula"], ["generators", "differential_privacy.required"]),
            (["purpose": "marketing"], ["purposes"]),
            (["expires_at": "2028-01-01"], ["expiry.max"]),
            (["expires_at": "2026-11-01"], ["expiry.max"]),
            (["quasi_identifiers": "[]"], ["identifiable-source-declares-quasi-identifiers"]),
        ])
    func denied(_ change: [String: String], _ ids: [String]) throws {
        let decision = try decide(try Self.request(change, approvals: [Self.steward]))
        #expect(decision.outcome == .deny)
        #expect(decision.violations.map(\.id) == ids)
    }

    @Test("a public audience lands in tier high and needs both approvals plus the privacy officer rule")
    func publicRelease() throws {
        let decision = try decide(
            try Self.request(["audience": "public", "purpose": "public-release"], approvals: [Self.steward]))
        #expect(decision.tier?.value == "high")
        #expect(decision.outcome == .pending)
        #expect(decision.missingApprovals.map(\.roles) == [["privacy_officer"]])
    }

    @Test("a cross-border use is pending on legal")
    func crossBorder() throws {
        let decision = try decide(try Self.request(["jurisdiction": "US"], approvals: [Self.steward]))
        #expect(decision.outcome == .pending)
        #expect(decision.missingApprovals.map(\.roles) == [["legal"]])
        #expect(decision.missingApprovals.first?.remedy == "an approval by a member of legal other than the requester")
    }

    @Test("soft-mandatory: a tiny source is denied unless the privacy officer overrides the rule")
    func softMandatoryOverride() throws {
        let denied = try decide(try Self.request(["rows": "150"], approvals: [Self.steward]))
        #expect(denied.outcome == .deny)
        #expect(denied.violations.map(\.id) == ["tiny-source"])
        #expect(denied.violations.first?.enforcement == .softMandatory)
        let wrongRule = "{ role: privacy_officer, by: bob@hospital.example, at: 2026-11-21, override: small-source }"
        #expect(try decide(try Self.request(["rows": "150"], approvals: [Self.steward, wrongRule])).outcome == .deny)
        let override = "{ role: privacy_officer, by: bob@hospital.example, at: 2026-11-21, override: tiny-source }"
        let allowed = try decide(try Self.request(["rows": "150"], approvals: [Self.steward, override]))
        #expect(allowed.outcome == .allow)
        #expect(allowed.overrides.map(\.rule) == ["tiny-source"])
    }

    @Test("fail closed: no tier applies, or a tier condition cannot be evaluated")
    func failClosed() throws {
        let policy = try Self.policy(
            """
            charter: 1
            kind: policy
            name: narrow
            roles: { data_steward: [carol@hospital.example] }
            purposes: [model-prototyping]
            tiers:
              - name: public-only
                when: source.classification == "public"
                controls: { approvals: { all_of: [data_steward] } }
            """)
        let decision = DecisionEvaluator(policy: policy).decide(try Self.request(), now: Self.now)
        #expect(decision.outcome == .deny)
        #expect(decision.tier == nil)
        #expect(decision.violations.map(\.code) == [.decisionNoTier])

        let unknown = try Self.policy(
            """
            charter: 1
            kind: policy
            name: ticketed
            roles: { data_steward: [carol@hospital.example] }
            purposes: [model-prototyping]
            tiers:
              - name: ticketed
                when: request.ticket != "none"
                controls: { approvals: { all_of: [data_steward] } }
              - name: rest
                when: true
            """)
        let unticketed = DecisionEvaluator(policy: unknown).decide(try Self.request(), now: Self.now)
        #expect(unticketed.outcome == .deny)
        #expect(unticketed.violations.map(\.code) == [.decisionConditionError])
    }

    @Test(
        "quorum: any_of with quorum 2 needs two distinct roles",
        arguments: [(1, Decision.Outcome.pending), (2, .allow)])
    func quorum(_ approvers: Int, _ outcome: Decision.Outcome) throws {
        let policy = try Self.policy(
            """
            charter: 1
            kind: policy
            name: quorum
            roles:
              a: [a@x.example]
              b: [b@x.example]
              c: [c@x.example]
            purposes: [model-prototyping]
            tiers:
              - name: all
                when: true
                controls: { approvals: { any_of: [a, b, c], quorum: 2 } }
            """)
        let approvals = [
            "{ role: a, by: a@x.example, at: 2026-11-01 }", "{ role: a, by: a@x.example, at: 2026-11-02 }",
            "{ role: c, by: c@x.example, at: 2026-11-01 }",
        ]
        let chosen = approvers == 1 ? Array(approvals.prefix(2)) : approvals
        let decision = DecisionEvaluator(policy: policy).decide(try Self.request(approvals: chosen), now: Self.now)
        #expect(decision.outcome == outcome)
        if outcome == .pending { #expect(decision.missingApprovals.first?.count == 1) }
    }

    @Test("an approval dated after the evaluation date does not count")
    func futureApproval() throws {
        let decision = try decide(
            try Self.request(approvals: ["{ role: data_steward, by: carol@hospital.example, at: 2026-12-01 }"]))
        #expect(decision.approvals.map(\.rejection) == [.future])
        #expect(decision.outcome == .pending)
    }

    @Test("the same inputs give the same JSON bytes")
    func deterministicJSON() throws {
        let request = try Self.request(["epsilon": "6.0"])
        let policy = try Self.referencePolicy()
        let first = try DecisionEvaluator(policy: policy).decide(request, now: Self.now, tracing: true).json.canonical()
        let second = try DecisionEvaluator(policy: policy).decide(request, now: Self.now, tracing: true).json
            .canonical()
        #expect(first == second)
        #expect(first.contains("\"decision\":\"deny\""))
    }
}
