import ArgumentParser
import CharterCore
import CharterRegistry
import CharterWorkflow
import Foundation

/// `--registry` and `--now`, shared by the commands that read or change the registry.
struct RegistryOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The registry file (default: $CHARTER_REGISTRY, else \(SQLiteRegistry.defaultPath)).", valueName: "path"))
    var registry: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The time to act at: YYYY-MM-DD (the start of that day, UTC) or RFC 3339 (default: the system clock).",
            valueName: "time"))
    var now: String?

    func validate() throws {
        try CommandLineContext.validate(now: now)
    }

    /// The registry path after `--registry` and `CHARTER_REGISTRY`.
    var path: String { CommandLineContext.registry(registry).path }

    /// The time to act at.
    func instant() throws -> ActingInstant { try CommandLineContext.instant(now) }

    /// Opens the existing registry; a missing file is an error, never a new empty registry.
    func open() throws(RegistryError) -> SQLiteRegistry {
        try SQLiteRegistry(path: path, create: false)
    }
}

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

extension Decimal {
    /// Plain decimal text, as the ledger stores it.
    var text: String { description }
}
