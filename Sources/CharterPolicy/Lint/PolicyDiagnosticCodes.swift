public import CharterCore

// The codes the policy layer emits, CH100–CH199. A code never changes meaning; retired codes
// are not reused. Each check keeps its messages beside it; this file only names the codes.
extension DiagnosticCode {
    /// The document is not a Charter document of a known kind.
    public static let policyDocument = DiagnosticCode(
        "CH100", name: "not-a-charter-document", summary: "the document lacks `charter: 1` or a known `kind`")
    /// A key the schema does not know.
    public static let policyUnknownKey = DiagnosticCode(
        "CH101", name: "unknown-key", summary: "a key the policy language does not know")
    /// A value of the wrong type.
    public static let policyWrongType = DiagnosticCode(
        "CH102", name: "wrong-type", summary: "a value of the wrong type")
    /// A required field is missing.
    public static let policyMissingField = DiagnosticCode(
        "CH103", name: "missing-field", summary: "a required field is missing")
    /// A number, duration or count outside its allowed range.
    public static let policyOutOfRange = DiagnosticCode(
        "CH104", name: "out-of-range", summary: "a value outside its allowed range")
    /// A role named but never defined under `roles`.
    public static let policyUndefinedRole = DiagnosticCode(
        "CH105", name: "undefined-role", summary: "a role that `roles` does not define")
    /// A role with no members: nobody could ever approve in it.
    public static let policyEmptyRole = DiagnosticCode(
        "CH106", name: "empty-role", summary: "a role with no members")
    /// Two rules with the same id.
    public static let policyDuplicateRule = DiagnosticCode(
        "CH107", name: "duplicate-rule", summary: "two rules share an id")
    /// Two tiers with the same name.
    public static let policyDuplicateTier = DiagnosticCode(
        "CH108", name: "duplicate-tier", summary: "two tiers share a name")
    /// A tier after one whose condition always holds: it can never apply.
    public static let policyUnreachableTier = DiagnosticCode(
        "CH109", name: "unreachable-tier", summary: "a tier that follows one that always applies")
    /// No tier always holds, so some requests match none and are denied.
    public static let policyNoDefaultTier = DiagnosticCode(
        "CH110", name: "no-default-tier", summary: "no tier always applies; unmatched requests are denied")
    /// Differential privacy required without an ε cap.
    public static let policyDPWithoutEpsilonCap = DiagnosticCode(
        "CH111", name: "dp-without-epsilon-cap",
        summary: "differential privacy is required but `epsilon_max` is missing")
    /// A soft-mandatory rule without a role that may override it.
    public static let policySoftMandatoryWithoutOverride = DiagnosticCode(
        "CH112", name: "soft-mandatory-without-override", summary: "a soft-mandatory rule names no `override_by` role")
    /// An overlay that loosens its base policy.
    public static let policyLooseningOverlay = DiagnosticCode(
        "CH113", name: "loosening-overlay", summary: "an overlay loosens its base policy")
    /// A YAML 1.1 boolean (`yes`, `no`, `on`, `off`) where YAML 1.2 reads a string.
    public static let policyYAML11Boolean = DiagnosticCode(
        "CH114", name: "yaml11-boolean", summary: "a YAML 1.1 boolean, which YAML 1.2 reads as a string")
    /// A condition that does not parse.
    public static let expressionSyntax = DiagnosticCode(
        "CH115", name: "condition-syntax", summary: "a condition that does not parse")
    /// A condition names a field the request does not have.
    public static let expressionUnknownField = DiagnosticCode(
        "CH116", name: "unknown-field", summary: "a condition names a field the request does not have")
    /// Operands or a condition of the wrong type.
    public static let expressionTypeMismatch = DiagnosticCode(
        "CH117", name: "type-mismatch", summary: "a condition mixes types or is not boolean")
    /// An enumeration value that does not exist.
    public static let policyUnknownEnumValue = DiagnosticCode(
        "CH118", name: "unknown-value", summary: "a value outside its enumeration")
    /// An unknown function, or a call with the wrong number of arguments.
    public static let expressionUnknownFunction = DiagnosticCode(
        "CH119", name: "unknown-function", summary: "an unknown function or a call with the wrong arguments")
    /// Text that should be a duration or a date and is not.
    public static let policyInvalidDuration = DiagnosticCode(
        "CH120", name: "invalid-duration-or-date", summary: "text that is not a valid duration or date")
    /// `override_by` on a rule that is not soft-mandatory: it has no effect.
    public static let policyIneffectiveOverride = DiagnosticCode(
        "CH121", name: "ineffective-override", summary: "`override_by` on a rule that is not soft-mandatory")
    /// A rule with no effect, or more than one.
    public static let policyRuleEffect = DiagnosticCode(
        "CH122", name: "rule-effect", summary: "a rule needs exactly one of `deny`, `require`, `warn`")
    /// An expiry warning window not shorter than the validity.
    public static let policyExpiryWindow = DiagnosticCode(
        "CH123", name: "expiry-window", summary: "the expiry warning window is not shorter than the validity")
    /// `extends` names a base that cannot be read, or the chain loops.
    public static let policyUnresolvedBase = DiagnosticCode(
        "CH124", name: "unresolved-base", summary: "`extends` names a base policy that cannot be loaded")
    /// A role defined but never used.
    public static let policyUnusedRole = DiagnosticCode(
        "CH125", name: "unused-role", summary: "a role that no approval, rule or override uses")
    /// A condition that is constant (`when: false`), so its tier or rule never or always applies.
    public static let policyConstantCondition = DiagnosticCode(
        "CH126", name: "constant-condition", summary: "a rule or tier condition that never holds")
    /// DP required while the tier allows a generator that does not provide it.
    public static let policyDPGeneratorMismatch = DiagnosticCode(
        "CH127", name: "dp-generator-mismatch", summary: "DP is required but a non-DP generator is allowed")
    /// A tier's ε cap above the lifetime budget per source.
    public static let policyCapExceedsBudget = DiagnosticCode(
        "CH128", name: "cap-exceeds-budget", summary: "a tier's `epsilon_max` exceeds the per-source lifetime budget")
    /// The same entry twice in a list.
    public static let policyDuplicateEntry = DiagnosticCode(
        "CH129", name: "duplicate-entry", summary: "the same entry appears twice in a list")
    /// A δ cap too large to be meaningful.
    public static let policyLargeDelta = DiagnosticCode(
        "CH130", name: "large-delta", summary: "a δ cap above 1e-4, large enough to allow releasing records outright")
    /// A version that is not semantic versioning.
    public static let policyVersionFormat = DiagnosticCode(
        "CH131", name: "version-format", summary: "`version` is not a semantic version (MAJOR.MINOR.PATCH)")
    /// A tier or rule that can never be satisfied.
    public static let policyUnsatisfiable = DiagnosticCode(
        "CH132", name: "unsatisfiable-controls", summary: "controls that no request can satisfy")
    /// A role member that is not a well-formed identity, or an identities file that cannot be used.
    public static let policyInvalidIdentity = DiagnosticCode(
        "CH133", name: "invalid-identity", summary: "a role member, signer or group that is not a well-formed identity")
    /// A `group:` role member that no directory resolves, so nobody approves through it.
    public static let policyUnresolvedGroup = DiagnosticCode(
        "CH134", name: "unresolved-group", summary: "a group as role member, with no directory to resolve it")
    /// Signed policies are required and the policy set is unsigned, signed by an unknown key, or
    /// changed since it was signed.
    public static let policyNotSigned = DiagnosticCode(
        "CH135", name: "policy-not-signed", summary: "the policy set is not signed by an allowed key, or changed since")
}
