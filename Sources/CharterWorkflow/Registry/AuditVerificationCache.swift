public import CharterRegistry
import Synchronization

/// The last audit verification a long-running front end made, reused while the chain's latest
/// record is the same one and the result is younger than ``maximumAge``.
///
/// Verifying replays the whole chain against the tables, O(*n*) in the records: a page that shows
/// the chain's state on every view would otherwise verify it on every view. A change that touches a
/// table without appending to the chain (tampering with the file directly) is seen once the result
/// ages out or the chain grows; `POST /v1/audit:verify` and `charter audit verify` always verify.
public final class AuditVerificationCache: Sendable {
    /// How long a result is reused while the chain's head stays the same.
    public let maximumAge: Duration
    private let last: Mutex<Entry?>

    private struct Entry {
        var seq: Int64
        var hash: String
        var made: ContinuousClock.Instant
        var verification: AuditVerification
    }

    /// An empty cache whose results are reused for at most `maximumAge`.
    public init(maximumAge: Duration = .seconds(60)) {
        self.maximumAge = maximumAge
        last = Mutex(nil)
    }

    /// The verification of `store`'s chain whose latest record is `head` (`nil` for an empty
    /// chain): the cached one when it was made for that head within ``maximumAge``, else a new one.
    /// - Returns: the verification and whether it was reused.
    public func verification(of store: any RegistryStore, head: AuditRecord?) throws(RegistryError)
        -> (verification: AuditVerification, cached: Bool)
    {
        let seq = head?.seq ?? 0
        let hash = head?.hash ?? ""
        let now = ContinuousClock.now
        if let entry = last.withLock({ $0 }), entry.seq == seq, entry.hash == hash, now - entry.made < maximumAge {
            return (entry.verification, true)
        }
        let verification = try store.verifyAudit()
        last.withLock { $0 = Entry(seq: seq, hash: hash, made: now, verification: verification) }
        return (verification, false)
    }
}
