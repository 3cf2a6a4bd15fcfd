import CharterCore
import CharterPolicy
import CharterWorkflow

/// How `check` and `explain` print decisions: JSON as one document, text as one block per
/// decision then the errors, the other formats as a diagnostic report.
struct DecisionRendering {
    var output: OutputOptions
    var command: String

    /// Prints `decided`; `text` renders one decision.
    func emit(
        _ decided: Deciding, text: (DecisionTextRenderer, DecidedRequest, Decision) -> String
    ) throws {
        if let failure = decided.failure {
            try output.emit(report(failure, decided))
            return
        }
        switch output.format {
        case .json:
            Terminal.write(try decided.json.pretty())
        case .text:
            let renderer = DecisionTextRenderer()
            for result in decided.results {
                for decision in result.decisions { Terminal.write(text(renderer, result, decision)) }
            }
            let errors = decided.diagnostics(includingDecisions: false)
            if !errors.isEmpty { try output.emit(report(errors, decided)) }
        default:
            try output.emit(report(decided.diagnostics(includingDecisions: true), decided))
        }
    }

    private func report(_ diagnostics: [Diagnostic], _ decided: Deciding) -> DiagnosticReport {
        DiagnosticReport(
            tool: .charter, command: command, files: decided.failure == nil ? decided.files : [],
            diagnostics: diagnostics, sources: decided.sources)
    }
}
