import ArgumentParser
import CharterCore
import CharterPolicy
import CharterWorkflow
import Foundation

/// `charter check REQUEST...`: decides each request against the policy set.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Decide generation requests against the policy set.",
        discussion: "Exit codes: 0 every request allowed, 1 any denied, 3 only approvals missing, 2 unreadable input."
    )

    @Argument(help: "Request files or directories.")
    var requests: [String]

    @OptionGroup var decision: DecisionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard !requests.isEmpty else { throw ValidationError("name at least one request file") }
    }

    func run() throws {
        let now = try decision.date()
        let selection = PolicySelection(path: decision.policy, in: FileSystemInputStore())
        var sources = selection.sources
        guard let policy = selection.policy else {
            try output.emit(
                DiagnosticReport(
                    tool: .charter, command: "check", files: [], diagnostics: selection.diagnostics, sources: sources))
            throw ExitStatus.usageError.exitCode
        }
        let ledger = try decision.ledger(now: now, output: output, command: "check")
        let inputs = InputFileSet(paths: requests, extensions: ["yaml", "yml"], in: FileSystemInputStore())
        var results =
            inputs.problems.isEmpty ? [] : [DecidedRequest(file: "", diagnostics: inputs.problems, unreadable: true)]
        for file in inputs.files {
            results.append(
                decision.decide(
                    file: file, policy: policy, now: now, tracing: false, ledger: ledger, sources: &sources))
        }
        switch output.format {
        case .json:
            Terminal.write(try decisionsJSON(results).pretty())
        case .text:
            let renderer = DecisionTextRenderer()
            for result in results {
                for decided in result.decisions { Terminal.write(renderer.summary(decided, file: result.file)) }
            }
            let errors = results.flatMap(\.diagnostics)
            if !errors.isEmpty {
                try output.emit(
                    DiagnosticReport(
                        tool: .charter, command: "check", files: inputs.files, diagnostics: errors, sources: sources))
            }
        default:
            let diagnostics = results.flatMap { $0.diagnostics + $0.decisions.flatMap(\.diagnostics) }
            try output.emit(
                DiagnosticReport(
                    tool: .charter, command: "check", files: inputs.files, diagnostics: diagnostics, sources: sources))
        }
        let status = exitStatus(results)
        if status != .clean { throw status.exitCode }
    }
}

/// `charter explain REQUEST`: the decision with every condition's trace and the fix for each violation.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain the decision on one request: every condition's values and the smallest fixes."
    )

    @Argument(help: "The request file.")
    var request: String

    @OptionGroup var decision: DecisionOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let now = try decision.date()
        let selection = PolicySelection(path: decision.policy, in: FileSystemInputStore())
        var sources = selection.sources
        guard let policy = selection.policy else {
            try output.emit(
                DiagnosticReport(
                    tool: .charter, command: "explain", files: [], diagnostics: selection.diagnostics, sources: sources)
            )
            throw ExitStatus.usageError.exitCode
        }
        let ledger = try decision.ledger(now: now, output: output, command: "explain")
        let result = decision.decide(
            file: request, policy: policy, now: now, tracing: true, ledger: ledger, sources: &sources)
        switch output.format {
        case .json:
            Terminal.write(try decisionsJSON([result]).pretty())
        case .text:
            for decided in result.decisions {
                Terminal.write(DecisionTextRenderer().explanation(decided, file: request))
            }
            if !result.diagnostics.isEmpty {
                try output.emit(
                    DiagnosticReport(
                        tool: .charter, command: "explain", files: [request], diagnostics: result.diagnostics,
                        sources: sources))
            }
        default:
            try output.emit(
                DiagnosticReport(
                    tool: .charter, command: "explain", files: [request],
                    diagnostics: result.diagnostics + result.decisions.flatMap(\.diagnostics), sources: sources))
        }
        let status = exitStatus([result])
        if status != .clean { throw status.exitCode }
    }
}
