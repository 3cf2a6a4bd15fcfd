import ArgumentParser
import CharterCore
import CharterRegistry
import CharterWorkflow
import Foundation

/// `charter report …`: governance documents from certificates.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write governance documents from a certificate.",
        subcommands: [Compliance.self, ModelCardCommand.self, Narrative.self, DPIA.self]
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

    /// `charter report narrative [--source S | --certificate C]`.
    struct Narrative: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Tell the audit chain in plain sentences, after verifying it.",
            discussion: """
                Verifies the registry's audit chain first and refuses (exit 1, with the findings) to narrate \
                a chain that does not verify. --source keeps one source's budget events and certificates; \
                --certificate (a certificate file, or its id) keeps that certificate's records and, given the \
                file, the budget events of the plan that issued it. The registry is opened read-only.
                Exit codes: 0 told, 1 the chain does not verify, 2 usage error or unreadable registry.
                """
        )

        @Option(name: .long, help: "Only this source.")
        var source: String?

        @Option(name: .long, help: ArgumentHelp("Only this certificate: its file or its id.", valueName: "file|id"))
        var certificate: String?

        @OptionGroup var registry: RegistryOptions

        @Option(help: "Output format: markdown, json.")
        var format: Format = .markdown

        func validate() throws {
            if source != nil, certificate != nil { throw ValidationError("give --source or --certificate, not both") }
            if format == .html { throw ValidationError("the narrative is markdown or json") }
        }

        func run() throws {
            var scope = AuditNarrative.Scope.everything
            if let source { scope = .source(source) }
            if let certificate {
                if let text = try? String(contentsOfFile: certificate, encoding: .utf8),
                    let json = try? JSONParser().parse(text), let id = json["id"]?.stringValue
                {
                    scope = .certificate(id, plan: json["plan_digest"]?.stringValue)
                } else {
                    scope = .certificate(certificate, plan: nil)
                }
            }
            let store: any RegistryStore
            do {
                store = try registry.open()
            } catch {
                Terminal.writeError("error: \(error)\n")
                throw ExitStatus.usageError.exitCode
            }
            do {
                let narrative = try AuditNarrative(registry: store, scope: scope)
                Terminal.write(format == .json ? try narrative.json.pretty() : narrative.markdown)
            } catch let error as AuditNarrative.Refusal {
                Terminal.writeError("error: \(error.message)\n")
                for finding in error.findings { Terminal.writeError("  - \(finding.message)\n") }
                throw ExitStatus.denied.exitCode
            }
        }
    }

    /// `charter report model-card CERT`.
    struct ModelCardCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "model-card",
            abstract: "Write the data card of a certified synthetic dataset, from its certificate alone.",
            discussion: """
                Overview, intended use (and what is out of scope), source data, generator, privacy spent and \
                measured, utility, every gate with its margin, limitations (the gate closest to its threshold \
                first) and provenance. Read from the certificate only; check it first with charter cert verify.
                Exit codes: 0 written, 2 usage error or unreadable input.
                """
        )

        @Argument(help: "The certificate file.")
        var certificate: String

        @Option(help: "Output format: markdown, html, json.")
        var format: Format = .markdown

        func run() throws {
            let json: JSONValue
            do {
                json = try ComplianceReporting.certificate(at: certificate, store: FileSystemInputStore())
            } catch {
                Terminal.writeError("error: \(error.message)\n")
                throw ExitStatus.usageError.exitCode
            }
            let card = ModelCard(certificate: json)
            switch format {
            case .markdown: Terminal.write(card.markdown)
            case .html: Terminal.write(card.html)
            case .json: Terminal.write(try card.json.pretty())
            }
        }
    }

    /// `charter report dpia REQUEST`.
    struct DPIA: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dpia",
            abstract: "Draft a data protection impact assessment (GDPR Art. 35(7)) for a request.",
            discussion: """
                The description of the processing, its necessity and proportionality, the risks the policy \
                saw (the tier and the conditions that held, the rules that applied, the budget) and the measures \
                it imposes, from the request and its decision against the policy and the ledger; the legal \
                basis, the DPO's advice and the residual risk are left marked TO COMPLETE.
                Exit codes: 0 written, 2 usage error or unreadable input.
                """
        )

        @Argument(help: "The request manifest.")
        var request: String

        @Option(name: .long, help: "The policy directory or file.")
        var policy: String = "policies"

        @OptionGroup var registry: RegistryOptions

        @Option(help: "Output format: markdown, html, json.")
        var format: Format = .markdown

        func run() throws {
            let instant = try registry.instant()
            let inputs: PlanInputs
            do {
                inputs = try PlanInputs.load(
                    requestFile: request, policyPath: policy, registry: registry.location, at: instant.timestamp,
                    store: FileSystemInputStore())
            } catch {
                let report = DiagnosticReport(
                    tool: .charter, command: "report dpia", files: [request, policy], diagnostics: error.diagnostics,
                    sources: error.sources)
                Terminal.writeError(try report.rendered(as: .text, colors: false))
                throw ExitStatus.usageError.exitCode
            }
            let draft = ImpactAssessment(
                request: inputs.request, policy: inputs.policy, decision: inputs.decide(now: instant.date, planDigest: nil))
            switch format {
            case .markdown: Terminal.write(draft.markdown)
            case .html: Terminal.write(draft.html)
            case .json: Terminal.write(try draft.json.pretty())
            }
        }
    }
}
