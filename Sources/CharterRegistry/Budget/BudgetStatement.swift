public import CharterCore

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// A source's budget at one instant: its cap, what is committed, what live reservations hold, and
/// what remains, with every event.
public struct BudgetStatement: Sendable, Hashable {
    /// The source dataset.
    public var source: String
    /// Its lifetime cap.
    public var cap: BudgetCap
    /// When it was registered.
    public var registeredAt: Timestamp
    /// The instant the statement describes.
    public var asOf: Timestamp
    /// Every event, in id order.
    public var events: [LedgerEvent]
    /// The composition of the committed events.
    public var committed: BudgetSpend
    /// The composition of the committed events and the live reservations together: what a new
    /// reservation is checked against.
    public var held: BudgetSpend

    /// Builds a statement; reservations whose lease expired at `asOf` count as released.
    init(source: String, cap: BudgetCap, registeredAt: Timestamp, asOf: Timestamp, events: [LedgerEvent]) {
        self.source = source
        self.cap = cap
        self.registeredAt = registeredAt
        self.asOf = asOf
        self.events = events
        let committedCosts = events.filter { $0.state == .committed }.map(\.cost)
        let liveCosts = events.filter {
            $0.state == .committed || ($0.state == .reserved && !$0.leaseExpired(at: asOf))
        }
        .map(\.cost)
        self.committed = BudgetComposition.compose(committedCosts, deltaCap: cap.delta)
        self.held = BudgetComposition.compose(liveCosts, deltaCap: cap.delta)
    }

    /// The live reservations' share: what is held beyond the committed spend (`nil` ε when the
    /// held spend has no finite ε).
    public var reservedEpsilon: Decimal? {
        guard let held = held.epsilon, let committed = committed.epsilon else { return nil }
        return held - committed
    }

    /// The δ the live reservations hold beyond the committed spend.
    public var reservedDelta: Decimal { held.delta - committed.delta }

    /// The ε left: the cap less the held spend, never below zero.
    public var remainingEpsilon: Decimal {
        guard let held = held.epsilon else { return 0 }
        return max(0, cap.epsilon - held)
    }

    /// The δ left: the cap less the held spend, never below zero.
    public var remainingDelta: Decimal { max(0, cap.delta - held.delta) }

    /// Reservations still marked reserved whose lease has run out; the next writer releases them.
    public var expiredLeases: [LedgerEvent] { events.filter { $0.leaseExpired(at: asOf) } }

    /// Whether nothing is left to spend.
    public var isExhausted: Bool { remainingEpsilon == 0 || !held.fits(cap) }
}
