import ArgumentParser
import CharterCore
import CharterPlan
import CharterPolicy
import CharterRegistry
import CharterWorkflow
import Foundation

/// `charter plan REQUEST`: what a request would do, before anything runs.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show the plan a request compiles to: stages, parameters, thresholds, warnings, digests.",
        discussion: """
            Decides the request against the policy set, then compiles the stages the engine would run: \
            verify the source, split off a holdout, generate, the privacy, utility and fairness gates, \
            certify, publish. Nothing is read but the request, the policies, the registry's ledger and, \
            when the request declares no sha256, the source file's bytes (to pin them). The same inputs \
            give the same plan, byte for byte.
            Approvals count only when bound to the plan's digest (plan: sha256:… in the request); the \
            digest leaves out the approvals, so binding them does not change it. With -o the plan's JSON \
            is written for charter apply, which refuses it if the policy, request, source or ledger changed.
            Exit codes: 0 plan ready to apply, 3 plan made but approvals pending, 1 denied (no plan \
            written), 2 usage error or unreadable input.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text
        case json
        case mermaid
    }

    @Argument(help: "The request manifest.")
    var request: String

    @Option(name: .long, help: "The policy directory or file.")
    var policy: String = "policies"

    @Option(name: .long, help: CommandLineContext.nowHelp)
    var now: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The registry whose ledger the budget is read from (default: $CHARTER_REGISTRY, else \(SQLiteRegistry.defaultPath)).",
            valueName: "path"))
    var registry: String?

    @Option(
        name: [.customShort("o"), .long], help: ArgumentHelp("Write the plan's JSON to this file.", valueName: "file"))
    var output: String?

    @Option(name: .long, help: CommandLineContext.policySignersHelp)
    var requireSignedPolicy: String?

    @Option(help: "What to print: text, json, mermaid.")
    var format: Format = .text

    func validate() throws {
        try CommandLineContext.validate(now: now)
    }

    func run() throws {
        let outcome = Planning.plan(
            requestFile: request, policyPath: policy, registry: CommandLineContext.registry(registry),
            instant: try CommandLineContext.instant(now), store: FileSystemInputStore(),
            policySigners: try CommandLineContext.policySigners(requireSignedPolicy))
        switch outcome {
        case .failed(let diagnostics, let sources):
            let report = DiagnosticReport(
                tool: .charter, command: "plan", files: [request, policy], diagnostics: diagnostics, sources: sources)
            if format == .json {
                Terminal.write(try report.rendered(as: .json, colors: false))
            } else {
                Terminal.writeError(try report.rendered(as: .text, colors: false))
            }
            throw ExitStatus.usageError.exitCode
        case .denied(let decision, let inputs):
            switch format {
            case .json: Terminal.write(try decision.json.pretty())
            default: Terminal.write(DecisionTextRenderer().summary(decision, file: request))
            }
            Terminal.writeError("error: request \(inputs.request.id.value) is denied; no plan made\n")
            throw ExitStatus.denied.exitCode
        case .planned(let plan, let inputs):
            // The recommendation is a note beside the plan, never part of it (the digest is unchanged).
            let recommendation = Recommending(
                file: request, policyPath: policy, date: try CommandLineContext.instant(now).date,
                in: FileSystemInputStore())
            try show(plan, notes: inputs.notes + [recommendation.planNote].compactMap { $0 })
            if !plan.isReady { throw ExitStatus.pending.exitCode }
        }
    }

    /// Writes the plan to `-o` and prints it in the chosen format.
    private func show(_ plan: Plan, notes: [String]) throws {
        if let output {
            do {
                try AtomicFile.write(try plan.json.pretty(), to: output)
            } catch {
                Terminal.writeError("error: cannot write the plan to \"\(output)\": \(error.localizedDescription)\n")
                throw ExitStatus.usageError.exitCode
            }
        }
        switch format {
        case .text:
            Terminal.write(PlanTextRenderer.render(plan))
            for note in notes { Terminal.write("note: \(note)\n") }
            if let output { Terminal.write("Saved the plan to \(output).\n") }
        case .json:
            Terminal.write(try plan.json.pretty())
            for note in notes { Terminal.writeError("note: \(note)\n") }
        case .mermaid:
            Terminal.write(PlanMermaidRenderer.render(plan))
            for note in notes { Terminal.writeError("note: \(note)\n") }
        }
    }
}

/// Writing a file whole or not at all.
enum AtomicFile {
    /// Writes `text` to a temporary file beside `path`, then renames it: never a partial file.
    static func write(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(
            ".\(url.lastPathComponent).\(getpid()).tmp")
        try Data(text.utf8).write(to: temporary)
        // rename(2) replaces an existing file atomically.
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: reason])
        }
    }
}
