public import ArgumentParser
import CharterCore

extension OutputFormat: ExpressibleByArgument {}

/// `--format`, shared by every command that reports.
struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: OutputFormat = .text

    /// Renders a report to stdout in the chosen format.
    func emit(_ report: DiagnosticReport) throws {
        let colors = format == .text && Terminal.stdoutSupportsColor
        Terminal.write(try report.rendered(as: format, colors: colors))
    }
}
