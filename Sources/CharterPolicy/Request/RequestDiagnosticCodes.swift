public import CharterCore

// The codes of requests and decisions, CH200–CH249. A code never changes meaning; retired codes
// are not reused. Structural problems in a request (unknown key, wrong type, missing field) use
// the document codes CH100–CH104 and CH118–CH120 that policies use.
extension DiagnosticCode {
    /// A digest that is not `sha256:` followed by 64 lowercase hex digits.
    public static let requestInvalidDigest = DiagnosticCode(
        "CH200", name: "invalid-digest", summary: "a digest that is not sha256 in lowercase hex")
    /// The same person approves twice in one role.
    public static let requestDuplicateApproval = DiagnosticCode(
        "CH201", name: "duplicate-approval", summary: "the same person approves twice in one role")
    /// `generator.parameters`, which this version does not read: refused rather than ignored.
    public static let requestUnsupportedParameters = DiagnosticCode(
        "CH202", name: "unsupported-parameters", summary: "generator.parameters is not read, so it is refused")
    /// The id cannot name the run's output folder: too long, or with control characters.
    public static let requestInvalidID = DiagnosticCode(
        "CH203", name: "invalid-request-id", summary: "an id that cannot name the run's output folder")
    /// A requester or approver that is not a well-formed identity (``Identity``), or a group as
    /// an approver.
    public static let requestInvalidIdentity = DiagnosticCode(
        "CH208", name: "invalid-identity", summary: "a requester or approver that is not one well-formed person")
    /// `charter approve` could not make an approval that counts (no such role, no plan digest,
    /// a signature that would not verify).
    public static let approvalRefused = DiagnosticCode(
        "CH209", name: "approval-refused", summary: "an approval that would not count, so none was written")
    /// The purpose is not one of the policy's purposes.
    public static let decisionPurpose = DiagnosticCode(
        "CH210", name: "purpose-not-allowed", summary: "the purpose is not one the policy allows")
    /// The audience is not allowed in the tier.
    public static let decisionAudience = DiagnosticCode(
        "CH211", name: "audience-not-allowed", summary: "the audience is not allowed in the tier")
    /// A consumer is not allowed in the tier.
    public static let decisionConsumer = DiagnosticCode(
        "CH212", name: "consumer-not-allowed", summary: "a consumer is not allowed in the tier")
    /// The generator type is not allowed in the tier.
    public static let decisionGenerator = DiagnosticCode(
        "CH213", name: "generator-not-allowed", summary: "the generator is not allowed in the tier")
    /// Differential privacy is required and the request does not provide it.
    public static let decisionDifferentialPrivacy = DiagnosticCode(
        "CH214", name: "dp-required", summary: "the tier requires a differentially private generator")
    /// ε above the tier's cap, or missing.
    public static let decisionEpsilon = DiagnosticCode(
        "CH215", name: "epsilon-over-cap", summary: "ε is above the tier's cap or not stated")
    /// δ above the tier's cap, or missing.
    public static let decisionDelta = DiagnosticCode(
        "CH216", name: "delta-over-cap", summary: "δ is above the tier's cap or not stated")
    /// The requested expiry is past the tier's maximum validity, already past, or missing.
    public static let decisionExpiry = DiagnosticCode(
        "CH217", name: "expiry-not-allowed", summary: "the requested expiry is outside the tier's validity")
    /// A rule denies the request.
    public static let decisionRuleDenied = DiagnosticCode(
        "CH220", name: "rule-denied", summary: "a mandatory rule denies the request")
    /// An advisory rule warns.
    public static let decisionRuleWarning = DiagnosticCode(
        "CH221", name: "rule-warning", summary: "an advisory rule warns")
    /// An approval the request still needs.
    public static let decisionMissingApproval = DiagnosticCode(
        "CH222", name: "missing-approval", summary: "an approval the request still needs")
    /// An attached approval that does not count.
    public static let decisionIgnoredApproval = DiagnosticCode(
        "CH223", name: "ignored-approval", summary: "an approval that does not count")
    /// No tier applies: the request is denied (fail closed).
    public static let decisionNoTier = DiagnosticCode(
        "CH224", name: "no-tier", summary: "no tier applies, so the request is denied")
    /// A condition could not be evaluated against the request.
    public static let decisionConditionError = DiagnosticCode(
        "CH225", name: "condition-error", summary: "a condition could not be evaluated against the request")
    /// The privacy budget was not checked.
    public static let decisionBudgetUnchecked = DiagnosticCode(
        "CH226", name: "budget-not-checked", summary: "the lifetime privacy budget was not checked")
    /// A soft-mandatory rule was overridden; the override is recorded.
    public static let decisionOverride = DiagnosticCode(
        "CH227", name: "rule-overridden", summary: "a soft-mandatory rule was overridden")
    /// No policy to decide with.
    public static let decisionNoPolicy = DiagnosticCode(
        "CH228", name: "no-policy", summary: "no usable policy to decide with")
    /// The request spends more ε or δ than its source has left.
    public static let decisionBudgetExceeded = DiagnosticCode(
        "CH229", name: "budget-exceeded", summary: "the request spends more than its source's lifetime budget has left")
    /// What the source's lifetime budget has left, before and after the request.
    public static let decisionBudgetChecked = DiagnosticCode(
        "CH230", name: "budget-checked", summary: "the lifetime privacy budget the request draws on")
}
