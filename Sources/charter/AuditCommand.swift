import ArgumentParser
import CharterCore
import CharterRegistry
import CharterWorkflow
import Foundation

/// `charter audit log|verify`: the registry's tamper-evident audit chain.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Read and verify the registry's audit chain.",
        subcommands: [Log.self, Verify.self]
    )

    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "log", abstract: "Print every audit record, oldest first.")

        @OptionGroup var registry: RegistryOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let reporter = RegistryReporter(output: output, path: registry.path, command: "audit log")
            try reporter.run {
                let records = try registry.open().auditRecords()
                let text =
                    records.isEmpty
                    ? "no audit records\n"
                    : records.map { record in
                        "\(record.seq)  \(record.at)  \(record.actor)  \(record.action)  \(record.subject)  \(record.details)\n"
                    }.joined()
                try reporter.emit(text: text, json: ["records": .array(records.map(\.json))], findings: [])
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check the chain's hashes and links, and that the ledger and catalogue match it.",
            discussion: "Exits 1 and names the first edited, deleted or reordered record when the chain is broken.")

        @OptionGroup var registry: RegistryOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let reporter = RegistryReporter(output: output, path: registry.path, command: "audit verify")
            var intact = true
            try reporter.run {
                let verification = try registry.open().verifyAudit()
                intact = verification.isIntact
                let diagnostics = verification.findings.map { $0.diagnostic(registry: registry.path) }
                var text = ""
                if verification.isIntact {
                    text = "audit chain intact: \(verification.recordCount) records, head \(verification.headHash)\n"
                } else {
                    let renderer = TextDiagnosticRenderer(colors: Terminal.stdoutSupportsColor)
                    for diagnostic in diagnostics { renderer.render(diagnostic, sources: [:], into: &text) }
                    text +=
                        "audit chain broken: \(diagnostics.count) finding\(diagnostics.count == 1 ? "" : "s") in \(verification.recordCount) records\n"
                }
                try reporter.emit(text: text, json: verification.json, findings: diagnostics)
            }
            if !intact { throw ExitStatus.denied.exitCode }
        }
    }
}
