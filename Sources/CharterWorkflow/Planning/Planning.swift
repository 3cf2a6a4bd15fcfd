public import CharterTrust
public import CharterCore
public import CharterPlan
public import CharterPolicy

/// What planning a request came to.
public enum PlanOutcome: Sendable {
    /// The inputs could not be read, or no plan could be compiled: diagnostics and the texts they
    /// point into.
    case failed(diagnostics: [Diagnostic], sources: [String: String])
    /// The request is denied: no plan is made.
    case denied(Decision, PlanInputs)
    /// The plan, ready to apply or waiting for approvals (``Plan/isReady``).
    case planned(Plan, PlanInputs)
}

/// `plan` (and the planning step of `run`): a request decided and compiled into the plan the
/// engine would run. Reads the request, the policies, the registry's ledger (read-only) and, when
/// the request declares no sha256, the source's bytes to pin them; writes nothing.
public enum Planning {
    /// Plans `requestFile` against the policy set at `policyPath` and the ledger in `registry`,
    /// deciding on `instant`'s date and reading the ledger at `instant`.
    public static func plan(
        requestFile: String, policyPath: String, registry: RegistryLocation, instant: ActingInstant,
        store: any InputStore,
        policySigners: AllowedSigners? = nil
    ) -> PlanOutcome {
        let inputs: PlanInputs
        do throws(PlanInputs.Failure) {
            inputs = try PlanInputs.load(
                requestFile: requestFile, policyPath: policyPath, registry: registry, at: instant.timestamp,
                store: store, policySigners: policySigners)
        } catch {
            return .failed(diagnostics: error.diagnostics, sources: error.sources)
        }
        var plan: Plan
        do throws(PlanCompileError) {
            var compiler = PlanCompiler(policy: inputs.policy)
            compiler.externalTool = inputs.externalTool
            plan = try compiler.compile(
                request: inputs.request, ledger: inputs.ledger, policyDigest: inputs.policyDigest,
                sourceDigest: inputs.sourceDigest
            ) { inputs.decide(now: instant.date, planDigest: $0) }
        } catch {
            guard case .denied = error else {
                return .failed(
                    diagnostics: [.error(.planNotCompiled, error.description, at: .file(requestFile))],
                    sources: inputs.sources)
            }
            return .denied(inputs.decide(now: instant.date, planDigest: nil), inputs)
        }
        plan.files = PlanFiles(request: requestFile, policy: policyPath)
        return .planned(plan, inputs)
    }
}
