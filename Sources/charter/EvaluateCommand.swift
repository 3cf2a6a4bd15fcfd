import ArgumentParser
import CharterCore
import CharterData
import CharterPrivacy
import CharterStats

/// `charter evaluate`: every fidelity and utility metric on three tables made elsewhere.
///
/// JSON output names each quantity as `shared/reference-metrics/*/metrics.json` does, so the two
/// can be diffed. Privacy and disclosure metrics join through ``EvaluationSections``.
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
            metrics.json works too. Without one, numeric columns are numerical and the rest categorical.
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

    @Option(help: "The target value that is the positive class (default: 1 or true when the target is binary).")
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
        help: "Seed of the membership-inference attack's balanced sample and folds.")
    var attackSeed: UInt64 = MembershipInference.defaultSeed

    @Option(help: "Output format: text, json.")
    var format: Format = .text

    func run() throws {
        let inputs: EvaluationInputLoader.Loaded
        do throws(EvaluationInputLoader.Failure) {
            inputs = try EvaluationInputLoader(
                train: train, holdout: holdout, synthetic: synthetic, schemaPath: schema, target: target,
                positive: positive, dropTargetValues: dropTargetValues, excluded: excluded, protected: protected
            ).load()
        } catch {
            try emit(error.diagnostics)
            throw ExitStatus.usageError.exitCode
        }
        var report = EvaluationReport(inputs.inputs, protocol: inputs.tstrProtocol)
        for section in EvaluationSections.all {
            if let json = section(inputs.inputs) { report.merging(json) }
        }
        if let json = DisclosureSections.membershipInference(inputs.inputs, seed: attackSeed) {
            report.merging(json)
        }
        if !quasiIdentifiers.isEmpty || sensitive != nil {
            do throws(DisclosureInputError) {
                report.merging(
                    DisclosureSections.kAnonymity(
                        try KAnonymity(
                            train: inputs.inputs.train, synthetic: inputs.inputs.synthetic,
                            quasiIdentifiers: quasiIdentifiers, sensitive: sensitive,
                            smallClassThreshold: smallClassThreshold)))
            } catch {
                try emit([.error(.dataUnusable, "k-anonymity: \(error.message)", at: nil)])
                throw ExitStatus.usageError.exitCode
            }
        }
        if let sensitive, !quasiIdentifiers.isEmpty {
            do throws(DisclosureInputError) {
                report.merging(
                    DisclosureSections.attributeInference(
                        try AttributeInference(auxiliaryColumns: quasiIdentifiers, secret: sensitive).measure(
                            train: inputs.inputs.train, holdout: inputs.inputs.holdout,
                            synthetic: inputs.inputs.synthetic, schema: inputs.inputs.schema)))
            } catch {
                try emit([.error(.dataUnusable, "attribute inference: \(error.message)", at: nil)])
                throw ExitStatus.usageError.exitCode
            }
        }
        switch format {
        case .json:
            Terminal.write(try report.json().pretty())
        case .text:
            Terminal.write(EvaluationTextRenderer.render(report))
        }
    }

    private func emit(_ diagnostics: [Diagnostic]) throws {
        let report = DiagnosticReport(
            tool: .charter, command: "evaluate", files: [train, holdout, synthetic] + (schema.map { [$0] } ?? []),
            diagnostics: diagnostics, sources: [:])
        let rendered = try report.rendered(as: format == .json ? .json : .text, colors: false)
        if format == .json { Terminal.write(rendered) } else { Terminal.writeError(rendered) }
    }
}

/// The sections `evaluate` adds beyond fidelity and utility. Each takes the loaded tables and
/// returns a JSON object deep-merged into the report (e.g. `{"sdmetrics": {"dcr_overfitting_protection": …}}`),
/// or `nil`. The privacy module (CharterPrivacy: k-anonymity, DCR, NewRowSynthesis, …) registers here.
enum EvaluationSections {
    static let all: [@Sendable (EvaluationReport.Inputs) -> JSONValue?] = [
        DisclosureSections.dcrOverfittingProtection, DisclosureSections.newRowSynthesis,
    ]
}
