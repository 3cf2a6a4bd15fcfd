import CharterCore

/// Audit records that change no table: what a front end let in or turned away on its callers'
/// behalf, so that the chain names who asked for every change, including the changes refused.
/// ``AuditVerifier`` replays them as no change to the registry's state.
public enum AuditNote: String, Sendable, CaseIterable {
    /// `{operation, status, reason}`: a request to change state that was refused (no or a wrong
    /// token, a role that may not, a denied or pending plan, a full run queue); a pending plan's
    /// refusal adds `{request, plan, awaiting}`, the approvals it waits for.
    case requestRefused = "request.refuse"
    /// `{request, role, signer}`: a signed approval a server verified and accepted.
    case approvalAccepted = "approval.accept"
    /// `{run, request, plan}`: a run a server accepted into its queue.
    case runAccepted = "run.accept"
    /// `{run, request, plan, status}`: a run a server found unfinished when it started again
    /// (killed mid-run); its reservation, if it made one, lapses when its lease ends.
    case runInterrupted = "run.interrupt"
}

extension AuditNote {
    /// Checks what a note records: the subject and actor are registry names.
    static func check(subject: String, actor: String) throws(RegistryError) {
        try RegistryName.check(subject, "subject")
        try RegistryName.check(actor, "actor")
    }
}
