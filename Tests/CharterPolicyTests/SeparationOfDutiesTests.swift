import CharterCore
import Testing

@testable import CharterPolicy

/// Separation of duties beyond the requester: one person's approvals fill one required role only,
/// on both decision paths.
@Suite("separation of duties")
struct SeparationOfDutiesTests {
    /// Carol is a member of two roles; `high` needs both, `quorum` needs two of three.
    static let policyText = """
        charter: 1
        kind: policy
        name: duties
        roles:
          data_steward: [carol@hospital.example, erin@hospital.example]
          privacy_officer: [carol@hospital.example, bob@hospital.example]
          legal: [dan@hospital.example]
        purposes: [model-prototyping, analytics]
        tiers:
          - name: both
            when: source.classification == "phi"
            controls:
              approvals: { all_of: [data_steward, privacy_officer] }
          - name: quorum
            when: true
            controls:
              approvals: { any_of: [data_steward, privacy_officer, legal], quorum: 2 }
        rules:
          - id: legal-for-analytics
            enforcement: hard-mandatory
            when: request.purpose == "analytics"
            require: { approvals: [privacy_officer] }
        """

    static func approval(_ role: String, _ person: String) -> String {
        "{ role: \(role), by: \(person)@hospital.example, at: 2026-11-20 }"
    }

    /// Decides on both paths, checks they agree, and returns the decision.
    static func decide(_ approvals: [String]) throws -> Decision { try decide([:], approvals) }

    static func decide(_ replacements: [String: String], _ approvals: [String]) throws -> Decision {
        let policy = try DecisionTests.policy(policyText)
        let request = try DecisionTests.request(replacements, approvals: approvals)
        DecisionProgramTests.expectSame(policy, request, now: DecisionTests.now, "duties")
        return DecisionEvaluator(policy: policy).decide(request, now: DecisionTests.now)
    }

    @Test("one person approving in two required roles fills one of them")
    func onePersonTwoRoles() throws {
        let decision = try Self.decide([Self.approval("data_steward", "carol"), Self.approval("privacy_officer", "carol")])
        #expect(decision.outcome == .pending)
        #expect(decision.missingApprovals.map(\.roles) == [["privacy_officer"]])
        let remedy = try #require(decision.missingApprovals.first?.remedy)
        #expect(remedy.contains("other than carol@hospital.example (who fill other roles)"), "\(remedy)")
        // Both approvals are valid in themselves: the verdicts do not change.
        #expect(decision.approvals.allSatisfy { $0.rejection == nil })
    }

    @Test("two people in two roles are allowed, whichever roles they could fill")
    func twoPeople() throws {
        #expect(
            try Self.decide([Self.approval("data_steward", "erin"), Self.approval("privacy_officer", "carol")]).outcome
                == .allow)
        // Carol approves in both and Erin as steward: Carol is moved to the privacy officer's role.
        let moved = try Self.decide([
            Self.approval("data_steward", "carol"), Self.approval("privacy_officer", "carol"),
            Self.approval("data_steward", "erin"),
        ])
        #expect(moved.outcome == .allow)
        #expect(moved.missingApprovals.isEmpty)
    }

    @Test("a role a rule requires is filled by a person who fills no tier role")
    func ruleRole() throws {
        // Tier both and the rule ask for the privacy officer once: Bob fills it, Erin the steward.
        let allowed = try Self.decide(
            ["purpose": "analytics"], [Self.approval("data_steward", "erin"), Self.approval("privacy_officer", "bob")])
        #expect(allowed.outcome == .allow)
        let pending = try Self.decide(
            ["purpose": "analytics"], [Self.approval("data_steward", "carol"), Self.approval("privacy_officer", "carol")])
        #expect(pending.missingApprovals.map(\.roles) == [["privacy_officer"]])
    }

    @Test("a quorum of distinct roles needs as many distinct people")
    func quorum() throws {
        let internalData = ["classification": "internal"]
        let one = try Self.decide(internalData, [Self.approval("data_steward", "carol"), Self.approval("privacy_officer", "carol")])
        #expect(one.outcome == .pending)
        #expect(one.missingApprovals.map(\.count) == [1])
        #expect(one.missingApprovals.first?.remedy.contains("each by a different person") == true)
        let two = try Self.decide(
            internalData, [Self.approval("data_steward", "carol"), Self.approval("privacy_officer", "bob")])
        #expect(two.outcome == .allow)
        let twoWithLegal = try Self.decide(
            internalData, [Self.approval("privacy_officer", "carol"), Self.approval("data_steward", "carol"), Self.approval("legal", "dan")])
        #expect(twoWithLegal.outcome == .allow)
    }

    @Test("the assignment fills earlier roles first and moves them to free a person")
    func assignment() throws {
        func verdict(_ role: String, _ person: String, valid: Bool = true) -> ApprovalValidator.Verdict {
            let at = CharterCore.SourceLocation.file("r")
            return ApprovalValidator.Verdict(
                approval: GenerationRequest.Approval(
                    role: Located(role, at: at), by: Located(person, at: at),
                    at: Located(DecisionTests.now, at: at), plan: nil, override: nil, signature: nil, location: at),
                rejection: valid ? nil : .notMember, signer: person)
        }
        // a ← x, b ← x or y, c ← y: all three cannot be filled by two people; a and b are.
        let chain = ApproverAssignment(
            roles: ["a", "b", "c"], verdicts: [verdict("a", "x"), verdict("b", "x"), verdict("b", "y"), verdict("c", "y")])
        #expect(chain.approver(of: "a") == "x")
        #expect(chain.approver(of: "b") == "y")
        #expect(chain.approver(of: "c") == nil)
        #expect(chain.approversElsewhere(of: "c") == ["y"])
        // b is filled by moving a from x to z.
        let moved = ApproverAssignment(
            roles: ["a", "b"], verdicts: [verdict("a", "x"), verdict("a", "z"), verdict("b", "x")])
        #expect(moved.approver(of: "a") == "z")
        #expect(moved.approver(of: "b") == "x")
        // Rejected approvals fill nothing; with no one in two roles, a role is filled by its first approver.
        let plain = ApproverAssignment(roles: ["a", "b"], verdicts: [verdict("a", "x", valid: false), verdict("a", "w"), verdict("b", "x")])
        #expect(plain.approver(of: "a") == "w")
        #expect(plain.approver(of: "b") == "x")
        #expect(plain.approver(of: "unknown") == nil)
    }
}
