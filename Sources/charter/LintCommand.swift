import ArgumentParser
import CharterCore
import CharterYAML

/// `charter lint PATH...`: reads every YAML file under the paths and reports what is wrong.
///
/// For now the checks are the YAML layer's: well-formedness, duplicate keys, tags and limits.
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
        let inputs = InputFiles(paths: paths, extensions: ["yaml", "yml"])
        var diagnostics = inputs.problems
        var sources: [String: String] = [:]
        var unreadable = !inputs.problems.isEmpty
        let parser = YAMLParser()
        for file in inputs.files {
            switch InputFiles.read(file) {
            case .failure(let error):
                diagnostics.append(error.diagnostic)
                unreadable = true
            case .success(let bytes):
                sources[file] = String(decoding: bytes, as: UTF8.self)
                do {
                    let stream = try parser.parse(bytes, file: file)
                    diagnostics.append(contentsOf: stream.warnings)
                } catch {
                    diagnostics.append(error.diagnostic)
                }
            }
        }
        let report = DiagnosticReport(
            tool: .charter, command: "lint", files: inputs.files, diagnostics: diagnostics, sources: sources)
        try output.emit(report)
        if unreadable { throw ExitStatus.usageError.exitCode }
        if report.hasErrors || (strict && report.count(.warning) > 0) { throw ExitStatus.denied.exitCode }
    }
}

extension DiagnosticReport.Tool {
    /// This program.
    static let charter = DiagnosticReport.Tool(
        name: "charter", version: Charter.version, informationURI: Charter.informationURI)
}
