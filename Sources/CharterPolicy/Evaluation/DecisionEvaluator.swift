public import CharterCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Decides a request against one policy (DESIGN §4, §6).
///
/// The first tier whose `when` holds applies; when none does, or a tier condition cannot be
/// evaluated, the request is denied (fail closed). The tier's controls are checked against what
/// the request states (purpose, audience, consumers, generator, ε and δ, expiry), then every rule
/// with its enforcement: advisory warns; soft-mandatory denies unless a valid approval by a member
/// of `override_by` names the rule; hard-mandatory denies; `require` adds approvals. A rule whose
/// condition cannot be evaluated is taken to hold (fail closed). The outcome is `deny` with any
/// denying violation, `pending` when only approvals are missing, `allow` otherwise.
///
/// The source's lifetime budget is checked when the caller hands in what the ledger says
/// (``SourceBudget``, see ``decide(_:now:planDigest:tracing:budget:)``); without a ledger the
/// decision says the budget was not checked.
public struct DecisionEvaluator: Sendable {
    /// The policy decided with (composed with its bases).
    public let policy: Policy

    /// An evaluator for a policy.
    public init(policy: Policy) {
        self.policy = policy
    }

    /// The note a decision made without a ledger carries.
    public static let budgetNote = "budget not checked: no ledger"

    /// Decides `request` on the date `now`. With `planDigest`, approvals bound to another plan
    /// are stale; with `tracing`, every sub-expression's value is recorded.
    public func decide(
        _ request: GenerationRequest, now: CalendarDate, planDigest: String? = nil, tracing: Bool = false
    ) -> Decision {
        decide(request, now: now, planDigest: planDigest, tracing: tracing, budget: nil)
    }

    /// Decides `request` with what the ledger says about its source: a request that spends more
    /// ε or δ than is left is denied (`budgets.per_source`), and a note says what is left before
    /// and after. With `budget` `nil` no ledger was read, and the decision says so.
    public func decide(
        _ request: GenerationRequest, now: CalendarDate, planDigest: String? = nil, tracing: Bool = false,
        budget: SourceBudget?, authenticator: (any ApprovalAuthenticator)? = nil
    ) -> Decision {
        var run = DecisionRun(
            policy: policy, request: request, now: now, planDigest: planDigest, tracing: tracing,
            authenticator: authenticator)
        return run.decide(budget: budget)
    }
}

/// The state of one decision while it is made.
private struct DecisionRun {
    let policy: Policy
    let request: GenerationRequest
    let now: CalendarDate
    let planDigest: String?
    let tracing: Bool
    let approvals: ApprovalValidator
    let evaluator: ConditionEvaluator
    var findings: DecisionFindings
    var overrides: [(rule: String, by: String)] = []
    var notes: [String] = []
    var trace: [ConditionTrace] = []

    init(
        policy: Policy, request: GenerationRequest, now: CalendarDate, planDigest: String?, tracing: Bool,
        authenticator: (any ApprovalAuthenticator)?
    ) {
        self.policy = policy
        self.request = request
        self.now = now
        self.planDigest = planDigest
        self.findings = DecisionFindings(planDigest: planDigest)
        self.tracing = tracing
        approvals = ApprovalValidator(
            request: request, policy: policy, now: now, planDigest: planDigest, authenticator: authenticator)
        findings.separateDuties(approvals.verdicts)
        evaluator = ConditionEvaluator(request: request, approvedRoles: approvals.approvedRoles, now: now)
    }

    mutating func decide(budget: SourceBudget?) -> Decision {
        checkPurpose()
        let tier = selectTier()
        if let tier {
            check(tier.controls, prefix: "")
            requireApprovals(tier.controls.approvals)
        }
        for rule in policy.rules { apply(rule) }
        findings.settleApprovals()
        if let budget {
            let checked = BudgetCheck.check(budget, policy: policy, request: request)
            findings.violations += checked.violations
            notes.append(checked.note)
        } else {
            notes.append(DecisionEvaluator.budgetNote)
        }
        if planDigest == nil, !request.approvals.isEmpty {
            notes.append("plan digest not given: approvals not checked for staleness")
        }
        let outcome: Decision.Outcome = !findings.violations.isEmpty ? .deny : (findings.missing.isEmpty ? .allow : .pending)
        return Decision(
            outcome: outcome, requestID: request.id.value, requestLocation: request.location,
            approvalsLocation: request.approvalsLocation ?? request.location, policy: policy.name.value,
            tier: tier?.name,
            violations: findings.violations, warnings: findings.warnings, missingApprovals: findings.missing, approvals: approvals.verdicts,
            overrides: overrides, notes: notes, trace: trace)
    }

    // MARK: - Conditions

    /// Evaluates a condition; `nil` when it cannot be (unparsed, or an evaluation error).
    private mutating func evaluate(_ condition: Condition, subject: String) -> Result<Bool, ConditionEvaluationError> {
        guard let expression = condition.expression else {
            let error = ConditionEvaluationError(message: "the condition did not parse", location: condition.location)
            trace.append(
                ConditionTrace(
                    subject: subject, condition: condition.text, location: condition.location, held: nil, steps: []))
            return .failure(error)
        }
        var steps: [TraceStep] = []
        let result: Result<Bool, ConditionEvaluationError>
        do {
            result = .success(
                tracing ? try evaluator.holds(expression, trace: &steps) : try evaluator.holds(expression))
        } catch {
            result = .failure(error)
        }
        trace.append(
            ConditionTrace(
                subject: subject, condition: tracing ? expression.description : condition.text,
                location: condition.location,
                held: try? result.get(), steps: steps))
        return result
    }

    private mutating func selectTier() -> Tier? {
        for tier in policy.tiers {
            switch evaluate(tier.when, subject: "tier \(tier.name.value)") {
            case .success(true): return tier
            case .success(false): continue
            case .failure(let error):
                findings.deny(
                    "tier \(tier.name.value)", .decisionConditionError, .hardMandatory,
                    "cannot tell whether tier '\(tier.name.value)' applies: \(error.message)",
                    request: requestLocation(of: tier.when), policy: error.location,
                    remedy: "state the field the condition reads")
                return nil
            }
        }
        findings.deny(
            "tiers", .decisionNoTier, .hardMandatory, "no tier of policy '\(policy.name.value)' applies",
            request: request.location, policy: policy.tiers.first?.location ?? policy.location, remedy: nil)
        return nil
    }

    // MARK: - Rules

    private mutating func apply(_ rule: Rule) {
        let id = rule.id.value
        let held: Bool
        var note = ""
        switch evaluate(rule.when, subject: "rule \(id)") {
        case .success(let value): held = value
        case .failure(let error):
            held = true
            note = " (applied because its condition cannot be evaluated: \(error.message))"
        }
        guard held, let effect = rule.effect else { return }
        let at = requestLocation(of: rule.when)
        switch effect {
        case .warn(let text), .deny(let text):
            var denies = false
            if case .deny = effect { denies = true }
            let approver = findings.applyEffect(
                of: id, denies: denies, enforcement: rule.enforcement.value, message: rule.message ?? text, note: note,
                overrideBy: rule.overrideBy?.value,
                overrider: rule.overrideBy.flatMap { approvals.override(of: id, by: $0.value)?.by.value }, request: at,
                policy: rule.location)
            if let approver { overrides.append((id, approver)) }
        case .require(let roles, let controls):
            if rule.enforcement.value == .advisory {
                for role in roles where !isApproved(role.value) {
                    findings.warn(
                        id, .decisionRuleWarning, .advisory,
                        DecisionFindings.message(rule.message ?? "an approval by \(role.value) is advised", note: note),
                        request: at,
                        policy: role.location)
                }
            } else {
                for role in roles { requireRole(role, source: id) }
            }
            if let controls { check(controls, prefix: id + ": ") }
        }
    }

    // MARK: - Controls

    private mutating func checkPurpose() {
        guard !policy.purposes.contains(where: { $0.value == request.purpose.value }) else { return }
        let allowed = policy.purposes.map(\.value)
        findings.deny(
            "purposes", .decisionPurpose, .hardMandatory,
            "purpose '\(request.purpose.value)' is not one policy '\(policy.name.value)' allows",
            request: request.purpose.location, policy: policy.purposes.first?.location ?? policy.location,
            remedy: "request.purpose \"\(request.purpose.value)\" → one of: " + allowed.joined(separator: ", "))
    }

    private mutating func check(_ controls: Controls, prefix: String) {
        findings.check(
            request, audiences: controls.access?.audiences, consumers: controls.access?.consumers,
            generators: controls.generators, controls: controls.location, prefix: prefix)
        if let dp = controls.differentialPrivacy { check(dp, prefix: prefix) }
        if let expiry = controls.expiry?.max { check(expiry: expiry, prefix: prefix) }
    }

    private mutating func check(_ dp: DifferentialPrivacyControl, prefix: String) {
        let generator = request.generator
        let required = dp.required?.value ?? false
        let isPrivate = RequestSchema.differentiallyPrivateGenerators.contains(generator.type.value)
        findings.requireDifferentialPrivacy(dp, generator: generator, isPrivate: isPrivate, prefix: prefix)
        // Caps bind whenever the run is differentially private, required or not.
        guard required || isPrivate || generator.epsilon != nil else { return }
        checkCap(
            dp.epsilonMax, generator.epsilon, field: "epsilon", control: "epsilon_max", code: .decisionEpsilon,
            dp: required || isPrivate, prefix: prefix)
        checkCap(
            dp.deltaMax, generator.delta, field: "delta", control: "delta_max", code: .decisionDelta,
            dp: required || isPrivate, prefix: prefix)
    }

    /// One of the ε and δ caps: the stated value must not pass it, and a private run must state
    /// it. Numbers are shown as written (`3.0 → ≤ 1.0`).
    private mutating func checkCap(
        _ cap: Located<Decimal>?, _ value: Located<Decimal>?, field: String, control: String, code: DiagnosticCode,
        dp: Bool, prefix: String
    ) {
        guard let cap else { return }
        findings.checkCap(
            cap, value: value, above: value.map { $0.value > cap.value } ?? false, field: field, control: control,
            code: code, mustState: dp, prefix: prefix, generator: request.generator.location)
    }

    private mutating func check(expiry max: Located<CalendarDuration>, prefix: String) {
        findings.check(
            expiresAt: request.expiresAt, max: max, now: now, prefix: prefix, requestLocation: request.location)
    }

    // MARK: - Approvals

    private mutating func requireApprovals(_ control: ApprovalControl?) {
        guard let control else { return }
        for role in control.allOf { requireRole(role, source: "approvals.all_of") }
        findings.requireQuorum(of: control, have: Set(control.anyOf.map(\.value)).filter(isApproved).count)
    }

    private mutating func requireRole(_ role: Located<String>, source: String) {
        findings.requireRole(role, source: source, approved: isApproved(role.value))
    }

    /// Whether a valid approval in `role` is attached: the one approval check every control and
    /// rule goes through.
    private func isApproved(_ role: String) -> Bool { approvals.approvedRoles.contains(role) }



    /// The request node a condition is about: the first field it reads that the request writes.
    private func requestLocation(of condition: Condition) -> SourceLocation {
        guard let expression = condition.expression else { return request.location }
        for field in expression.fields {
            if let location = request.location(of: field) { return location }
        }
        return request.location
    }
}

extension ConditionExpression {
    /// Every request field the expression reads, left to right (paths the schema lacks left out).
    var fields: [RequestField] {
        switch kind {
        case .literal: []
        case .field(let path): RequestField(path: path).map { [$0] } ?? []
        case .not(let operand): operand.fields
        case .logical(_, let lhs, let rhs), .comparison(_, let lhs, let rhs), .membership(_, let lhs, let rhs):
            lhs.fields + rhs.fields
        case .list(let items), .call(_, let items): items.flatMap(\.fields)
        }
    }
}
