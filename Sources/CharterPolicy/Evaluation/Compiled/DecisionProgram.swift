public import CharterCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A policy compiled once for deciding many requests fast: the same decisions as
/// ``DecisionEvaluator``, byte for byte, without its per-decision work.
///
/// Compiling resolves what a decision would otherwise look up every time: each condition
/// becomes a ``CompiledCondition`` over request field slots (no field names, no dictionaries, no
/// existentials: an enum switch), roles become bit positions (an approval check is a mask test),
/// and the strings a decision carries (trace subjects, canonical conditions, notes) are made
/// once. A request is lowered once (``LoweredRequest``); deciding it then allocates only what
/// the ``Decision`` holds (its trace, the approvals' verdicts, and violations when there are
/// any).
///
/// What the compiled form cannot take is left to the interpreter, so the answer never differs:
/// a condition with an unknown field or function, or a list built from fields, is evaluated by
/// ``ConditionEvaluator``, as is any condition whose evaluation fails (a missing field), so that
/// its error reads the same; a policy with more than 64 roles is decided by
/// ``DecisionEvaluator`` outright.
public struct DecisionProgram: Sendable {
    /// The policy compiled.
    public let policy: Policy

    let purposes: [String]
    let roleNames: [String]
    let roleMembers: [[String]]
    let tiers: [ProgramTier]
    let rules: [ProgramRule]
    /// `false` when the policy has too many roles for a role mask.
    let isCompiled: Bool

    /// The notes of a decision without and with approvals but no plan digest, made once.
    static let notesWithoutPlan = [DecisionEvaluator.budgetNote]
    static let notesUnbound = [DecisionEvaluator.budgetNote, DecisionRunNotes.unbound]

    /// Compiles a policy.
    /// - Complexity: O(size of the policy).
    public init(policy: Policy) {
        self.policy = policy
        purposes = policy.purposes.map(\.value)
        roleNames = policy.roles.map(\.name.value)
        roleMembers = policy.roles.map { $0.members.map(\.value) }
        isCompiled = policy.roles.count <= 64
        let roles = roleNames
        tiers = policy.tiers.map { tier in
            ProgramTier(
                tier: tier, when: ProgramCondition(tier.when, subject: "tier \(tier.name.value)", roles: roles),
                controls: ProgramControls(tier.controls, roles: roles))
        }
        rules = policy.rules.map { rule in
            var controls: ProgramControls?
            var required: [ProgramRole] = []
            if case .require(let approvals, let ruleControls)? = rule.effect {
                controls = ruleControls.map { ProgramControls($0, roles: roles) }
                required = approvals.map { ProgramRole($0, roles: roles) }
            }
            return ProgramRule(
                rule: rule, when: ProgramCondition(rule.when, subject: "rule \(rule.id.value)", roles: roles),
                required: required, controls: controls)
        }
    }

    /// Decides `request` on the date `now`, as ``DecisionEvaluator/decide(_:now:planDigest:tracing:)``
    /// does.
    public func decide(
        _ request: GenerationRequest, now: CalendarDate, planDigest: String? = nil, tracing: Bool = false
    ) -> Decision {
        decide(LoweredRequest(request), now: now, planDigest: planDigest, tracing: tracing)
    }

    /// Decides a lowered request on the date `now`.
    public func decide(
        _ request: LoweredRequest, now: CalendarDate, planDigest: String? = nil, tracing: Bool = false
    ) -> Decision {
        decide(request, now: now, planDigest: planDigest, tracing: tracing, budget: nil)
    }

    /// Decides a request with what the ledger says about its source, as
    /// ``DecisionEvaluator/decide(_:now:planDigest:tracing:budget:)`` does.
    public func decide(
        _ request: GenerationRequest, now: CalendarDate, planDigest: String? = nil, tracing: Bool = false,
        budget: SourceBudget?
    ) -> Decision {
        decide(LoweredRequest(request), now: now, planDigest: planDigest, tracing: tracing, budget: budget)
    }

    /// Decides a lowered request with what the ledger says about its source.
    public func decide(
        _ request: LoweredRequest, now: CalendarDate, planDigest: String? = nil, tracing: Bool = false,
        budget: SourceBudget?
    ) -> Decision {
        guard isCompiled else {
            return DecisionEvaluator(policy: policy).decide(
                request.request, now: now, planDigest: planDigest, tracing: tracing, budget: budget)
        }
        var run = ProgramRun(program: self, lowered: request, now: now, planDigest: planDigest, tracing: tracing)
        return run.decide(budget: budget)
    }
}

/// Notes a decision may carry, shared by both evaluators.
enum DecisionRunNotes {
    static let unbound = "plan digest not given: approvals not checked for staleness"
}

/// A role a policy names, with its bit in the role mask (`nil` when no role has that name).
struct ProgramRole: Sendable {
    var role: Located<String>
    var bit: Int?

    init(_ role: Located<String>, roles: [String]) {
        self.role = role
        bit = roles.firstIndex(of: role.value)
    }

    /// Whether a valid approval in this role is attached.
    @inline(__always)
    func isApproved(in mask: UInt64) -> Bool {
        guard let bit else { return false }
        return mask & (1 << UInt64(bit)) != 0
    }
}

/// A tier or rule condition with what a decision records about it made once.
struct ProgramCondition: Sendable {
    /// `tier high` or `rule tiny-source`.
    var subject: String
    var condition: Condition
    /// The canonical form the trace shows when tracing.
    var canonical: String
    /// `nil` when the condition is left to the interpreter.
    var compiled: CompiledCondition?
    /// The fields the condition reads, left to right: the first the request writes is where a
    /// violation of the condition points.
    var fields: [RequestField]

    init(_ condition: Condition, subject: String, roles: [String]) {
        self.subject = subject
        self.condition = condition
        canonical = condition.expression?.description ?? condition.text
        compiled = condition.expression.flatMap { CompiledCondition.compile($0, roles: roles) }
        fields = condition.expression?.fieldPaths.compactMap {
            RequestField(path: $0.split(separator: ".", omittingEmptySubsequences: false).map(String.init))
        } ?? []
    }
}

/// A tier's controls with their role references resolved.
struct ProgramControls: Sendable {
    var controls: Controls
    var allOf: [ProgramRole]
    /// The roles of `any_of`, as a mask.
    var anyOf: UInt64

    init(_ controls: Controls, roles: [String]) {
        self.controls = controls
        allOf = controls.approvals?.allOf.map { ProgramRole($0, roles: roles) } ?? []
        anyOf = 0
        for role in controls.approvals?.anyOf ?? [] {
            if let bit = ProgramRole(role, roles: roles).bit { anyOf |= 1 << UInt64(bit) }
        }
    }
}

struct ProgramTier: Sendable {
    var tier: Tier
    var when: ProgramCondition
    var controls: ProgramControls
}

struct ProgramRule: Sendable {
    var rule: Rule
    var when: ProgramCondition
    /// The roles a `require` effect names.
    var required: [ProgramRole]
    /// The controls a `require` effect adds.
    var controls: ProgramControls?
}
