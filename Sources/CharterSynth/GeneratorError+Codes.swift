public import CharterCore

extension DiagnosticCode {
    /// The training table has no rows or no columns.
    public static let generatorEmptyTable = DiagnosticCode(
        "CH700", name: "generator-empty-table", summary: "the training table has no rows or no columns")
    /// More modelled columns than training rows: no correlation can be estimated.
    public static let generatorTooFewRows = DiagnosticCode(
        "CH701", name: "generator-too-few-rows", summary: "the training table has more columns than rows")
    /// The number of rows to sample is not positive.
    public static let generatorInvalidRowCount = DiagnosticCode(
        "CH702", name: "generator-invalid-row-count", summary: "the number of rows to sample is not positive")
    /// A declared domain or schema entry names a column the training table lacks.
    public static let generatorUnknownColumn = DiagnosticCode(
        "CH703", name: "generator-unknown-column", summary: "a declared domain names a column the table lacks")
    /// A column's values do not fit its declared semantic type or domain kind.
    public static let generatorTypeMismatch = DiagnosticCode(
        "CH704", name: "generator-type-mismatch", summary: "a column's values do not fit its declared type")
    /// A training value lies outside the column's declared domain.
    public static let generatorValueOutsideDomain = DiagnosticCode(
        "CH705", name: "generator-value-outside-domain",
        summary: "a training value lies outside the column's declared domain")
    /// A declared domain is itself invalid (empty, reversed, repeated or not finite).
    public static let generatorInvalidDomain = DiagnosticCode(
        "CH706", name: "generator-invalid-domain", summary: "a declared domain is empty, reversed or repeated")
    /// A differentially private generator was not given a domain for a modelled column.
    public static let generatorMissingDomain = DiagnosticCode(
        "CH707", name: "generator-missing-domain",
        summary: "a differentially private generator needs a declared domain for every column")
    /// The target column has fewer than two classes.
    public static let generatorSingleClassTarget = DiagnosticCode(
        "CH708", name: "generator-single-class-target", summary: "the target column has fewer than two classes")
    /// The target column named in the parameters is not in the table.
    public static let generatorUnknownTarget = DiagnosticCode(
        "CH709", name: "generator-unknown-target", summary: "the target column is not in the training table")
    /// ε or δ is missing or out of range for a differentially private generator.
    public static let generatorInvalidPrivacyTarget = DiagnosticCode(
        "CH710", name: "generator-invalid-privacy-target", summary: "epsilon or delta is missing or out of range")
    /// A generator parameter has the wrong type or an out-of-range value.
    public static let generatorInvalidParameter = DiagnosticCode(
        "CH711", name: "generator-invalid-parameter", summary: "a generator parameter has the wrong type or value")
    /// A privacy mechanism refused its parameters or the data.
    public static let generatorMechanismFailed = DiagnosticCode(
        "CH712", name: "generator-mechanism-failed", summary: "a privacy mechanism refused its parameters")
    /// The external generator's command is missing or cannot be started.
    public static let externalCommandInvalid = DiagnosticCode(
        "CH715", name: "external-command-invalid", summary: "the external generator's command cannot be started")
    /// The external generator exited with a non-zero status or a signal.
    public static let externalCommandFailed = DiagnosticCode(
        "CH716", name: "external-command-failed", summary: "the external generator exited with an error")
    /// The external generator ran past its time limit and was stopped.
    public static let externalTimeout = DiagnosticCode(
        "CH717", name: "external-timeout", summary: "the external generator ran past its time limit")
    /// The external generator wrote no output.csv.
    public static let externalOutputMissing = DiagnosticCode(
        "CH718", name: "external-output-missing", summary: "the external generator wrote no output.csv")
    /// The external generator's output has the wrong columns, types, row count or domains.
    public static let externalOutputInvalid = DiagnosticCode(
        "CH719", name: "external-output-invalid",
        summary: "the external generator's output has the wrong columns, types, rows or domains")
    /// The external generator's privacy.json is missing, malformed, or claims more than the request allows.
    public static let externalPrivacyClaimInvalid = DiagnosticCode(
        "CH720", name: "external-privacy-claim-invalid",
        summary: "the external generator's privacy claim is missing, malformed or over the request")
    /// The working directory for the external generator could not be prepared.
    public static let externalWorkingDirectoryFailed = DiagnosticCode(
        "CH721", name: "external-working-directory-failed",
        summary: "the external generator's working directory could not be prepared")
    /// The external generator cannot be contained: bubblewrap is missing or cannot build its sandbox.
    public static let externalSandboxUnavailable = DiagnosticCode(
        "CH722", name: "external-sandbox-unavailable",
        summary: "the external generator cannot run contained (bubblewrap missing or refused), so it is not run")
    /// The external tool's files no longer have the digests the plan pinned.
    public static let externalToolChanged = DiagnosticCode(
        "CH723", name: "external-tool-changed",
        summary: "the external tool's files differ from the ones the plan pinned")
    /// The model draws a class of `output.class_mix` too rarely to fill its quota within the bound.
    public static let generatorClassMixUnreachable = DiagnosticCode(
        "CH724", name: "generator-class-mix-unreachable",
        summary: "the requested class mix cannot be reached within the bound on rows drawn")

    /// Every code the generators emit, in code order.
    public static let generatorCodes: [DiagnosticCode] = [
        .generatorEmptyTable, .generatorTooFewRows, .generatorInvalidRowCount, .generatorUnknownColumn,
        .generatorTypeMismatch, .generatorValueOutsideDomain, .generatorInvalidDomain, .generatorMissingDomain,
        .generatorSingleClassTarget, .generatorUnknownTarget, .generatorInvalidPrivacyTarget,
        .generatorInvalidParameter, .generatorMechanismFailed, .externalCommandInvalid, .externalCommandFailed,
        .externalTimeout, .externalOutputMissing, .externalOutputInvalid, .externalPrivacyClaimInvalid,
        .externalWorkingDirectoryFailed, .externalSandboxUnavailable, .externalToolChanged,
        .generatorClassMixUnreachable,
    ]
}

extension GeneratorError {
    /// An error with a declared code.
    public init(_ code: DiagnosticCode, _ message: String) {
        self.init(code: code.id, message: message)
    }
}
