import CharterCore
public import CharterPolicy

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// Compiles a decided request into a ``Plan`` (DESIGN §2, §6): pure, no I/O.
///
/// The stages are fixed in order: verify the source, split off a holdout, generate, the privacy,
/// utility and fairness gates, certify, publish. Each gate's thresholds are the strictest of the
/// tier's controls and the `require` controls of every mandatory rule that applied. Seeds the
/// request does not state are derived from its digest, so the same inputs always give the same
/// plan. A denied decision does not compile; a pending one compiles, and its ``ApprovalStatus``
/// says which approvals are missing, to be bound to the plan's digest.
public struct PlanCompiler: Sendable {
    /// The policy the decision was made with.
    public let policy: Policy
    /// The share of real rows held out from the generator, for TSTR, membership inference and DCR.
    public var holdoutFraction: Decimal = Decimal(2) / Decimal(10)
    /// The files an `external` generator's command runs, with their digests as read by the caller
    /// (CharterSynth's `ExternalTool`); pinned in the generate stage. `nil` for another generator,
    /// or when the tool cannot be read (the plan then warns, and the engine refuses to run it).
    public var externalTool: [PinnedToolFile]?

    /// A compiler for one policy.
    public init(policy: Policy) {
        self.policy = policy
    }

    /// Compiles, then decides again with the plan's digest so that only approvals bound to this
    /// plan count, and records the approval status that gives.
    ///
    /// - Parameters:
    ///   - request: the request.
    ///   - ledger: the source's ledger state.
    ///   - policyDigest: ``InputDigests/policySet(_:)`` of the policy files.
    ///   - sourceDigest: the source file's digest: the request's declared one, or one observed.
    ///   - decide: decides the request, with approvals bound to the plan digest given (or unchecked
    ///     for `nil`); typically `DecisionEvaluator.decide(_:now:planDigest:)`.
    /// - Throws: ``PlanCompileError/denied(requestID:violations:)`` when the request is denied
    ///   whatever its approvals are bound to.
    public func compile(
        request: GenerationRequest, ledger: LedgerState, policyDigest: String, sourceDigest: String?,
        decide: (_ planDigest: String?) -> Decision
    ) throws(PlanCompileError) -> Plan {
        var plan = try compile(
            request: request, decision: decide(nil), ledger: ledger, policyDigest: policyDigest,
            sourceDigest: sourceDigest)
        let bound = decide(plan.digest)
        let hard = bound.violations.filter { $0.enforcement != .softMandatory }
        if bound.outcome == .deny, !hard.isEmpty {
            throw .denied(requestID: request.id.value, violations: hard)
        }
        plan.approvals = Self.approvalStatus(for: bound, policy: policy)
        return plan
    }

    /// Compiles one decision. The approval status is the decision's own: decided without a plan
    /// digest it does not check binding (see the other `compile`).
    public func compile(
        request: GenerationRequest, decision: Decision, ledger: LedgerState, policyDigest: String,
        sourceDigest: String?
    ) throws(PlanCompileError) -> Plan {
        guard decision.outcome != .deny else {
            throw .denied(requestID: request.id.value, violations: decision.violations)
        }
        guard decision.requestID == request.id.value else { throw .mismatchedDecision("request") }
        guard decision.policy == policy.name.value else { throw .mismatchedDecision("policy") }
        guard let tierName = decision.tier?.value, let tier = policy.tier(named: tierName) else {
            throw .unknownTier(decision.tier?.value)
        }
        guard ledger.source == request.source.dataset.value else {
            throw .mismatchedLedger(request: request.source.dataset.value, ledger: ledger.source)
        }
        let controls = EffectiveControls(tier: tier, policy: policy, decision: decision)
        let requestDigest = InputDigests.request(request)
        let draft = PlanDraft(
            request: request, controls: controls, policy: policy, requestDigest: requestDigest,
            holdoutFraction: holdoutFraction, ledger: ledger, sourceDigest: sourceDigest, tool: externalTool)
        return Plan(
            request: RequestSummary(
                id: request.id.value, ticket: request.ticket?.value, requester: request.requester.value),
            policy: PolicySummary(name: policy.name.value, version: policy.version?.value, tier: tierName),
            inputs: PlanDigests(
                policy: policyDigest, request: requestDigest, source: sourceDigest, ledger: ledger.digest),
            stages: draft.stages, budget: draft.budget, warnings: draft.warnings,
            approvals: Self.approvalStatus(for: decision, policy: policy))
    }

    /// What a decision says about approvals: those missing, soft-mandatory rules awaiting an
    /// override, and the attached approvals that do not count.
    public static func approvalStatus(for decision: Decision, policy: Policy) -> ApprovalStatus {
        var needed = decision.missingApprovals.map {
            ApprovalStatus.Needed(roles: $0.roles, count: $0.count, source: $0.source, isOverride: false)
        }
        for violation in decision.violations where violation.enforcement == .softMandatory {
            let role = policy.rules.first { $0.id.value == violation.id }?.overrideBy?.value
            needed.append(
                ApprovalStatus.Needed(roles: role.map { [$0] } ?? [], count: 1, source: violation.id, isOverride: true))
        }
        let rejected = decision.approvals.compactMap { verdict -> ApprovalStatus.Rejected? in
            guard let rejection = verdict.rejection else { return nil }
            return ApprovalStatus.Rejected(
                role: verdict.approval.role.value, by: verdict.approval.by.value, reason: verdict.reason ?? rejection.rawValue)
        }
        let ready = decision.outcome == .allow && needed.isEmpty
        return ApprovalStatus(state: ready ? .ready : .pending, needed: needed, rejected: rejected)
    }
}
