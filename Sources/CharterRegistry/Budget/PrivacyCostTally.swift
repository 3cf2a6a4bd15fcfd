/// A multiset of privacy costs: each distinct cost once, with how many events carry it, in the
/// order of its first event.
///
/// ``BudgetComposition`` composes a tally, never a list, so the spend of a ledger depends only on
/// its distinct costs, their counts and their first-seen order. That lets a store hand over its
/// live costs already counted (`GROUP BY cost … ORDER BY min(id)`), in work that does not grow with
/// the ledger, and still get the spend a statement composes from every event, to the last bit.
public struct PrivacyCostTally: Sendable, Hashable {
    /// One distinct cost and how many events carry it.
    public struct Entry: Sendable, Hashable {
        /// The cost.
        public let cost: PrivacyCost
        /// How many events carry it (at least 1).
        public fileprivate(set) var count: Int
    }

    /// The distinct costs, in the order each first occurred.
    public private(set) var entries: [Entry] = []
    private var positions: [PrivacyCost: Int] = [:]

    /// An empty tally.
    public init() {}

    /// The tally of `costs`, taken in order.
    public init(_ costs: some Sequence<PrivacyCost>) {
        for cost in costs { add(cost) }
    }

    /// Whether no cost was added.
    public var isEmpty: Bool { entries.isEmpty }

    /// Adds `count` events of `cost` (nothing when `count` is not positive): to its entry when the
    /// tally holds it, else as a new last entry.
    public mutating func add(_ cost: PrivacyCost, count: Int = 1) {
        guard count > 0 else { return }
        if let position = positions[cost] {
            entries[position].count += count
        } else {
            positions[cost] = entries.count
            entries.append(Entry(cost: cost, count: count))
        }
    }

    /// This tally with one more event of `cost`.
    public func adding(_ cost: PrivacyCost) -> PrivacyCostTally {
        var copy = self
        copy.add(cost)
        return copy
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.entries == rhs.entries }
    public func hash(into hasher: inout Hasher) { hasher.combine(entries) }
}
