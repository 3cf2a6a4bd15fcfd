public import CharterRegistry
import Synchronization

/// The last audit verification a long-running front end made, reused so that showing the chain's
/// state costs at most one full verification per ``minimumInterval``, however often it is shown.
///
/// Verifying replays the whole chain against the tables, O(*n*) in the records (about 14 s for
/// 100,000 records in a debug build): a page that verified on every view would let any reader
/// keep the registry busy. A result is reused
/// - while the chain's latest record is the one it verified, for up to ``maximumAge``;
/// - after the chain has grown, for up to ``minimumInterval``: it then covers the chain up to its
///   own head (``AuditVerification/headSeq``), and the records after it wait for the next one.
///
/// A change that touches a table without appending to the chain (tampering with the file directly)
/// is seen once the result ages out; `POST /v1/audit:verify` and `charter audit verify` always
/// verify. While one verification runs, other callers reuse the last result instead of starting
/// their own (the first ones, with none yet, each verify).
public final class AuditVerificationCache: Sendable {
    /// How long a result is reused while the chain's head stays the same.
    public let maximumAge: Duration
    /// How long a result is reused after the chain has grown past it.
    public let minimumInterval: Duration
    private let state: Mutex<State>

    private struct Entry {
        /// When the verification finished: a slow one is not stale the moment it is made.
        var made: ContinuousClock.Instant
        var verification: AuditVerification
    }

    private struct State {
        var last: Entry?
        /// Whether a verification is under way: callers meanwhile reuse ``last`` rather than start another.
        var verifying = false
    }

    /// An empty cache.
    public init(maximumAge: Duration = .seconds(60), minimumInterval: Duration = .seconds(10)) {
        self.maximumAge = maximumAge
        self.minimumInterval = minimumInterval
        state = Mutex(State())
    }

    /// The verification of `store`'s chain whose latest record is `head` (`nil` for an empty
    /// chain): a cached one when the rules above allow, else a new one.
    /// - Returns: the verification and whether it was reused.
    public func verification(of store: any RegistryStore, head: AuditRecord?) throws(RegistryError)
        -> (verification: AuditVerification, reused: Bool)
    {
        let reusable: AuditVerification? = state.withLock { current in
            if let entry = current.last {
                let age = ContinuousClock.now - entry.made
                let same =
                    entry.verification.headSeq == (head?.seq ?? 0)
                    && entry.verification.headHash == (head?.hash ?? AuditRecord.genesisHash)
                if current.verifying || age < (same ? maximumAge : minimumInterval) { return entry.verification }
            }
            current.verifying = true
            return nil
        }
        if let reusable { return (reusable, true) }
        let verification: AuditVerification
        do {
            verification = try store.verifyAudit()
        } catch {
            state.withLock { $0.verifying = false }
            throw error
        }
        state.withLock { $0 = State(last: Entry(made: ContinuousClock.now, verification: verification)) }
        return (verification, false)
    }
}
