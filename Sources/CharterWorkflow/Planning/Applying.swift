public import CharterTrust
public import CharterCore
public import CharterPlan
public import CharterPolicy

/// What a saved plan came to when it was checked against its inputs as they are now.
public enum ApplyCheck: Sendable {
    /// The plan file cannot be read or is not a plan: what is wrong, in one line.
    case unreadablePlan(String)
    /// The plan's inputs (the request and policy files named) cannot be read.
    case unreadableInputs(diagnostics: [Diagnostic], sources: [String: String], files: [String])
    /// A policy, the request, the source or the ledger changed since the plan was made (or the plan
    /// was edited): each change.
    case drifted(Plan, PlanDrift)
    /// The request is denied now (a hard deny, or a soft one nobody overrode).
    case denied(Plan, Decision)
    /// The plan still needs approvals bound to its digest.
    case pending(Plan)
    /// Inputs unchanged and approvals in: the plan, with its approvals, and the inputs to run it on.
    case ready(Plan, PlanInputs)
}

/// `apply` (before the engine runs): a saved plan checked against its inputs as they are now and
/// its approvals checked again, bound to its digest.
public enum Applying {
    /// Checks the plan in `planBytes` (read from `planFile`).
    ///
    /// - Parameters:
    ///   - requestFile: the request, else the one the plan names.
    ///   - policyPath: the policy set, else the one the plan names.
    ///   - registry: the registry whose ledger state the plan pinned.
    ///   - instant: the decision date and the instant the ledger is read at.
    ///   - store: where the request, policies and source are read.
    ///   - policySigners: who may sign the policy set; with them, an unsigned or altered set is refused.
    public static func check(
        planBytes: [UInt8], requestFile: String?, policyPath: String?, registry: RegistryLocation,
        instant: ActingInstant,
        store: any InputStore, planFile: String, policySigners: AllowedSigners? = nil
    ) -> ApplyCheck {
        var saved: Plan
        do throws(PlanDecodingError) {
            saved = try Plan(jsonText: String(decoding: planBytes, as: UTF8.self))
        } catch {
            return .unreadablePlan("\"\(planFile)\" is not a plan: \(error)")
        }
        guard let requestFile = requestFile ?? saved.files?.request, let policyPath = policyPath ?? saved.files?.policy
        else {
            return .unreadablePlan("the plan does not name its request and policy files; give --request and --policy")
        }
        let inputs: PlanInputs
        do throws(PlanInputs.Failure) {
            inputs = try PlanInputs.load(
                requestFile: requestFile, policyPath: policyPath, registry: registry, at: instant.timestamp,
                store: store, policySigners: policySigners)
        } catch {
            return .unreadableInputs(
                diagnostics: error.diagnostics, sources: error.sources, files: [requestFile, policyPath])
        }
        // The source as it is now, not as the request declares it: a replaced file is drift.
        var current = inputs.digests
        if let bytes = store.contents(of: inputs.request.source.path.value) {
            current.source = ContentDigest.sha256(bytes)
        }
        var drift = PlanDrift(plan: saved, current: current)
        if case .generate(let generate)? = saved.stage(.generate), generate.generator == "external" {
            drift.toolChanges = PinnedToolFile.changes(planned: generate.tool, current: inputs.externalTool)
        }
        guard drift.isEmpty else { return .drifted(saved, drift) }
        let decision = inputs.decide(now: instant.date, planDigest: saved.digest)
        saved.approvals = PlanCompiler.approvalStatus(for: decision, policy: inputs.policy)
        if decision.outcome == .deny, decision.violations.contains(where: { $0.enforcement != .softMandatory }) {
            return .denied(saved, decision)
        }
        guard saved.isReady else { return .pending(saved) }
        return .ready(saved, inputs)
    }
}
