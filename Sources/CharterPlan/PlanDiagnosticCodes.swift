public import CharterCore

extension DiagnosticCode {
    /// A decided request could not be compiled to a plan (its decision and inputs disagree).
    public static let planNotCompiled = DiagnosticCode(
        "CH300", name: "plan-not-compiled", summary: "a request could not be compiled to a plan")
    /// A plan file is not a plan: not JSON, or a member missing, unknown or of the wrong type.
    public static let planUnreadable = DiagnosticCode(
        "CH301", name: "plan-unreadable", summary: "a plan file is not a plan charter can read")
    /// An input of a plan changed since the plan was made, or the plan itself was edited.
    public static let planDrift = DiagnosticCode(
        "CH302", name: "plan-drift", summary: "the policy, request, source or ledger changed since the plan was made")
}
