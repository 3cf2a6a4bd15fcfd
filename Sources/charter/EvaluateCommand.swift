import ArgumentParser
import CharterCore
import CharterPrivacy
import CharterStats
import CharterWorkflow
import Foundation

/// `charter evaluate`: every fidelity and utility metric on three tables made elsewhere.
///
/// Parses the options, runs the workflow's ``Evaluation`` on the file system and renders the report
/// (JSON as `Tests/Fixtures/reference-metrics/*/metrics.json` names each quantity, or a text summary).
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure how faithful and useful a synthetic table is.",
        discussion: """
            Reads the real training table, a real holdout table the generator never saw, and the synthetic \
            table; all three must have the same columns in the same order. Computes SDMetrics 0.32 column \
            shapes, column pair trends and quality score, scipy KS and chi-squared tests, correlation \
            matrices and, with --target, TSTR/TRTS AUCs (and per subgroup with --protected). Disclosure: \
            SDMetrics DCROverfittingProtection and NewRowSynthesis, a distance-based membership-inference \
            attack (AUC, accuracy), and with --quasi-identifier k-anonymity, with --sensitive l-diversity and an \
            anonymeter-style attribute-inference risk on the sensitive column.
            The schema is SDV metadata JSON ({"columns": {"age": {"sdtype": "numerical"}}}); a reference \
            metrics.json works too. Without one, a column is numerical when numeric in all three tables, boolean \
            when boolean in all three, else categorical. The positive class: --positive, else 1 of a 0/1 target \
            and true of a boolean one, else the rarer of two classes in the train table (a note names it).
            --only fidelity,utility,disclosure computes only the sections named (JSON keeps only theirs). \
            Limits: at most 1,000 columns, 2,000,000 rows and 20,000,000 cells per table; past them evaluate \
            refuses with exit 2 before measuring. Disclosure follows SDMetrics: DCROverfittingProtection and \
            NewRowSynthesis are exact over all rows (SDMetrics subsamples only when asked); DCR's interval adds \
            the variance over 16 seeded subsamples of the train and holdout tables, and the membership attack \
            uses a seeded balanced sample (both seeded by --attack-seed). Progress lines go to stderr when it is \
            a terminal.
            Exit codes: 0 computed, 2 unreadable or unusable input.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text
        case json
    }

    @Option(help: "The real table the generator was fitted on.")
    var train: String

    @Option(help: "Real rows the generator never saw.")
    var holdout: String

    @Option(help: "The synthetic table.")
    var synthetic: String

    @Option(help: "SDV metadata JSON giving each column's sdtype.")
    var schema: String?

    @Option(help: "The label column for TSTR/TRTS.")
    var target: String?

    @Option(
        help: "The target value that is the positive class (default: 1 of 0/1, true, else the rarer of two classes).")
    var positive: String?

    @Option(name: .customLong("drop-target-value"), help: "Leave out rows whose target has this value (repeatable).")
    var dropTargetValues: [String] = []

    @Option(name: .customLong("exclude"), help: "A column never used as a feature, e.g. time to event (repeatable).")
    var excluded: [String] = []

    @Option(help: "The protected attribute: TSTR/TRTS per value, and the fairness gap.")
    var protected: String?

    @Option(
        name: .customLong("quasi-identifier"),
        help: "A quasi-identifier column for k-anonymity (repeatable; none skips k-anonymity).")
    var quasiIdentifiers: [String] = []

    @Option(help: "The sensitive column for l-diversity (with --quasi-identifier).")
    var sensitive: String?

    @Option(name: .customLong("small-class"), help: "k-anonymity classes smaller than this are small.")
    var smallClassThreshold: Int = 5

    @Option(
        name: .customLong("attack-seed"),
        help: "Seed of the membership-inference attack's balanced sample and folds, and of DCR's subsamples.")
    var attackSeed: UInt64 = MembershipInference.defaultSeed

    @Option(help: "Output format: text, json.")
    var format: Format = .text

    @Option(
        help: ArgumentHelp(
            "Only these sections, comma-separated: fidelity, utility, disclosure (default: all).",
            valueName: "sections"))
    var only: String?

    func run() throws {
        var options = Evaluation.Options()
        options.target = target
        options.positive = positive
        options.dropTargetValues = dropTargetValues
        options.excluded = excluded
        options.protected = protected
        options.quasiIdentifiers = quasiIdentifiers
        options.sensitive = sensitive
        options.smallClassThreshold = smallClassThreshold
        options.attackSeed = attackSeed
        if let only {
            let names = only.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            switch EvaluationReport.Sections.named(names) {
            case .success(let sections): options.sections = sections
            case .failure(let unknown):
                throw ValidationError(
                    "--only takes fidelity, utility and disclosure, comma-separated; not '\(unknown.name)'")
            }
        }
        if Terminal.stderrIsTerminal {
            options.progress = { line in Terminal.writeError("evaluate: \(line)\n") }
        }
        let evaluation = Evaluation(
            Evaluation.Files(train: train, holdout: holdout, synthetic: synthetic, schema: schema), options: options,
            in: FileSystemInputStore())
        guard let report = evaluation.report else {
            try emitErrors(evaluation)
            throw ExitStatus.usageError.exitCode
        }
        var notes = ""
        for note in evaluation.diagnostics { TextDiagnosticRenderer().render(note, sources: [:], into: &notes) }
        Terminal.writeError(notes)
        switch format {
        case .json:
            Terminal.write(try report.json().pretty())
        case .text:
            Terminal.write(EvaluationTextRenderer.render(report))
        }
    }

    /// Writes why there is no report: JSON on stdout, text on stderr.
    private func emitErrors(_ evaluation: Evaluation) throws {
        let report = DiagnosticReport(
            tool: .charter, command: "evaluate", files: evaluation.files.all, diagnostics: evaluation.diagnostics,
            sources: [:])
        let rendered = try report.rendered(as: format == .json ? .json : .text, colors: false)
        if format == .json { Terminal.write(rendered) } else { Terminal.writeError(rendered) }
    }
}
