import ArgumentParser
import CharterCore
import CharterEngine
import CharterPlan
import CharterPolicy
import CharterWorkflow
import Foundation

/// `charter apply plan.json`: runs a saved plan, exactly as made, if nothing it was made from changed.
struct ApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Run a saved plan, refusing it if its policy, request, source or ledger changed.",
        discussion: """
            Reads the plan written by charter plan -o, recomputes the digests of the policy set, the request, \
            the source file and the source's ledger state, and refuses (exit 1, naming each change) when one \
            differs from the plan's, or when the plan file itself was edited. Approvals are checked again, bound \
            to the plan's digest. Then the stages run as planned (see charter run).
            Exit codes: 0 published and verified, 1 refused, denied or a gate failed, 2 usage error or \
            unreadable input, 3 approvals pending.
            """
    )

    @Argument(help: "The plan's JSON (charter plan REQUEST -o plan.json).")
    var plan: String

    @Option(name: .long, help: "The request file (default: the one the plan names).")
    var request: String?

    @Option(name: .long, help: "The policy directory or file (default: the one the plan names).")
    var policy: String?

    @OptionGroup var options: EngineOptions

    func run() throws {
        let instant = try options.instant()
        let store = FileSystemInputStore()
        guard let bytes = store.contents(of: plan) else {
            throw options.fail(EngineError(.unreadable, stage: "plan", "cannot read the plan \"\(plan)\""), plan: nil)
        }
        let check = Applying.check(
            planBytes: bytes, requestFile: request, policyPath: policy, registry: options.registryLocation,
            instant: instant, store: store, planFile: plan,
            policySigners: try CommandLineContext.policySigners(options.requireSignedPolicy))
        switch check {
        case .unreadablePlan(let message):
            throw options.fail(EngineError(.unreadable, stage: "plan", message), plan: nil)
        case .unreadableInputs(let diagnostics, let sources, let files):
            try options.report(diagnostics, sources: sources, files: files, command: "apply")
            throw ExitStatus.usageError.exitCode
        case .drifted(let saved, let drift):
            if options.format == .json {
                let value: JSONValue = [
                    "outcome": "refused", "plan_digest": .string(saved.digest),
                    "changes": .array(drift.messages.map(JSONValue.string)),
                ]
                Terminal.write(try value.pretty())
            } else {
                Terminal.writeError(
                    "error: refusing to apply \(plan): the plan no longer matches its inputs\n"
                        + drift.messages.map { "  - \($0)\n" }.joined()
                        + "help: make a new plan with charter plan \(request ?? saved.files?.request ?? "REQUEST")\n")
            }
            throw ExitStatus.denied.exitCode
        case .denied(let saved, let decision):
            if options.format == .json {
                Terminal.write(try decision.json.pretty())
            } else {
                Terminal.write(DecisionTextRenderer().summary(decision, file: request ?? saved.files?.request ?? ""))
            }
            throw ExitStatus.denied.exitCode
        case .pending(let saved):
            if options.format == .json {
                Terminal.write(try saved.json.pretty())
            } else {
                Terminal.write(PlanTextRenderer.render(saved))
                Terminal.write("Pending: the plan needs the approvals above, bound to plan: \(saved.digest).\n")
            }
            throw ExitStatus.pending.exitCode
        case .ready(let saved, let inputs):
            try options.execute(
                plan: saved, inputs: inputs, at: instant,
                prelude: ["Applying plan \(saved.digest) for \(saved.request.id): inputs unchanged, approvals in"])
        }
    }
}
