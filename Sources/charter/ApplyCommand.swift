import ArgumentParser
import CharterCore
import CharterEngine
import CharterPlan
import CharterPolicy
import CharterRegistry
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
        guard let data = FileManager.default.contents(atPath: plan) else {
            options.fail(.unreadable, "plan", "cannot read the plan \"\(plan)\"", notes: [])
        }
        var saved: Plan
        do throws(PlanDecodingError) {
            saved = try Plan(jsonText: String(decoding: data, as: UTF8.self))
        } catch {
            options.fail(.unreadable, "plan", "\"\(plan)\" is not a plan: \(error)", notes: [])
        }
        guard let requestFile = request ?? saved.files?.request, let policyPath = policy ?? saved.files?.policy else {
            options.fail(
                .unreadable, "plan", "the plan does not name its request and policy files; give --request and --policy",
                notes: [])
        }
        let inputs: PlanInputs
        do throws(PlanInputs.Failure) {
            inputs = try PlanInputs.load(
                requestFile: requestFile, policyPath: policyPath, registryPath: options.registryPath,
                at: options.instant)
        } catch {
            try Self.report(
                error.diagnostics, sources: error.sources, files: [requestFile, policyPath], options: options)
            throw ExitStatus.usageError.exitCode
        }
        // The source as it is now, not as the request declares it: a replaced file is drift.
        var current = inputs.digests
        if let bytes = FileManager.default.contents(atPath: inputs.request.source.path.value) {
            current.source = ContentDigest.sha256([UInt8](bytes))
        }
        let drift = PlanDrift(plan: saved, current: current)
        guard drift.isEmpty else {
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
                        + "help: make a new plan with charter plan \(requestFile)\n")
            }
            throw ExitStatus.denied.exitCode
        }
        let decision = inputs.decide(now: options.date, planDigest: saved.digest)
        saved.approvals = PlanCompiler.approvalStatus(for: decision, policy: inputs.policy)
        if decision.outcome == .deny, decision.violations.contains(where: { $0.enforcement != .softMandatory }) {
            if options.format == .json {
                Terminal.write(try decision.json.pretty())
            } else {
                Terminal.write(DecisionTextRenderer().summary(decision, file: requestFile))
            }
            throw ExitStatus.denied.exitCode
        }
        guard saved.isReady else {
            if options.format == .json {
                Terminal.write(try saved.json.pretty())
            } else {
                Terminal.write(PlanTextRenderer.render(saved))
                Terminal.write("Pending: the plan needs the approvals above, bound to plan: \(saved.digest).\n")
            }
            throw ExitStatus.pending.exitCode
        }
        try options.execute(
            plan: saved, request: inputs.request,
            prelude: ["Applying plan \(saved.digest) for \(saved.request.id): inputs unchanged, approvals in"])
    }

    /// Prints diagnostics about unreadable inputs.
    static func report(_ diagnostics: [Diagnostic], sources: [String: String], files: [String], options: EngineOptions)
        throws
    {
        let report = DiagnosticReport(
            tool: .charter, command: "apply", files: files, diagnostics: diagnostics, sources: sources)
        if options.format == .json {
            Terminal.write(try report.rendered(as: .json, colors: false))
        } else {
            Terminal.writeError(try report.rendered(as: .text, colors: false))
        }
    }
}
