import ArgumentParser
import CharterCore
import CharterPlan
import CharterPolicy
import CharterWorkflow

/// `charter run REQUEST`: plan and apply in one step.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Plan a request and run it: generate, check privacy and utility, certify, publish.",
        discussion: """
            Decides the request, compiles its plan (as charter plan does) and, when the plan is ready, runs it \
            (as charter apply does). A denied request stops before any data is read; a request still waiting \
            for approvals stops and says which, with the plan digest to bind them to. A differentially private \
            run reserves its budget first and commits it once the generator ran: a later gate failure does not \
            give it back. A gate failure publishes nothing and says which check missed by how much. A published \
            run writes the synthetic CSV, the signed certificate, report.json and report.html, records the \
            certificate in the catalogue and verifies it.
            The registry (.charter/registry.sqlite) and the signing key (.charter/signing-key) are created \
            when missing.
            Exit codes: 0 published and verified, 1 denied, refused or a gate failed, 2 usage error or \
            unreadable input, 3 approvals pending.
            """
    )

    @Argument(help: "The request manifest.")
    var request: String

    @Option(name: .long, help: "The policy directory or file.")
    var policy: String = "policies"

    @OptionGroup var options: EngineOptions

    func run() throws {
        let instant = try options.instant()
        let outcome = Planning.plan(
            requestFile: request, policyPath: policy, registry: options.registryLocation,
            instant: instant, store: FileSystemInputStore(),
            policySigners: try CommandLineContext.policySigners(options.requireSignedPolicy))
        switch outcome {
        case .failed(let diagnostics, let sources):
            try options.report(diagnostics, sources: sources, files: [request, policy], command: "run")
            throw ExitStatus.usageError.exitCode
        case .denied(let decision, let inputs):
            if options.format == .json {
                Terminal.write(try decision.json.pretty())
            } else {
                Terminal.write(DecisionTextRenderer().summary(decision, file: request))
                Terminal.write(
                    "Denied: nothing was read from \(inputs.request.source.path.value) and no budget was touched.\n")
            }
            throw ExitStatus.denied.exitCode
        case .planned(let plan, let inputs):
            guard plan.isReady else {
                if options.format == .json {
                    Terminal.write(try plan.json.pretty())
                } else {
                    Terminal.write(PlanTextRenderer.render(plan))
                    Terminal.write(
                        "Pending: the plan needs the approvals above, bound to plan: \(plan.digest); nothing was read or spent.\n"
                    )
                }
                throw ExitStatus.pending.exitCode
            }
            let prelude =
                ["Plan \(plan.digest) for \(plan.request.id): tier \(plan.policy.tier), ready"]
                + inputs.notes.map { "note: \($0)" }
                + plan.warnings.map { "\($0.severity.rawValue): \($0.message)" }
            try options.execute(plan: plan, inputs: inputs, at: instant, prelude: prelude)
        }
    }
}
