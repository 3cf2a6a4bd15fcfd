import ArgumentParser
import CharterCore
import CharterEngine
import CharterPlan
import CharterPolicy
import CharterRegistry
import CharterWorkflow
import Foundation

/// What `apply` and `run` share: the registry, the signing key, the time, who acts, where outputs
/// go, the format.
struct EngineOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text
        case json
    }

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The registry (default: $CHARTER_REGISTRY, else \(SQLiteRegistry.defaultPath); created when missing).",
            valueName: "path"))
    var registry: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The Ed25519 signing key, the registry's active key (default: $CHARTER_SIGNING_KEY, else \(SigningKey.defaultPath); created 0600 and adopted when the registry has no key).",
            valueName: "path"))
    var key: String?

    @Option(name: .long, help: CommandLineContext.nowHelp)
    var now: String?

    @Option(name: .long, help: "Who runs it, as the ledger and the audit chain record (default: $USER).")
    var actor: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The folder outputs are published under, as <dir>/<request id>/ (default: \(PublishStage.defaultRoot)); a request's own output.path outside it is kept.",
            valueName: "dir"))
    var out: String?

    @Option(name: .long, help: CommandLineContext.policySignersHelp)
    var requireSignedPolicy: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "When a gate stops the run, write its report (HTML: every check, the privacy and utility measures, lineage) to this file for review; it holds aggregate statistics of the source. Nothing else is written.",
            valueName: "file"))
    var failedReport: String?

    @Option(help: "Output format: text, json.")
    var format: Format = .text

    func validate() throws {
        try CommandLineContext.validate(now: now)
        if let out, out.isEmpty { throw ValidationError("--out must name a folder") }
        if let failedReport, failedReport.isEmpty { throw ValidationError("--failed-report must name a file") }
    }

    var registryLocation: RegistryLocation { CommandLineContext.registry(registry) }

    /// The instant: `--now` or the clock.
    func instant() throws -> ActingInstant { try CommandLineContext.instant(now) }

    /// Opens the registry and the signing key, runs `plan`, prints the outcome and ends with its
    /// exit status (thrown, as every command's status is).
    /// `instant` is the one the plan was made or checked at: a run acts at a single instant.
    func execute(plan: Plan, inputs: PlanInputs, at instant: ActingInstant, prelude: [String]) throws -> Never {
        let keyPath = SigningKey.resolvePath(explicit: key, environment: CommandLineContext.environment)
        var progress: (@Sendable (String) -> Void)?
        if isatty(STDERR_FILENO) == 1 {
            progress = { @Sendable line in Terminal.writeError("… \(line)\n") }
        }
        let opened: RunExecution.Opened
        switch RunExecution.open(
            registry: registryLocation, keyPath: keyPath, instant: instant, actor: CommandLineContext.actor(actor),
            outputRoot: out, progress: progress)
        {
        case .failure(let error): throw fail(error, plan: nil)
        case .success(let value): opened = value
        }
        if opened.createdKey {
            Terminal.writeError(
                "note: created the signing key \(keyPath) (mode 0600) and its public key \(keyPath).pub, key id \(opened.execution.signingKey.publicKey.id)\n"
            )
        }
        if let adopted = opened.adoptedKey {
            Terminal.writeError(
                "note: the registry had no signing key: \(adopted.fingerprint) (\(keyPath)) is now its active key, adopted on first use and audited; runs sign only with it until charter keys rotate\n"
            )
        }
                let outcome = opened.execution.execute(plan: plan, inputs: inputs)
        if case .failed(let error) = outcome { throw fail(error, plan: plan) }
        var reportWritten = false
        if case .gateFailed(let run) = outcome, let failedReport {
            do {
                try AtomicFile.write(ReportHTMLRenderer().render(run.report), to: failedReport)
                reportWritten = true
            } catch {
                Terminal.writeError(
                    "error: cannot write the report to \"\(failedReport)\": \(error.localizedDescription)\n")
            }
        }
        if format == .json {
            Terminal.write((try? outcome.json(plan: plan).pretty()) ?? "{}\n")
        } else {
            Terminal.write(prelude.map { $0 + "\n" }.joined())
            switch outcome {
            case .published(let run, let verification):
                Terminal.write(EngineOutput.publishedText(run, plan: plan, verification: verification))
            case .gateFailed(let run):
                Terminal.write(EngineOutput.failedText(run, plan: plan))
                if reportWritten, let failedReport { Terminal.write("  report          \(failedReport)\n") }
            case .failed:
                break
            }
        }
        throw outcome.status.exitStatus.exitCode
    }

    /// Prints an engine error and returns the exit status to end with: 2 for unreadable input, 1
    /// otherwise.
    func fail(_ error: EngineError, plan: Plan?) -> ExitCode {
        let outcome = ExecutionOutcome.failed(error)
        if format == .json {
            Terminal.write((try? outcome.json(plan: plan).pretty()) ?? "{}\n")
        } else {
            Terminal.writeError(
                "error: \(error.stage): \(error.message)\n" + error.notes.map { "note: \($0)\n" }.joined())
        }
        return outcome.status.exitStatus.exitCode
    }

    /// Prints diagnostics about unreadable inputs (stdout as JSON, else stderr as text).
    func report(_ diagnostics: [Diagnostic], sources: [String: String], files: [String], command: String) throws {
        let report = DiagnosticReport(
            tool: .charter, command: command, files: files, diagnostics: diagnostics, sources: sources)
        if format == .json {
            Terminal.write(try report.rendered(as: .json, colors: false))
        } else {
            Terminal.writeError(try report.rendered(as: .text, colors: false))
        }
    }
}
