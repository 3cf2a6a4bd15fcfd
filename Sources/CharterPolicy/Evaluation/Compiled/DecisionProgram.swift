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
/// becomes a ``CompiledCondition`` over request fields (no field names, no dictionaries, no
/// existentials: an enum switch; values are plain bits, and a string is compared where the
/// request or the condition holds it, never copied), roles become bit positions (an approval
/// check is a mask test), and what a decision carries of the policy (trace headers, canonical
/// conditions, notes) is made once and shared. Deciding a request then allocates only what the
/// ``Decision`` holds (its trace, the approvals' verdicts, and violations or warnings when there
/// are any). ``LoweredRequest`` keeps the little a request needs read once (its ε and δ as
/// integers) for deciding it again.
///
/// What the compiled form cannot take is left to the interpreter, so the answer never differs:
/// a condition with an unknown field or function, a list built from fields, or a number of more
/// than 18 digits, is evaluated by ``ConditionEvaluator``, as is any condition whose evaluation
/// fails (a missing field), so that its error reads the same; a policy with more than 64 roles
/// is decided by ``DecisionEvaluator`` outright.
public struct DecisionProgram: Sendable {
    /// The compiled form, shared by copies: a decision reads it through one reference instead of
    /// copying the policy's structs.
    let compiled: CompiledPolicy

    /// The policy compiled.
    public var policy: Policy { compiled.policy }

    /// Whether the policy is compiled (`false` when it has too many roles for a role mask and
    /// the interpreter decides).
    var isCompiled: Bool { compiled.roleNames.count <= 64 }

    /// Compiles a policy.
    /// - Complexity: O(size of the policy).
    public init(policy: Policy) {
        compiled = CompiledPolicy(policy)
    }

    /// Decides `request` on the date `now`, as ``DecisionEvaluator/decide(_:now:planDigest:tracing:)``
    /// does.
    public func decide(
        _ request: GenerationRequest, now: CalendarDate, planDigest: String? = nil, tracing: Bool = false
    ) -> Decision {
        decide(request, now: now, planDigest: planDigest, tracing: tracing, budget: nil)
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
        budget: SourceBudget?, authenticator: (any ApprovalAuthenticator)? = nil
    ) -> Decision {
        guard isCompiled else {
            return DecisionEvaluator(policy: policy).decide(
                request, now: now, planDigest: planDigest, tracing: tracing, budget: budget,
                authenticator: authenticator)
        }
        return Self.run(
            compiled, request, LoweredValues(request), now: now, planDigest: planDigest, tracing: tracing,
            budget: budget, authenticator: authenticator)
    }

    /// Decides a lowered request with what the ledger says about its source.
    public func decide(
        _ request: LoweredRequest, now: CalendarDate, planDigest: String? = nil, tracing: Bool = false,
        budget: SourceBudget?, authenticator: (any ApprovalAuthenticator)? = nil
    ) -> Decision {
        guard isCompiled else {
            return DecisionEvaluator(policy: policy).decide(
                request.request, now: now, planDigest: planDigest, tracing: tracing, budget: budget,
                authenticator: authenticator)
        }
        return Self.run(
            compiled, request.request, request.values, now: now, planDigest: planDigest, tracing: tracing,
            budget: budget, authenticator: authenticator)
    }

    /// Runs the decision on a request the caller holds, without copying it (a request's many
    /// strings would cost a retain and a release each).
    private static func run(
        _ compiled: CompiledPolicy, _ request: borrowing GenerationRequest, _ values: LoweredValues, now: CalendarDate,
        planDigest: String?, tracing: Bool, budget: SourceBudget?, authenticator: (any ApprovalAuthenticator)?
    ) -> Decision {
        // The request is passed down borrowed, never stored: a pointer to it (or a stored copy)
        // copied the whole request, a retain and a release per string (measured: a third of a
        // decision).
        var run = ProgramRun(
            program: compiled, lowered: values, now: now, planDigest: planDigest, tracing: tracing,
            authenticator: authenticator)
        return run.decide(request, budget: budget)
    }
}

/// Notes a decision may carry, shared by both evaluators.
enum DecisionRunNotes {
    static let unbound = "plan digest not given: approvals not checked for staleness"
}

// The compiled parts are immutable classes so that the hot loop copies a reference, never a
// policy struct (measured: copying `Rule` and `Controls` per decision cost more than evaluating).

/// A compiled policy.
final class CompiledPolicy: Sendable {
    let policy: Policy
    let name: String
    let purposes: [String]
    let roleNames: [String]
    /// Each role's members, as written, in ``roleNames`` order.
    let roleMembers: [[Located<String>]]
    let tiers: [ProgramTier]
    let rules: [ProgramRule]
    /// The notes of a decision without and with approvals but no plan digest, made once.
    let notesWithoutPlan = [DecisionEvaluator.budgetNote]
    let notesUnbound = [DecisionEvaluator.budgetNote, DecisionRunNotes.unbound]

    init(_ policy: Policy) {
        self.policy = policy
        name = policy.name.value
        purposes = policy.purposes.map(\.value)
        let roles = policy.roles.map(\.name.value)
        roleNames = roles
        roleMembers = policy.roles.map(\.members)
        tiers = policy.tiers.map { tier in
            ProgramTier(
                name: tier.name, when: ProgramCondition(tier.when, subject: "tier \(tier.name.value)", roles: roles),
                controls: ProgramControls(tier.controls, roles: roles))
        }
        rules = policy.rules.map { ProgramRule($0, roles: roles) }
    }
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
final class ProgramCondition: Sendable {
    /// `tier high` or `rule tiny-source`.
    let subject: String
    let location: SourceLocation
    /// The parsed condition, for the interpreter; `nil` when it did not parse.
    let expression: ConditionExpression?
    /// Whether the condition parsed (`expression != nil`), read without copying the expression.
    let parsed: Bool
    /// `nil` when the condition is left to the interpreter.
    let compiled: CompiledCondition?
    /// The fields the condition reads, left to right: the first the request writes is where a
    /// violation of the condition points.
    let fields: [RequestField]
    /// What a decision's trace says of the condition, as written and (when tracing) canonical.
    let header: ConditionTrace.Header
    let canonicalHeader: ConditionTrace.Header

    init(_ condition: Condition, subject: String, roles: [String]) {
        self.subject = subject
        location = condition.location
        expression = condition.expression
        parsed = condition.expression != nil
        compiled = condition.expression.flatMap { CompiledCondition.compile($0, roles: roles) }
        fields = condition.expression?.fields ?? []
        header = ConditionTrace.Header(subject: subject, condition: condition.text, location: location)
        canonicalHeader = ConditionTrace.Header(
            subject: subject, condition: condition.expression?.description ?? condition.text, location: location)
    }
}

/// A tier's (or a rule's `require`) controls, the parts a decision checks taken out once.
final class ProgramControls: Sendable {
    let location: SourceLocation
    let audiences: [Located<String>]?
    let consumers: [Located<String>]?
    let generators: Located<[Located<String>]>?
    let differentialPrivacy: DifferentialPrivacyControl?
    /// The ε and δ caps, for integer comparison (`nil` without an integer form).
    let epsilonMax: ProgramNumber?
    let deltaMax: ProgramNumber?
    let expiryMax: Located<CalendarDuration>?
    let approvals: ApprovalControl?
    let allOf: [ProgramRole]
    /// The roles of `any_of`, as a mask.
    let anyOf: UInt64

    init(_ controls: Controls, roles: [String]) {
        location = controls.location
        audiences = controls.access?.audiences
        consumers = controls.access?.consumers
        generators = controls.generators
        differentialPrivacy = controls.differentialPrivacy
        epsilonMax = controls.differentialPrivacy?.epsilonMax.flatMap { ProgramNumber($0) }
        deltaMax = controls.differentialPrivacy?.deltaMax.flatMap { ProgramNumber($0) }
        expiryMax = controls.expiry?.max
        approvals = controls.approvals
        allOf = controls.approvals?.allOf.map { ProgramRole($0, roles: roles) } ?? []
        var anyOf: UInt64 = 0
        for role in controls.approvals?.anyOf ?? [] {
            if let bit = ProgramRole(role, roles: roles).bit { anyOf |= 1 << UInt64(bit) }
        }
        self.anyOf = anyOf
    }
}

final class ProgramTier: Sendable {
    let name: Located<String>
    let when: ProgramCondition
    let controls: ProgramControls

    init(name: Located<String>, when: ProgramCondition, controls: ProgramControls) {
        self.name = name
        self.when = when
        self.controls = controls
    }
}

/// A rule with its effect taken apart once.
final class ProgramRule: Sendable {
    /// What the rule does when it holds.
    enum Effect: Sendable {
        case warn(String)
        case deny(String)
        case require
    }

    let id: String
    let enforcement: Enforcement
    let overrideBy: String?
    let message: String?
    let location: SourceLocation
    let when: ProgramCondition
    let effect: Effect?
    /// The roles a `require` effect names.
    let required: [ProgramRole]
    /// The controls a `require` effect adds.
    let controls: ProgramControls?

    init(_ rule: Rule, roles: [String]) {
        id = rule.id.value
        enforcement = rule.enforcement.value
        overrideBy = rule.overrideBy?.value
        message = rule.message
        location = rule.location
        when = ProgramCondition(rule.when, subject: "rule \(rule.id.value)", roles: roles)
        switch rule.effect {
        case .warn(let text)?:
            effect = .warn(text)
            required = []
            controls = nil
        case .deny(let text)?:
            effect = .deny(text)
            required = []
            controls = nil
        case .require(let approvals, let ruleControls)?:
            effect = .require
            required = approvals.map { ProgramRole($0, roles: roles) }
            controls = ruleControls.map { ProgramControls($0, roles: roles) }
        case nil:
            effect = nil
            required = []
            controls = nil
        }
    }
}
