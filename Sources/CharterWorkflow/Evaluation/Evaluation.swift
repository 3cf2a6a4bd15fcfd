public import CharterCore
import CharterPrivacy
public import CharterStats

/// `evaluate`: every fidelity, utility and disclosure metric on a real training table, a real
/// holdout table the generator never saw and a synthetic table made elsewhere.
///
/// The report's JSON names each quantity as `Tests/Fixtures/reference-metrics/*/metrics.json` does, so the
/// two can be diffed. Without a schema, column types are inferred over the three tables
/// (``TableSchema/inferred(from:)``); the TSTR target's positive class follows ``PositiveClass``,
/// the rule the engine's gates follow, and when it was not named a note says which class was
/// chosen and why.
public struct Evaluation: Sendable {
    /// The files an evaluation reads.
    public struct Files: Sendable, Equatable {
        /// The real table the generator was fitted on.
        public var train: String
        /// Real rows the generator never saw.
        public var holdout: String
        /// The synthetic table.
        public var synthetic: String
        /// SDV metadata JSON giving each column's sdtype (a reference `metrics.json` works too).
        public var schema: String?

        public init(train: String, holdout: String, synthetic: String, schema: String? = nil) {
            self.train = train
            self.holdout = holdout
            self.synthetic = synthetic
            self.schema = schema
        }

        /// Every path, in the order read.
        public var all: [String] { [train, holdout, synthetic] + (schema.map { [$0] } ?? []) }
    }

    /// What to measure besides fidelity.
    public struct Options: Sendable, Equatable {
        /// The label column for TSTR/TRTS.
        public var target: String?
        /// The target value that is the positive class (default: ``PositiveClass``'s rule).
        public var positive: String?
        /// Target values whose rows are left out.
        public var dropTargetValues: [String] = []
        /// Columns never used as features (time to event, outcome-defining).
        public var excluded: [String] = []
        /// The protected attribute: TSTR/TRTS per value, and the fairness gap.
        public var protected: String?
        /// Quasi-identifier columns for k-anonymity and attribute inference (none skips both).
        public var quasiIdentifiers: [String] = []
        /// The sensitive column for l-diversity and attribute inference.
        public var sensitive: String?
        /// k-anonymity classes smaller than this are small.
        public var smallClassThreshold = 5
        /// Seed of the membership-inference attack's balanced sample and folds, and of DCR's subsamples.
        public var attackSeed = MembershipInference.defaultSeed
        /// The sections to compute (`--only`); every one by default.
        public var sections: EvaluationReport.Sections = .all
        /// Hears one line as each part starts (the CLI prints them on a terminal); never data values.
        public var progress: (@Sendable (String) -> Void)? = nil

        public init() {}

        public static func == (lhs: Options, rhs: Options) -> Bool {
            lhs.target == rhs.target && lhs.positive == rhs.positive && lhs.dropTargetValues == rhs.dropTargetValues
                && lhs.excluded == rhs.excluded && lhs.protected == rhs.protected
                && lhs.quasiIdentifiers == rhs.quasiIdentifiers && lhs.sensitive == rhs.sensitive
                && lhs.smallClassThreshold == rhs.smallClassThreshold && lhs.attackSeed == rhs.attackSeed
                && lhs.sections == rhs.sections
        }
    }

    /// The files read.
    public var files: Files
    /// The report; `nil` when the inputs cannot be evaluated (``diagnostics`` then holds errors).
    public var report: EvaluationReport?
    /// Errors when there is no report; otherwise notes (the positive class chosen).
    public var diagnostics: [Diagnostic] = []

    /// Reads `files` from `store` and measures everything `options` asks for.
    public init(_ files: Files, options: Options = Options(), in store: any InputStore) {
        self.files = files
        if options.sections.isEmpty || (options.sections == .utility && options.target == nil) {
            diagnostics = [
                .error(
                    .dataUnusable,
                    options.sections.isEmpty
                        ? "no section to evaluate" : "the utility section needs a target column",
                    at: nil,
                    help: options.sections.isEmpty ? "name fidelity, utility or disclosure" : "name it with --target")
            ]
            return
        }
        let inputs: EvaluationInputs
        do throws(EvaluationInputs.Failure) {
            inputs = try EvaluationInputs(files, options, from: store)
        } catch {
            diagnostics = error.diagnostics
            return
        }
        diagnostics = inputs.warnings
        let progress = options.progress
        var report = EvaluationReport(
            inputs.tables, protocol: inputs.tstrProtocol, sections: options.sections, progress: progress)
        let tables = inputs.tables
        guard options.sections.contains(.disclosure) else {
            finish(report, inputs: inputs, files: files)
            return
        }
        progress?("disclosure: DCR overfitting protection")
        if let section = DisclosureSections.dcrOverfittingProtection(tables, seed: options.attackSeed) {
            report.merging(section)
        }
        progress?("disclosure: new-row synthesis")
        if let section = DisclosureSections.newRowSynthesis(tables) { report.merging(section) }
        progress?("disclosure: membership inference")
        if let section = DisclosureSections.membershipInference(tables, seed: options.attackSeed) {
            report.merging(section)
        }
        if !options.quasiIdentifiers.isEmpty || options.sensitive != nil {
            progress?("disclosure: k-anonymity")
            do throws(DisclosureInputError) {
                report.merging(
                    DisclosureSections.kAnonymity(
                        try KAnonymity(
                            train: tables.train, synthetic: tables.synthetic,
                            quasiIdentifiers: options.quasiIdentifiers, sensitive: options.sensitive,
                            smallClassThreshold: options.smallClassThreshold)))
            } catch {
                diagnostics = [.error(.dataUnusable, "k-anonymity: \(error.message)", at: nil)]
                return
            }
        }
        if let sensitive = options.sensitive, !options.quasiIdentifiers.isEmpty {
            do throws(DisclosureInputError) {
                report.merging(
                    DisclosureSections.attributeInference(
                        try AttributeInference(auxiliaryColumns: options.quasiIdentifiers, secret: sensitive).measure(
                            train: tables.train, holdout: tables.holdout, synthetic: tables.synthetic,
                            schema: tables.schema)))
            } catch {
                diagnostics = [.error(.dataUnusable, "attribute inference: \(error.message)", at: nil)]
                return
            }
        }
        finish(report, inputs: inputs, files: files)
    }

    private mutating func finish(_ report: EvaluationReport, inputs: EvaluationInputs, files: Files) {
        if let positive = inputs.positive, positive.basis != .declared, report.sections.contains(.utility) {
            diagnostics.append(
                Diagnostic(
                    .note, .positiveClassChosen, positive.explanation, at: .file(files.train),
                    help: "name another with --positive"))
        }
        self.report = report
    }
}

extension DiagnosticCode {
    /// No positive class was named; ``PositiveClass``'s rule chose one.
    public static let positiveClassChosen = DiagnosticCode(
        "CH603", name: "positive-class-chosen", summary: "no positive class was named, so the one rule chose it")
}
