internal import CharterCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What a decision in progress has found — denying violations, advisory warnings and missing
/// approvals — and the checks whose wording both evaluation paths share (the interpreter,
/// ``DecisionEvaluator``, and the compiled ``DecisionProgram``), so that the two cannot drift apart.
struct DecisionFindings {
    /// The plan digest approvals must be bound to, named in the remedies.
    let planDigest: String?
    var violations: [Decision.Violation] = []
    var warnings: [Decision.Violation] = []
    var missing: [Decision.MissingApproval] = []
    /// The approvals that count, when some person's count in two roles (see ``separateDuties(_:)``).
    private var sharedApprovers: [ApprovalValidator.Verdict]?
    /// The approvals required so far, in order, while `sharedApprovers` is set.
    private var requirements: [ApprovalRequirement] = []

    /// An approval a decision requires.
    private enum ApprovalRequirement {
        /// A member of a role (from `all_of` or a rule's `require`).
        case role(Located<String>, source: String)
        /// The tier's `any_of` quorum.
        case quorum(ApprovalControl)
    }

    /// Findings of a decision whose approvals must be bound to `planDigest` (`nil`: not checked).
    init(planDigest: String?) {
        self.planDigest = planDigest
    }

    /// ` for plan sha256:…` when approvals must be bound to a plan.
    var planSuffix: String { planDigest.map { " for plan \($0)" } ?? "" }

    mutating func deny(
        _ id: String, _ code: DiagnosticCode, _ enforcement: Enforcement, _ message: String,
        request: SourceLocation, policy: SourceLocation, remedy: String?
    ) {
        violations.append(
            Decision.Violation(
                id: id, enforcement: enforcement, code: code, message: message, requestLocation: request,
                policyLocation: policy, remedy: remedy))
    }

    mutating func warn(
        _ id: String, _ code: DiagnosticCode, _ enforcement: Enforcement, _ message: String,
        request: SourceLocation, policy: SourceLocation
    ) {
        warnings.append(
            Decision.Violation(
                id: id, enforcement: enforcement, code: code, message: message, requestLocation: request,
                policyLocation: policy, remedy: nil))
    }

    /// A rule's `warn` or `deny` effect, its message followed by `note` (why it was applied, when
    /// its condition could not be evaluated). A soft-mandatory denial is cleared by a valid approval
    /// in the rule's `override_by` role that names the rule, whose approver is `overrider`; it is
    /// returned for the decision's overrides.
    mutating func applyEffect(
        of id: String, denies: Bool, enforcement: Enforcement, message text: String, note: String,
        overrideBy: String?, overrider: String?, request: SourceLocation, policy: SourceLocation
    ) -> String? {
        let message = Self.message(text, note: note)
        guard denies else {
            warn(id, .decisionRuleWarning, enforcement, message, request: request, policy: policy)
            return nil
        }
        switch enforcement {
        case .advisory:
            warn(id, .decisionRuleWarning, .advisory, message, request: request, policy: policy)
        case .softMandatory:
            if overrideBy != nil, let overrider { return overrider }
            deny(
                id, .decisionRuleDenied, .softMandatory, message, request: request, policy: policy,
                remedy: "an approval by a member of \(overrideBy ?? "the override role") other than the requester with override: \(id)")
        case .hardMandatory:
            deny(id, .decisionRuleDenied, .hardMandatory, message, request: request, policy: policy, remedy: nil)
        }
        return nil
    }

    /// A finding's message followed by `note`, copied only when there is a note.
    static func message(_ text: String, note: String) -> String { note.isEmpty ? text : text + note }

    /// The tier's access controls (audiences, consumers) and its generator allow-list.
    mutating func check(
        _ request: borrowing GenerationRequest, audiences: [Located<String>]?, consumers: [Located<String>]?,
        generators: Located<[Located<String>]>?, controls: SourceLocation, prefix: String
    ) {
        if let audiences, !audiences.contains(where: { $0.value == request.audience.value }) {
            deny(
                prefix + "access.audiences", .decisionAudience, .hardMandatory,
                "audience '\(request.audience.value)' is not allowed in this tier", request: request.audience.location,
                policy: audiences.first?.location ?? controls,
                remedy: "request.audience \"\(request.audience.value)\" → one of: "
                    + audiences.map(\.value).joined(separator: ", "))
        }
        if let allowed = consumers {
            for consumer in request.consumers?.value ?? []
            where !allowed.contains(where: { $0.value == consumer.value }) {
                deny(
                    prefix + "access.consumers", .decisionConsumer, .hardMandatory,
                    "consumer '\(consumer.value)' is not allowed in this tier", request: consumer.location,
                    policy: allowed.first?.location ?? controls,
                    remedy: "remove consumer \"\(consumer.value)\" (allowed: "
                        + allowed.map(\.value).joined(separator: ", ") + ")")
            }
        }
        let type = request.generator.type
        if let generators, !generators.value.contains(where: { $0.value == type.value }) {
            deny(
                prefix + "generators", .decisionGenerator, .hardMandatory,
                "generator '\(type.value)' is not allowed in this tier", request: type.location,
                policy: generators.location,
                remedy: "generator.type \(type.value) → one of: "
                    + generators.value.map(\.value).joined(separator: ", "))
        }
    }

    /// The tier's `differential_privacy.required`: a tier that requires it denies a generator that
    /// does not provide it (`isPrivate`).
    mutating func requireDifferentialPrivacy(
        _ dp: DifferentialPrivacyControl, generator: GenerationRequest.Generator, isPrivate: Bool, prefix: String
    ) {
        guard dp.required?.value ?? false, !isPrivate else { return }
        deny(
            prefix + "differential_privacy.required", .decisionDifferentialPrivacy, .hardMandatory,
            "this tier requires differential privacy and generator '\(generator.type.value)' does not provide it",
            request: generator.type.location, policy: dp.required?.location ?? dp.location,
            remedy: "generator.type \(generator.type.value) → "
                + RequestSchema.differentiallyPrivateGenerators.sorted().joined(separator: " or "))
    }

    /// One of the ε and δ caps (`epsilon_max`, `delta_max`): a stated value must not pass it
    /// (`above` says whether it does, compared as the caller compares numbers), and a private run
    /// (`mustState`) must state one. Numbers are shown as written (`3.0 → ≤ 1.0`).
    mutating func checkCap(
        _ cap: Located<Decimal>, value: Located<Decimal>?, above: Bool, field: String, control: String,
        code: DiagnosticCode, mustState: Bool, prefix: String, generator: SourceLocation
    ) {
        if let value {
            guard above else { return }
            deny(
                prefix + "differential_privacy." + control, code, .hardMandatory,
                "generator.\(field) \(value.text) is above this tier's cap \(cap.text)",
                request: value.location, policy: cap.location,
                remedy: "generator.\(field) \(value.text) → ≤ \(cap.text)")
        } else if mustState {
            deny(
                prefix + "differential_privacy." + control, code, .hardMandatory,
                "the request states no generator.\(field) and this tier caps it at \(cap.text)",
                request: generator, policy: cap.location,
                remedy: "add generator.\(field) ≤ \(cap.text)")
        }
    }

    /// The tier's `expiry.max`: the request must state an expiry after `now` and at most `max` away.
    mutating func check(
        expiresAt: Located<CalendarDate>?, max: Located<CalendarDuration>, now: CalendarDate, prefix: String,
        requestLocation: SourceLocation
    ) {
        let latest = now.adding(days: max.value.days) ?? now
        guard let expiresAt else {
            deny(
                prefix + "expiry.max", .decisionExpiry, .hardMandatory,
                "the request states no expires_at and this tier allows at most \(max.value)",
                request: requestLocation, policy: max.location, remedy: "add expires_at ≤ \(latest)")
            return
        }
        if expiresAt.value <= now {
            deny(
                prefix + "expiry.max", .decisionExpiry, .hardMandatory,
                "expires_at \(expiresAt.value) is not after \(now)", request: expiresAt.location, policy: max.location,
                remedy: "expires_at \(expiresAt.value) → after \(now) and ≤ \(latest)")
        } else if expiresAt.value > latest {
            deny(
                prefix + "expiry.max", .decisionExpiry, .hardMandatory,
                "expires_at \(expiresAt.value) is \(now.days(until: expiresAt.value)) days away; this tier allows at most \(max.value)",
                request: expiresAt.location, policy: max.location,
                remedy: "expires_at \(expiresAt.value) → ≤ \(latest)")
        }
    }

    /// Makes approvals that count be settled with separation of duties when some person's count
    /// in two roles: the roles required are then collected and settled together by
    /// ``settleApprovals()``, because one person fills one role only. Otherwise (the common case)
    /// each requirement is settled as it is made, by whether its role has an approval that counts.
    mutating func separateDuties(_ verdicts: [ApprovalValidator.Verdict]) {
        if ApproverAssignment.someoneApprovesTwice(verdicts) { sharedApprovers = verdicts }
    }

    /// Requires an approval by a member of `role`, once per role; `approved` says whether an
    /// approval in it counts.
    mutating func requireRole(_ role: Located<String>, source: String, approved: Bool) {
        guard sharedApprovers == nil else {
            for case .role(let required, _) in requirements where required.value == role.value { return }
            requirements.append(.role(role, source: source))
            return
        }
        guard !approved else { return }
        addMissing(role, source: source, approversElsewhere: [])
    }

    /// Requires the `any_of` quorum of `control`, of which `have` distinct roles have an approval
    /// that counts.
    mutating func requireQuorum(of control: ApprovalControl, have: Int) {
        guard control.effectiveQuorum > 0 else { return }
        guard sharedApprovers == nil else {
            requirements.append(.quorum(control))
            return
        }
        addMissing(control, have: have)
    }

    /// Settles the requirements collected when some person's approvals count in two roles: a
    /// required role is filled when some member approved in it who fills no other role; the
    /// quorum counts the distinct roles of `any_of` so filled (a role both required and in
    /// `any_of` counts with the same approver). Required roles are filled first, then the
    /// quorum's, by ``ApproverAssignment``; what stays unfilled is missing, in the order required.
    mutating func settleApprovals() {
        guard let verdicts = sharedApprovers, !requirements.isEmpty else { return }
        var roles: [String] = []
        var quorumRoles: [String] = []
        for requirement in requirements {
            switch requirement {
            case .role(let role, _): roles.append(role.value)
            case .quorum(let control):
                for role in control.anyOf where !roles.contains(role.value) && !quorumRoles.contains(role.value) {
                    quorumRoles.append(role.value)
                }
            }
        }
        let assignment = ApproverAssignment(roles: roles + quorumRoles, verdicts: verdicts)
        for requirement in requirements {
            switch requirement {
            case .role(let role, let source):
                guard assignment.approver(of: role.value) == nil else { continue }
                addMissing(role, source: source, approversElsewhere: assignment.approversElsewhere(of: role.value))
            case .quorum(let control):
                var names: [String] = []
                for role in control.anyOf where !names.contains(role.value) { names.append(role.value) }
                addMissing(control, have: names.count { assignment.approver(of: $0) != nil })
            }
        }
    }

    /// An approval by a member of `role` is missing (said once per role); `approversElsewhere`
    /// approved in it but fill other roles.
    private mutating func addMissing(_ role: Located<String>, source: String, approversElsewhere: [String]) {
        guard !missing.contains(where: { $0.roles.count == 1 && $0.roles[0] == role.value }) else { return }
        let separation =
            approversElsewhere.isEmpty
            ? "" : " and other than " + approversElsewhere.joined(separator: ", ") + " (who fill other roles)"
        missing.append(
            Decision.MissingApproval(
                roles: [role.value], count: 1, source: source, policyLocation: role.location,
                remedy: "an approval by a member of \(role.value) other than the requester" + separation + planSuffix))
    }

    /// The quorum of `control` is missing approvals when fewer than it of its roles, `have`, are filled.
    private mutating func addMissing(_ control: ApprovalControl, have: Int) {
        let quorum = control.effectiveQuorum
        guard have < quorum else { return }
        let roles = control.anyOf.map(\.value)
        missing.append(
            Decision.MissingApproval(
                roles: roles, count: quorum - have, source: "approvals.any_of", policyLocation: control.location,
                remedy:
                    "\(quorum - have) more approval\(quorum - have == 1 ? "" : "s") by members of distinct roles of "
                    + roles.joined(separator: ", ") + " other than the requester, each by a different person"
                    + planSuffix))
    }
}
