import ArgumentParser
import CharterCore
import CharterWorkflow
import Foundation

/// `charter report …`: governance documents from certificates.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write governance documents from a certificate.",
        subcommands: [Compliance.self]
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case markdown
        case html
        case json
    }

    /// `charter report compliance CERT --framework NAME`.
    struct Compliance: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Map a framework's requirements to the policy's controls and the certificate's evidence.",
            discussion: """
                Frameworks: the mapping files under --frameworks (compliance/: hipaa, gdpr, ccpa, eu-ai-act, app), \
                each requirement naming the controls that address it, the certificate fields that evidence it \
                and what Charter does not show. A requirement is "addressed" only when the policy sets every \
                control named and the certificate carries every field; organisational duties (a legal basis, \
                a contract, a public commitment) are "not covered". The policy is read now; the report warns \
                when its digest is not the certificate's. Not legal advice.
                Exit codes: 0 report written, 2 usage error or unreadable input.
                """
        )

        @Argument(help: "The certificate file.")
        var certificate: String

        @Option(name: .long, help: "The framework: hipaa, gdpr, ccpa, eu-ai-act, app (a file NAME.yaml under --frameworks).")
        var framework: String

        @Option(name: .long, help: "The policy directory or file the certificate was issued under.")
        var policy: String = "policies"

        @Option(name: .long, help: ArgumentHelp("The folder of framework mappings.", valueName: "dir"))
        var frameworks: String = "compliance"

        @Option(help: "Output format: markdown, html, json.")
        var format: Format = .markdown

        func run() throws {
            let report: ComplianceReport
            do {
                report = try ComplianceReporting.report(
                    certificateFile: certificate, framework: framework, frameworksFolder: frameworks,
                    policyPath: policy, store: FileSystemInputStore())
            } catch {
                Terminal.writeError("error: \(error.message)\n")
                throw ExitStatus.usageError.exitCode
            }
            switch format {
            case .markdown: Terminal.write(report.markdown)
            case .html: Terminal.write(report.html)
            case .json: Terminal.write(try report.json.pretty())
            }
            if !report.policyMatches {
                Terminal.writeError(
                    "warning: the policy at \"\(policy)\" is not the one certificate \(report.certificate) was issued under (digests differ)\n")
            }
        }
    }
}
