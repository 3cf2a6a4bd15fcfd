public import CharterCore

extension DiagnosticCode {
    /// Text cells a spreadsheet would run as formulas.
    public static let formulaCells = DiagnosticCode(
        "CH640", name: "formula-cells", summary: "text cells start as spreadsheet formulas do")
    /// An argument of `init` or `recommend` is malformed or names no column of the data.
    public static let profileArgument = DiagnosticCode(
        "CH641", name: "profile-argument", summary: "an argument is malformed or names no column of the data")
    /// The policy selects no tier for the request `init` wrote, so the request would be denied.
    public static let skeletonNoTier = DiagnosticCode(
        "CH642", name: "skeleton-no-tier", summary: "the policy selects no tier for the request skeleton")
}
