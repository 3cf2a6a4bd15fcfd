public import CharterCore

/// One mechanism's spend against a source's budget: reserved before a run, then committed when the
/// run used it or released when it did not.
public struct LedgerEvent: Sendable, Hashable {
    /// Where an event is in its life.
    public enum State: String, Sendable, Hashable, CaseIterable {
        /// Held for a running process until its lease expires.
        case reserved
        /// Spent for good.
        case committed
        /// Given back: the run failed, was cancelled, or its lease expired.
        case released
    }

    /// The ledger's id for the event, increasing in the order events were reserved.
    public var id: Int64
    /// The source dataset whose budget it draws on.
    public var source: String
    /// The run it belongs to (a run id or plan digest).
    public var run: String
    /// The mechanism, as its accounting describes it (e.g. `dp-copula: 12 discrete-Gaussian marginals`).
    public var mechanism: String
    /// What it costs.
    public var cost: PrivacyCost
    /// Where it is in its life.
    public var state: State
    /// Who reserved it.
    public var actor: String
    /// When it was reserved.
    public var reservedAt: Timestamp
    /// When its lease runs out; a reservation still held then is released by the next writer.
    public var leaseExpiresAt: Timestamp
    /// When it was committed or released.
    public var settledAt: Timestamp?
    /// Why it was released.
    public var releaseReason: String?

    /// Whether it is a reservation whose lease has run out at `now`.
    public func leaseExpired(at now: Timestamp) -> Bool {
        state == .reserved && leaseExpiresAt <= now
    }
}

/// What a run asks to reserve.
/// What binds a reservation to the plan it runs: one plan reserves once, and only against the
/// ledger state it was made (and approved) against. Checked inside the reserving transaction, so
/// no interleaving of runs can slip between the check and the reservation.
public struct LedgerPin: Sendable {
    /// The plan digest; a ledger event already recorded for it means the plan has run.
    public var plan: String
    /// Whether the source's ledger, as it stands before this reservation (`nil`: the source is not
    /// registered), is the one the plan pinned.
    public var matches: @Sendable (BudgetStatement?) -> Bool

    /// A pin for `plan`.
    public init(plan: String, matches: @escaping @Sendable (BudgetStatement?) -> Bool) {
        self.plan = plan
        self.matches = matches
    }
}

public struct ReservationRequest: Sendable, Hashable {
    /// The source dataset.
    public var source: String
    /// The run it is for.
    public var run: String
    /// The mechanism's accounting description.
    public var mechanism: String
    /// The cost.
    public var cost: PrivacyCost
    /// How long the reservation is held without a commit, release or renewal.
    public var lease: Duration
    /// Who reserves.
    public var actor: String

    /// Describes a reservation.
    public init(source: String, run: String, mechanism: String, cost: PrivacyCost, lease: Duration, actor: String) {
        self.source = source
        self.run = run
        self.mechanism = mechanism
        self.cost = cost
        self.lease = lease
        self.actor = actor
    }
}
