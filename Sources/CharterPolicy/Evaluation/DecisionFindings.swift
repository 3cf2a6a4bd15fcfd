internal import CharterCore

/// What a decision in progress has found — denying violations, advisory warnings and missing
/// approvals — and the checks whose wording both evaluation paths share (the interpreter,
/// ``DecisionEvaluator``, and the compiled ``DecisionProgram``), so that the two cannot drift apart.
struct DecisionFindings {
    /// The plan digest approvals must be bound to, named in the remedies.
    let planDigest: String?
    var violations: [Decision.Violation] = []
    var warnings: [Decision.Violation] = []
    var missing: [Decision.MissingApproval] = []

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

    /// An approval by a member of `role` is needed unless `approved`; asked for once per role.
    mutating func requireRole(_ role: Located<String>, source: String, approved: Bool) {
        guard !approved else { return }
        guard !missing.contains(where: { $0.roles.count == 1 && $0.roles[0] == role.value }) else { return }
        missing.append(
            Decision.MissingApproval(
                roles: [role.value], count: 1, source: source, policyLocation: role.location,
                remedy: "an approval by a member of \(role.value) other than the requester" + planSuffix))
    }

    /// The `any_of` quorum of `control`, of which `have` distinct roles have approved.
    mutating func requireQuorum(of control: ApprovalControl, have: Int) {
        let quorum = control.effectiveQuorum
        guard quorum > 0, have < quorum else { return }
        let roles = control.anyOf.map(\.value)
        missing.append(
            Decision.MissingApproval(
                roles: roles, count: quorum - have, source: "approvals.any_of", policyLocation: control.location,
                remedy:
                    "\(quorum - have) more approval\(quorum - have == 1 ? "" : "s") by members of distinct roles of "
                    + roles.joined(separator: ", ") + " other than the requester" + planSuffix))
    }
}
