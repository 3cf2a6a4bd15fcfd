import CharterCore
import CharterRegistry
import CharterWorkflow
import Foundation

/// Reporting for registry commands: results in the chosen format, failures as diagnostics.
struct RegistryReporter {
    var output: OutputOptions
    var path: String
    var command: String

    /// A report about the registry file with these findings.
    func report(_ diagnostics: [Diagnostic]) -> DiagnosticReport {
        DiagnosticReport(tool: .charter, command: command, files: [path], diagnostics: diagnostics)
    }

    /// Prints a finished result: `text` and `json` as given, the other formats as a diagnostic
    /// report of `findings`.
    func emit(text: String, json: JSONValue, findings: [Diagnostic]) throws {
        switch output.format {
        case .text: Terminal.write(text)
        case .json: Terminal.write(try json.pretty())
        default: try output.emit(report(findings))
        }
    }

    /// Runs `body` as ``run(_:)`` does, and prints an ``OperationFailure`` (a key operation's, a
    /// lifecycle command's) in the chosen format, ending with its exit status (2 bad input, 1 refused).
    func runReportingFailures(_ body: () throws -> Void) throws {
        try run {
            do {
                try body()
            } catch let failure as any OperationFailure {
                if output.format == .text {
                    Terminal.writeError("error: \(failure.message)\n")
                } else {
                    try output.emit(
                        report([
                            .error(
                                failure.status == .unreadable ? .unreadableInput : .registryError, failure.message,
                                at: .file(path))
                        ]))
                }
                throw failure.status.exitStatus.exitCode
            }
        }
    }

    /// Runs `body`, turning a registry error into a diagnostic in the chosen format and exit 2 (the
    /// registry's refusals are all bad input: unknown ids, malformed values, a missing file).
    func run(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as RegistryError {
            let diagnostic = Diagnostic.error(
                error.isUsageError ? .registryError : .unreadableInput, error.description, at: .file(path))
            if output.format == .text {
                Terminal.writeError("error: \(error.description)\n")
            } else {
                try output.emit(report([diagnostic]))
            }
            throw ExitStatus.usageError.exitCode
        }
    }
}
