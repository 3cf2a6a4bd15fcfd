import ArgumentParser
import CharterCore
import CharterWorkflow

/// `charter lint PATH...`: reads every YAML file under the paths and reports what is wrong.
///
/// YAML well-formedness, duplicate keys, tags and limits for every file; for policies, the policy
/// language's checks, condition type checking, and the proof that an overlay only tightens its base.
struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check policy and request files.",
        discussion: "Directories are searched recursively for .yaml and .yml files, skipping hidden ones."
    )

    @Argument(help: "Files or directories to check.")
    var paths: [String]

    @Flag(help: "Treat warnings as errors.")
    var strict = false

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("name at least one file or directory") }
    }

    func run() throws {
        let linting = Linting(paths: paths, in: FileSystemInputStore())
        let report = DiagnosticReport(
            tool: .charter, command: "lint", files: linting.files, diagnostics: linting.diagnostics,
            sources: linting.sources)
        try output.emit(report)
        if linting.hasUnreadableInput { throw ExitStatus.usageError.exitCode }
        if linting.fails(strict: strict) { throw ExitStatus.denied.exitCode }
    }
}
