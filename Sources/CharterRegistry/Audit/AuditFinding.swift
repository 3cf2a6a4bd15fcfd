public import CharterCore

/// Something `audit verify` found wrong.
public struct AuditFinding: Sendable, Hashable {
    /// What kind of problem.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A record's content or hash no longer matches.
        case edited
        /// A record is missing.
        case deleted
        /// A record sits at a position other than the one it was written at.
        case reordered
        /// The chain head (last sequence number and hash) disagrees with the last record.
        case headMismatch = "head-mismatch"
        /// The ledger or catalogue tables disagree with what the chain recorded.
        case stateMismatch = "state-mismatch"
        /// SQLite's `PRAGMA integrity_check` failed.
        case corrupt

        /// The diagnostic code for the kind.
        public var code: DiagnosticCode {
            switch self {
            case .edited: .auditRecordEdited
            case .deleted: .auditRecordDeleted
            case .reordered: .auditRecordReordered
            case .headMismatch: .auditHeadMismatch
            case .stateMismatch: .registryStateMismatch
            case .corrupt: .registryCorrupt
            }
        }
    }

    /// What kind of problem.
    public var kind: Kind
    /// The audit record it is about, when one.
    public var seq: Int64?
    /// What is wrong, in one line.
    public var message: String
    /// Extra facts.
    public var notes: [String]

    /// Creates a finding.
    public init(_ kind: Kind, seq: Int64?, _ message: String, notes: [String] = []) {
        self.kind = kind
        self.seq = seq
        self.message = message
        self.notes = notes
    }

    /// The finding as an error diagnostic located at the registry file.
    public func diagnostic(registry path: String) -> Diagnostic {
        .error(
            kind.code, message, at: .file(path), notes: notes,
            help: kind == .corrupt
                ? "restore the registry from a backup"
                : "the registry was changed outside charter; restore it from a backup and investigate who changed it")
    }
}

/// The outcome of verifying the audit chain.
public struct AuditVerification: Sendable, Hashable {
    /// How many records the chain holds.
    public var recordCount: Int
    /// The chain head as recorded: the last sequence number and hash.
    public var headSeq: Int64
    /// The hash of the last record, as the head records it.
    public var headHash: String
    /// Everything wrong; empty when the chain is intact.
    public var findings: [AuditFinding]

    /// Whether nothing is wrong.
    public var isIntact: Bool { findings.isEmpty }
}

extension DiagnosticCode {
    /// An audit record was edited.
    public static let auditRecordEdited = DiagnosticCode(
        "CH500", name: "audit-record-edited", summary: "an audit record no longer matches its hash")
    /// An audit record was deleted.
    public static let auditRecordDeleted = DiagnosticCode(
        "CH501", name: "audit-record-deleted", summary: "an audit record is missing from the chain")
    /// Audit records were reordered.
    public static let auditRecordReordered = DiagnosticCode(
        "CH502", name: "audit-record-reordered",
        summary: "an audit record sits at another position than it was written at")
    /// The chain head disagrees with the records.
    public static let auditHeadMismatch = DiagnosticCode(
        "CH503", name: "audit-head-mismatch", summary: "the audit chain head disagrees with the last record")
    /// The ledger or catalogue disagrees with the chain.
    public static let registryStateMismatch = DiagnosticCode(
        "CH504", name: "registry-state-mismatch", summary: "the ledger or catalogue disagrees with the audit chain")
    /// SQLite's integrity check failed.
    public static let registryCorrupt = DiagnosticCode(
        "CH505", name: "registry-corrupt", summary: "the registry database fails its integrity check")
    /// A source's budget is used up.
    public static let budgetExhausted = DiagnosticCode(
        "CH510", name: "budget-exhausted", summary: "a source's privacy budget is used up")
    /// A reservation's lease ran out and it waits to be released.
    public static let leaseExpired = DiagnosticCode(
        "CH511", name: "lease-expired", summary: "a reservation's lease ran out; the next writer releases it")
    /// A certificate expires soon.
    public static let certificateExpiring = DiagnosticCode(
        "CH512", name: "certificate-expiring", summary: "a certificate expires within the window")
    /// A certificate has expired and was not revoked.
    public static let certificateExpired = DiagnosticCode(
        "CH513", name: "certificate-expired", summary: "a certificate has expired")
    /// The registry refused or failed an operation.
    public static let registryError = DiagnosticCode(
        "CH514", name: "registry-error", summary: "the registry refused or failed an operation")
}
