public import CharterData

/// Which columns to declare as quasi-identifiers, so that the tier's k-anonymity can be reached.
///
/// Candidates are the columns declared (for `recommend`) or, when none are, the columns whose
/// header names a demographic (`age`, `sex`, `race`, `zip`, …) and the text columns of at most
/// ``maximumCategoricalDistinct`` categories, at most ``maximumProposed`` of them kept (for `init`). They are taken coarsest
/// first (fewest distinct values, then table order); each is kept when the rows grouped on the
/// kept columns plus it leave no class smaller than k, and left out otherwise: released to the
/// row, such a column makes k unreachable (the smallest class and the rows below k say by how much).
public struct QuasiIdentifierAdvice: Sendable, Equatable {
    /// One candidate and the verdict.
    public struct Entry: Sendable, Equatable {
        /// The column.
        public var column: String
        /// Whether to declare it.
        public var keep: Bool
        /// The smallest class with it added to the columns kept before it.
        public var smallestClass: Int
        /// Why, in one line.
        public var reason: String
    }

    /// Text columns with at most this many categories are proposed as quasi-identifiers (a person's
    /// status or group that others can know), besides the demographic ones.
    public static let maximumCategoricalDistinct = 10
    /// At most this many columns are proposed (declared ones are all judged).
    public static let maximumProposed = 4

    /// The verdicts, in the order judged.
    public var entries: [Entry]

    /// The columns to declare, in table order.
    public var kept: [String] { entries.filter(\.keep).map(\.column) }

    /// Judges `declared` (or, when `nil`, the proposed candidates) against `kMin` on `table`.
    /// - Complexity: O(candidates × rows × candidates).
    public init(_ table: Table, profile: DatasetProfile, declared: [String]?, excluded: Set<String>, kMin: Int?) {
        var candidates: [String]
        if let declared {
            candidates = declared.filter { table.column(named: $0) != nil }
        } else {
            let eligible = profile.columns.filter { entry in
                entry.directIdentifier == nil && !excluded.contains(entry.name)
                    && (2...DatasetProfile.maximumCandidateDistinct).contains(entry.profile.distinctCount)
            }
            candidates = eligible.filter { entry in
                ColumnNameHints(entry.name).has(DatasetProfile.demographic)
                    || (entry.profile.type != .numeric
                        && entry.profile.distinctCount <= Self.maximumCategoricalDistinct)
            }.map(\.name)
        }
        let order = table.columnNames
        let distinct = Dictionary(uniqueKeysWithValues: profile.columns.map { ($0.name, $0.profile.distinctCount) })
        candidates.sort { a, b in
            let da = distinct[a] ?? 0
            let db = distinct[b] ?? 0
            if da != db { return da < db }
            return (order.firstIndex(of: a) ?? 0) < (order.firstIndex(of: b) ?? 0)
        }
        var kept: [String] = []
        entries = []
        for column in candidates {
            if declared == nil, kept.count == Self.maximumProposed { break }
            let classes = EquivalenceClasses(table, columns: kept + [column])
            let smallest = classes.smallest
            let with =
                kept.isEmpty ? "'\(column)'" : "'\(column)' with \(kept.map { "'\($0)'" }.joined(separator: ", "))"
            if let kMin, smallest < kMin {
                let below = classes.rows(inClassesSmallerThan: kMin)
                entries.append(
                    Entry(
                        column: column, keep: false, smallestClass: smallest,
                        reason:
                            "grouped on \(with) the smallest class holds \(smallest) row\(smallest == 1 ? "" : "s") and \(below) rows sit in classes under k = \(kMin): released to the row it makes k unreachable; leave it out of the linkable keys or coarsen it first"
                    ))
            } else {
                kept.append(column)
                entries.append(
                    Entry(
                        column: column, keep: true, smallestClass: smallest,
                        reason: kMin.map {
                            "grouped on \(with) the smallest class holds \(smallest) rows (k = \($0) reachable)"
                        } ?? "grouped on \(with) the smallest class holds \(smallest) rows"))
            }
        }
        let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        entries.sort { (position[$0.column] ?? 0) < (position[$1.column] ?? 0) }
    }
}
