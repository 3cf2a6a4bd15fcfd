public import CharterCore
public import CharterRegistry

/// What a governance dashboard shows of a registry at one instant: every source's budget, the
/// requests waiting for approvals, the certificates expiring soon or revoked, the latest audit
/// records and whether the chain verifies.
///
/// Each part is read through the same registry operations the JSON API and the command line use
/// (``RegistryStore/budgets(at:)``, ``RegistryStore/certificates(expiringWithin:at:)``,
/// ``RegistryStore/verifyAudit()``), so the overview cannot disagree with them. The work is bounded
/// by what it shows: the latest ``auditLimit`` records, pending approvals derived from the latest
/// ``approvalWindow`` records that bear on them (``PendingApproval``), and a verification reused
/// at most once per interval (``AuditVerificationCache``).
public struct GovernanceOverview: Sendable {
    /// The instant it describes.
    public var asOf: Timestamp
    /// Every source's budget, sorted by source.
    public var budgets: [BudgetStatement]
    /// Requests waiting for approvals, newest refusal first.
    public var pendingApprovals: [PendingApproval]
    /// Certificates not revoked that expire within ``expiryWindow`` of ``asOf`` (or have expired),
    /// soonest first.
    public var expiring: [CertificateRecord]
    /// Revoked certificates, latest revocation first.
    public var revoked: [CertificateRecord]
    /// The latest audit records, newest first.
    public var latestAudit: [AuditRecord]
    /// The chain's verification, and whether it was reused from an earlier one of the same head.
    public var verification: AuditVerification
    /// Whether ``verification`` was reused rather than made for this overview.
    public var verificationReused: Bool

    /// How many records the chain holds past the head ``verification`` covered (a reused
    /// verification made before the chain grew).
    public var unverifiedRecords: Int64 {
        max(0, (latestAudit.first?.seq ?? 0) - verification.headSeq)
    }

    /// How many audit records an overview shows by default.
    public static let auditLimit = 20
    /// How many of the latest approval-related audit records pending approvals are derived from.
    public static let approvalWindow = 1000
    /// How far ahead an expiring certificate is listed: 30 days, as `charter catalog expiring`.
    public static let expiryWindow: Duration = .seconds(30 * 86_400)

    /// Reads the overview of `store` at `now`.
    /// - Parameters:
    ///   - verifications: where a verification of an unchanged chain is reused; `nil` verifies now.
    ///   - auditLimit: how many of the latest audit records to show.
    /// - Throws: the registry's error when a part cannot be read.
    public init(
        store: any RegistryStore, at now: Timestamp, verifications: AuditVerificationCache? = nil,
        auditLimit: Int = GovernanceOverview.auditLimit
    ) throws(RegistryError) {
        asOf = now
        budgets = try store.budgets(at: now)
        pendingApprovals = PendingApproval.pending(
            in: try store.latestAuditRecords(Self.approvalWindow, actions: PendingApproval.auditActions))
        expiring = try store.certificates(expiringWithin: Self.expiryWindow, at: now)
        revoked = try store.certificates().filter { $0.revocation != nil }
            .sorted { ($0.revocation?.at ?? now, $0.id) > ($1.revocation?.at ?? now, $1.id) }
        let latest = try store.latestAuditRecords(auditLimit, actions: [])
        latestAudit = latest.reversed()
        if let verifications {
            (verification, verificationReused) = try verifications.verification(of: store, head: latest.last)
        } else {
            verification = try store.verifyAudit()
            verificationReused = false
        }
    }
}
