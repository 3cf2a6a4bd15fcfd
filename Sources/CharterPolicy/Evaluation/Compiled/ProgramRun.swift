internal import CharterCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One decision made by a ``DecisionProgram``. It follows ``DecisionEvaluator``'s run step by
/// step (the differential test holds the two together); only the work moved to compile time
/// differs.
struct ProgramRun {
    let program: CompiledPolicy
    let lowered: LoweredValues
    let now: CalendarDate
    let planDigest: String?
    let tracing: Bool
    let authenticator: (any ApprovalAuthenticator)?
    var verdicts: [ApprovalValidator.Verdict] = []
    /// Bit `i` set when role `i` has a valid approval.
    var approved: UInt64 = 0
    var findings: DecisionFindings
    var overrides: [(rule: String, by: String)] = []
    var trace: [ConditionTrace] = []
    /// What compiled conditions read, made once the approvals are known.
    var context: CompiledCondition.Context

    init(
        program: CompiledPolicy, lowered: LoweredValues, now: CalendarDate, planDigest: String?, tracing: Bool,
        authenticator: (any ApprovalAuthenticator)?
    ) {
        self.program = program
        self.authenticator = authenticator
        self.lowered = lowered
        self.now = now
        self.planDigest = planDigest
        self.findings = DecisionFindings(planDigest: planDigest)
        self.tracing = tracing
        context = CompiledCondition.Context(approvedRoles: 0, roleNames: program.roleNames, now: now)
    }

    mutating func decide(_ request: borrowing GenerationRequest, budget: SourceBudget?) -> Decision {
        validateApprovals(request)
        findings.separateDuties(verdicts)
        context.approvedRoles = approved
        trace.reserveCapacity(program.tiers.count + program.rules.count)
        checkPurpose(request)
        let tier = selectTier(request)
        if let tier {
            check(request, tier.controls, prefix: "")
            requireApprovals(tier.controls)
        }
        for rule in program.rules { apply(request, rule) }
        findings.settleApprovals()
        var notes =
            planDigest == nil && !request.approvals.isEmpty
            ? program.notesUnbound : program.notesWithoutPlan
        if let budget {
            let checked = BudgetCheck.check(budget, policy: program.policy, request: request)
            findings.violations += checked.violations
            notes[0] = checked.note
        }
        let outcome: Decision.Outcome = !findings.violations.isEmpty ? .deny : (findings.missing.isEmpty ? .allow : .pending)
        return Decision(
            outcome: outcome, requestID: request.id.value, requestLocation: request.location,
            approvalsLocation: request.approvalsLocation ?? request.location, policy: program.name,
            tier: tier?.name,
            violations: findings.violations, warnings: findings.warnings, missingApprovals: findings.missing, approvals: verdicts,
            overrides: overrides, notes: notes, trace: trace)
    }

    // MARK: - Approval verdicts

    /// ``ApprovalValidator``'s verdicts, with the valid roles as a mask.
    private mutating func validateApprovals(_ request: borrowing GenerationRequest) {
        guard !request.approvals.isEmpty else { return }
        verdicts.reserveCapacity(request.approvals.count)
        let judge = ApprovalValidator.Context(
            policy: program.policy, request: copy request, now: now, planDigest: planDigest, authenticator: authenticator)
        for approval in request.approvals {
            let index = program.roleNames.firstIndex(of: approval.role.value)
            let verdict = judge.verdict(of: approval, members: index.map { program.roleMembers[$0] })
            if let index, verdict.rejection == nil { approved |= 1 << UInt64(index) }
            verdicts.append(verdict)
        }
    }

    /// The roles with a valid approval by name, for the interpreter.
    private var approvedRoleNames: Set<String> {
        Set(verdicts.lazy.filter { $0.rejection == nil }.map(\.approval.role.value))
    }

    // MARK: - Conditions

    /// Whether `condition` holds, recorded in the trace.
    private mutating func evaluate(
        _ request: borrowing GenerationRequest, _ condition: ProgramCondition
    ) throws(ConditionEvaluationError) -> Bool {
        // Whether it parsed is read as a flag: binding the expression would copy the whole
        // parsed tree per condition per decision (measured: that copy showed in the profile).
        guard condition.parsed else {
            trace.append(ConditionTrace(condition.header, held: nil, steps: []))
            throw ConditionEvaluationError(message: "the condition did not parse", location: condition.location)
        }
        let header = tracing ? condition.canonicalHeader : condition.header
        var steps: [TraceStep] = []
        do {
            let held = try holds(request, condition, &steps)
            trace.append(ConditionTrace(header, held: held, steps: steps))
            return held
        } catch {
            trace.append(ConditionTrace(header, held: nil, steps: steps))
            throw error
        }
    }

    /// The compiled condition's answer, or the interpreter's when the compiled form cannot give
    /// it (then the interpreter's error and trace are the ones recorded).
    private func holds(
        _ request: borrowing GenerationRequest, _ condition: ProgramCondition, _ steps: inout [TraceStep]
    ) throws(ConditionEvaluationError) -> Bool {
        if let compiled = condition.compiled {
            do {
                return try compiled.holds(request, context, tracing: tracing, trace: &steps)
            } catch {
                steps.removeAll()
            }
        }
        guard let expression = condition.expression else {
            preconditionFailure("a condition that did not parse is never evaluated")
        }
        let evaluator = ConditionEvaluator(request: copy request, approvedRoles: approvedRoleNames, now: now)
        return tracing ? try evaluator.holds(expression, trace: &steps) : try evaluator.holds(expression)
    }

    private mutating func selectTier(_ request: borrowing GenerationRequest) -> ProgramTier? {
        for tier in program.tiers {
            do {
                if try evaluate(request, tier.when) { return tier }
            } catch {
                let name = tier.name.value
                findings.deny(
                    tier.when.subject, .decisionConditionError, .hardMandatory,
                    "cannot tell whether tier '\(name)' applies: \(error.message)",
                    request: requestLocation(request, of: tier.when), policy: error.location,
                    remedy: "state the field the condition reads")
                return nil
            }
        }
        let policy = program.policy
        findings.deny(
            "tiers", .decisionNoTier, .hardMandatory, "no tier of policy '\(policy.name.value)' applies",
            request: request.location, policy: policy.tiers.first?.location ?? policy.location, remedy: nil)
        return nil
    }

    // MARK: - Rules

    private mutating func apply(_ request: borrowing GenerationRequest, _ rule: ProgramRule) {
        let held: Bool
        var note = ""
        do {
            held = try evaluate(request, rule.when)
        } catch {
            held = true
            note = " (applied because its condition cannot be evaluated: \(error.message))"
        }
        guard held, let effect = rule.effect else { return }
        let id = rule.id
        let at = requestLocation(request, of: rule.when)
        switch effect {
        case .warn(let text), .deny(let text):
            var denies = false
            if case .deny = effect { denies = true }
            let approver = findings.applyEffect(
                of: id, denies: denies, enforcement: rule.enforcement, message: rule.message ?? text, note: note,
                overrideBy: rule.overrideBy,
                overrider: rule.overrideBy.flatMap { override(of: id, by: $0)?.by.value }, request: at,
                policy: rule.location)
            if let approver { overrides.append((id, approver)) }
        case .require:
            if rule.enforcement == .advisory {
                for role in rule.required where !role.isApproved(in: approved) {
                    findings.warn(
                        id, .decisionRuleWarning, .advisory,
                        DecisionFindings.message(rule.message ?? "an approval by \(role.role.value) is advised", note: note),
                        request: at,
                        policy: role.role.location)
                }
            } else {
                for role in rule.required { requireRole(role, source: id) }
            }
            if let controls = rule.controls { check(request, controls, prefix: id + ": ") }
        }
    }

    /// A valid approval in `role` that overrides `rule`.
    private func override(of rule: String, by role: String) -> GenerationRequest.Approval? {
        for verdict in verdicts
        where verdict.rejection == nil && verdict.approval.role.value == role
            && verdict.approval.override?.value == rule
        {
            return verdict.approval
        }
        return nil
    }

    // MARK: - Controls

    private mutating func checkPurpose(_ request: borrowing GenerationRequest) {
        let purpose = request.purpose.value
        guard !program.purposes.contains(purpose) else { return }
        let policy = program.policy
        findings.deny(
            "purposes", .decisionPurpose, .hardMandatory,
            "purpose '\(purpose)' is not one policy '\(policy.name.value)' allows",
            request: request.purpose.location, policy: policy.purposes.first?.location ?? policy.location,
            remedy: "request.purpose \"\(purpose)\" → one of: " + program.purposes.joined(separator: ", "))
    }

    private mutating func check(
        _ request: borrowing GenerationRequest, _ program: ProgramControls, prefix: String
    ) {
        let controls = program
        findings.check(
            request, audiences: controls.audiences, consumers: controls.consumers, generators: controls.generators,
            controls: controls.location, prefix: prefix)
        if let dp = controls.differentialPrivacy { check(request, dp, controls, prefix: prefix) }
        if let expiry = controls.expiryMax { check(request, expiry: expiry, prefix: prefix) }
    }

    private mutating func check(
        _ request: borrowing GenerationRequest, _ dp: DifferentialPrivacyControl, _ controls: ProgramControls,
        prefix: String
    ) {
        let generator = request.generator
        let required = dp.required?.value ?? false
        let isPrivate = lowered.isDifferentiallyPrivate
        findings.requireDifferentialPrivacy(dp, generator: generator, isPrivate: isPrivate, prefix: prefix)
        guard required || isPrivate || generator.epsilon != nil else { return }
        checkCap(
            request, dp.epsilonMax, controls.epsilonMax, generator.epsilon, lowered.epsilon, field: "epsilon",
            control: "epsilon_max", code: .decisionEpsilon, dp: required || isPrivate, prefix: prefix)
        checkCap(
            request, dp.deltaMax, controls.deltaMax, generator.delta, lowered.delta, field: "delta",
            control: "delta_max",
            code: .decisionDelta, dp: required || isPrivate, prefix: prefix)
    }

    /// One of the ε and δ caps: the stated value must not pass it, and a private run must state it.
    private mutating func checkCap(
        _ request: borrowing GenerationRequest, _ cap: Located<Decimal>?, _ capNumber: ProgramNumber?,
        _ value: Located<Decimal>?, _ number: ProgramNumber?,
        field: String, control: String, code: DiagnosticCode, dp: Bool, prefix: String
    ) {
        guard let cap else { return }
        var above = false
        if let value {
            if let number, let capNumber {
                above = ProgramNumber.order(number, capNumber) > 0
            } else {
                above = value.value > cap.value
            }
        }
        findings.checkCap(
            cap, value: value, above: above, field: field, control: control, code: code, mustState: dp,
            prefix: prefix, generator: request.generator.location)
    }

    private mutating func check(
        _ request: borrowing GenerationRequest, expiry max: Located<CalendarDuration>, prefix: String
    ) {
        findings.check(
            expiresAt: request.expiresAt, max: max, now: now, prefix: prefix, requestLocation: request.location)
    }

    // MARK: - Approvals

    private mutating func requireApprovals(_ controls: ProgramControls) {
        guard let control = controls.approvals else { return }
        for role in controls.allOf { requireRole(role, source: "approvals.all_of") }
        findings.requireQuorum(of: control, have: (controls.anyOf & approved).nonzeroBitCount)
    }

    private mutating func requireRole(_ role: ProgramRole, source: String) {
        findings.requireRole(role.role, source: source, approved: role.isApproved(in: approved))
    }

    /// The request node a condition is about: the first field it reads that the request writes.
    private func requestLocation(_ request: borrowing GenerationRequest, of condition: ProgramCondition) -> SourceLocation {
        for field in condition.fields {
            if let location = request.location(of: field) { return location }
        }
        return request.location
    }
}
