import ArgumentParser
import CharterCore
import CharterPolicy
import CharterWorkflow

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
        let decided = try decision.decide(requests, expand: true, tracing: false)
        try DecisionRendering(output: output, command: "check").emit(decided) { renderer, result, decision in
            renderer.summary(decision, file: result.file)
        }
        try decided.status.exitUnlessClean()
    }
}
