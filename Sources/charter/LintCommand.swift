import ArgumentParser
import CharterCore
import CharterPolicy
import Foundation

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
        let inputs = InputFiles(paths: paths, extensions: ["yaml", "yml"])
        var diagnostics = inputs.problems
        var sources: [String: String] = [:]
        var unreadable = !inputs.problems.isEmpty
        let linter = PolicyLinter()
        for file in inputs.files {
            switch InputFiles.read(file) {
            case .failure(let error):
                diagnostics.append(error.diagnostic)
                unreadable = true
            case .success(let bytes):
                sources[file] = String(decoding: bytes, as: UTF8.self)
                diagnostics += linter.lint(file: file, bytes: bytes) { reference, from in
                    let base = Self.resolve(reference, from: from)
                    guard case .success(let bytes) = InputFiles.read(base) else { throw BaseUnreadable(path: base) }
                    sources[base] = String(decoding: bytes, as: UTF8.self)
                    return (base, bytes)
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

extension LintCommand {
    /// A path written in a file, relative to that file's directory.
    static func resolve(_ reference: String, from file: String) -> String {
        if reference.hasPrefix("/") { return reference }
        let directory = (file as NSString).deletingLastPathComponent
        let joined = directory.isEmpty ? reference : directory + "/" + reference
        return (joined as NSString).standardizingPath
    }
}

/// A base policy that could not be read.
struct BaseUnreadable: Error, CustomStringConvertible {
    var path: String
    var description: String { "no readable file at \"\(path)\"" }
}

extension DiagnosticReport.Tool {
    /// This program.
    static let charter = DiagnosticReport.Tool(
        name: "charter", version: Charter.version, informationURI: Charter.informationURI)
}
