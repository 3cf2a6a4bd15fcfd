public import CharterCore
import CharterPlan
public import CharterPolicy

/// What an approver signs: the text that binds one approval to one request, its content, one
/// plan, one role, one signer and one date. `charter approve` signs it; `ssh-keygen -Y sign -n
/// charter-approval` signs it as well, from the file `charter approve --statement` writes.
///
/// ```
/// charter-approval v1
/// request: REQ-2026-0201
/// request-digest: sha256:…
/// plan: sha256:…
/// role: data_steward
/// signer: carol@hospital.example
/// at: 2026-11-20
/// override: none
/// ```
///
/// The request digest covers everything in the request but its approvals, so an edit to any other
/// field voids every signature; the plan digest pins the policy, the source and the ledger state.
public enum ApprovalStatement {
    /// The SSHSIG namespace approvals are signed in, so that no other signature made with the
    /// same key (a git commit, a file) can be replayed as an approval.
    public static let namespace = "charter-approval"

    /// The statement for `approval` of `request`, signed by `signer` (canonical).
    public static func text(for approval: GenerationRequest.Approval, signer: Identity, of request: GenerationRequest)
        -> String
    {
        text(
            request: request, plan: approval.plan?.value, role: approval.role.value, signer: signer,
            at: approval.at.value, override: approval.override?.value)
    }

    /// The statement with its parts given.
    public static func text(
        request: GenerationRequest, plan: String?, role: String, signer: Identity, at date: CalendarDate,
        override: String?
    ) -> String {
        [
            "charter-approval v1",
            "request: \(request.id.value)",
            "request-digest: \(InputDigests.request(request))",
            "plan: \(plan ?? "none")",
            "role: \(role)",
            "signer: \(signer.canonical)",
            "at: \(date)",
            "override: \(override ?? "none")",
        ].joined(separator: "\n") + "\n"
    }
}
