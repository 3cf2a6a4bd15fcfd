import ArgumentParser
import CharterCore
import CharterProfile
import CharterWorkflow

/// `charter profile`: what a CSV file holds, which columns identify people, which combine into
/// quasi-identifiers. Parses, calls ``Profiling``, renders.
struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Profile a CSV file: column types, ranges, direct identifiers and quasi-identifier candidates.",
        discussion: """
            Per column: the inferred type, missing share, distinct count, uniqueness, range or categories and a \
            histogram; direct identifiers (e-mail, phone, national id, record number, name, date of birth, \
            postcode, record keys, free text) flagged with the evidence; and the small sets of columns whose \
            combined values single out the most rows. HTML is one self-contained page.
            Exit codes: 0 profiled, 2 unreadable or unusable input.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, html
    }

    @Argument(help: "The CSV file (a header line, then one row per record).")
    var data: String

    @Option(help: "Output format: text, json, html.")
    var format: Format = .text

    func run() throws {
        let profiling = Profiling(file: data, in: FileSystemInputStore())
        try ProfileRendering.emit(profiling.diagnostics, file: data, command: "profile", json: format == .json)
        guard let profile = profiling.profile, let json = profiling.json else {
            throw profiling.status.exitStatus.exitCode
        }
        switch format {
        case .json: Terminal.write(try json.pretty())
        case .html: Terminal.write(ProfileHTMLRenderer().render(profile, file: data))
        case .text: Terminal.write(ProfileTextRenderer.render(profile, file: data))
        }
    }
}

/// What the profile commands share: diagnostics on stderr (errors in JSON on stdout with --format json).
enum ProfileRendering {
    static func emit(_ diagnostics: [Diagnostic], file: String, command: String, json: Bool) throws {
        guard !diagnostics.isEmpty else { return }
        let hasErrors = diagnostics.contains { $0.severity == .error }
        let report = DiagnosticReport(
            tool: .charter, command: command, files: [file], diagnostics: diagnostics, sources: [:])
        if json && hasErrors {
            Terminal.write(try report.rendered(as: .json, colors: false))
        } else {
            Terminal.writeError(try report.rendered(as: .text, colors: false))
        }
    }
}
