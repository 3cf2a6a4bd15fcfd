import ArgumentParser
import CharterCore
import CharterPolicy
import CharterWorkflow

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
        let decided = try decision.decide([request], expand: false, tracing: true)
        try DecisionRendering(output: output, command: "explain").emit(decided) { renderer, result, decision in
            renderer.explanation(decision, file: result.file)
        }
        try decided.status.exitUnlessClean()
    }
}
