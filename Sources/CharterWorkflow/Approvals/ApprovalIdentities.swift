public import CharterCore
public import CharterPolicy
public import CharterTrust

/// The policy's identities at work: approvals verified against its allowed signers (SSHSIG in
/// namespace ``ApprovalStatement/namespace``) and groups resolved through its directory.
public struct ApprovalIdentities: ApprovalAuthenticator {
    /// The allowed signers; `nil` when the policy names none (approvals are then not checked here,
    /// and ``ApprovalValidator`` never asks).
    public let allowedSigners: AllowedSigners?
    /// The groups; empty when the policy names no directory.
    public let directory: GroupDirectory

    /// Identities from the files a policy names.
    public init(allowedSigners: AllowedSigners?, directory: GroupDirectory) {
        self.allowedSigners = allowedSigners
        self.directory = directory
    }

    public func members(ofGroup name: String) -> [Identity] { directory.members(of: name) }

    public func problem(
        with approval: GenerationRequest.Approval, signer: Identity, of request: GenerationRequest, now: CalendarDate
    ) -> String? {
        guard let allowedSigners else { return "the policy's allowed signers were not loaded" }
        guard let armoured = approval.signature?.value else {
            return "it is not signed; sign it with `charter approve` or `ssh-keygen -Y sign -n \(ApprovalStatement.namespace)`"
        }
        let signature: SSHSignature
        do {
            signature = try SSHSignature(armoured: armoured)
        } catch {
            return "the signature cannot be read: \(error.message)"
        }
        guard signature.namespace == ApprovalStatement.namespace else {
            return "it is signed in namespace \"\(signature.namespace.prefix(40))\", not \"\(ApprovalStatement.namespace)\""
        }
        let statement = ApprovalStatement.text(for: approval, signer: signer, of: request)
        guard signature.isValid(for: Array(statement.utf8), namespace: ApprovalStatement.namespace) else {
            return "the signature does not match this approval: the request, plan, role, signer or date differ from what was signed"
        }
        let instants = [approval.at.value, now].map { Timestamp(secondsSinceEpoch: Int64($0.daysSinceEpoch) * 86_400) }
        if let refusal = allowedSigners.refusal(
            of: signature.publicKey, for: signer, namespace: ApprovalStatement.namespace, at: instants)
        {
            return refusal.description
        }
        return nil
    }
}
