public import CharterData

/// What `charter profile` reports of a table: each column's type, missing share, distinct values,
/// uniqueness, range or categories and histogram; the direct identifiers with their evidence; and
/// the quasi-identifier candidates, small sets of columns whose combinations single out rows.
public struct DatasetProfile: Sendable, Equatable {
    /// One column of the profile.
    public struct ColumnEntry: Sendable, Equatable {
        /// Type, missing, distinct, range and histogram (``TableProfile``'s rules).
        public var profile: ColumnProfile
        /// The meaning ``TableSchema/inferred(from:)`` gives the column.
        public var semanticType: SemanticType
        /// Distinct present values ÷ present rows.
        public var uniqueness: Double
        /// The direct-identifier finding, when a rule fired.
        public var directIdentifier: DirectIdentifier?

        /// The column's name.
        public var name: String { profile.name }

        /// Whether the column's values are kept out of every rendering (its range, categories and
        /// histogram): a profile is read by people who must not see the identifiers it found.
        public var valuesWithheld: Bool { directIdentifier != nil }
    }

    /// A small set of columns and how many rows their combined values single out.
    public struct QuasiIdentifierSet: Sendable, Equatable {
        /// The columns, in table order.
        public var columns: [String]
        /// Rows alone in their class.
        public var uniqueRows: Int
        /// ``uniqueRows`` ÷ rows.
        public var uniqueShare: Double
        /// The smallest class.
        public var smallestClass: Int
        /// The number of classes.
        public var classes: Int
    }

    /// The number of rows.
    public var rowCount: Int
    /// One entry per column, in table order.
    public var columns: [ColumnEntry]
    /// The riskiest quasi-identifier sets, most rows singled out first (at most ``maximumSetsReported``).
    public var quasiIdentifierCandidates: [QuasiIdentifierSet]

    /// Columns considered for quasi-identifier sets: not direct identifiers, 2 to this many distinct values.
    public static let maximumCandidateDistinct = 120
    /// At most this many columns enter the quasi-identifier search (sets of one to three of them).
    public static let maximumCandidates = 8
    /// The largest set size searched.
    public static let maximumSetSize = 3
    /// How many sets the profile keeps.
    public static let maximumSetsReported = 12

    /// Profiles `table`.
    ///
    /// Quasi-identifier candidates: the columns that are not direct identifiers and have 2 to
    /// ``maximumCandidateDistinct`` distinct values; those whose header names a demographic
    /// (`age`, `sex`, `gender`, `race`, `zip`, …) first, then the most distinct; at most
    /// ``maximumCandidates`` of them. Every set of one to three candidates is grouped, and the sets
    /// that leave the most rows alone in their class are reported (ties: smaller sets, then names).
    /// - Complexity: O(rows × (columns + sets)), at most 92 sets.
    public init(_ table: Table, detector: IdentifierDetector = IdentifierDetector()) {
        rowCount = table.rowCount
        let base = TableProfile(table)
        let schema = TableSchema.inferred(from: [table])
        columns = zip(table.columns, base.columns).map { column, profile in
            let present = profile.rowCount - profile.missingCount
            return ColumnEntry(
                profile: profile, semanticType: schema.types[column.name] ?? .categorical,
                uniqueness: present == 0 ? 0 : Double(profile.distinctCount) / Double(present),
                directIdentifier: detector.detect(column))
        }
        quasiIdentifierCandidates = Self.quasiIdentifierSets(table, columns: columns)
    }

    /// The names of the columns flagged as direct identifiers, in table order.
    public var directIdentifiers: [String] { columns.filter { $0.directIdentifier != nil }.map(\.name) }

    /// The entry of the column called `name`.
    public func column(named name: String) -> ColumnEntry? { columns.first { $0.name == name } }

    static let demographic: Set<String> = [
        "age", "sex", "gender", "male", "female", "race", "ethnicity", "ethnic", "marital", "zip", "postcode",
        "country", "region",
        "occupation", "education", "income", "language", "religion", "nationality", "birth", "height", "weight",
    ]

    static func quasiIdentifierSets(_ table: Table, columns: [ColumnEntry]) -> [QuasiIdentifierSet] {
        let eligible = columns.enumerated().filter { _, entry in
            entry.directIdentifier == nil
                && (2...maximumCandidateDistinct).contains(entry.profile.distinctCount)
        }
        let ranked = eligible.sorted { a, b in
            let ha = ColumnNameHints(a.element.name).has(demographic)
            let hb = ColumnNameHints(b.element.name).has(demographic)
            if ha != hb { return ha }
            if a.element.profile.distinctCount != b.element.profile.distinctCount {
                return a.element.profile.distinctCount > b.element.profile.distinctCount
            }
            return a.offset < b.offset
        }
        let chosen = ranked.prefix(maximumCandidates).map(\.offset).sorted()
        var sets: [[Int]] = []
        func extend(_ current: [Int], from start: Int) {
            if !current.isEmpty { sets.append(current) }
            guard current.count < maximumSetSize else { return }
            for next in start..<chosen.count { extend(current + [chosen[next]], from: next + 1) }
        }
        extend([], from: 0)
        let measured = sets.map { indices -> QuasiIdentifierSet in
            let names = indices.map { columns[$0].name }
            let classes = EquivalenceClasses(table, columns: names)
            return QuasiIdentifierSet(
                columns: names, uniqueRows: classes.uniqueRows, uniqueShare: classes.uniqueShare,
                smallestClass: classes.smallest, classes: classes.sizes.count)
        }
        return Array(
            measured.sorted { a, b in
                if a.uniqueRows != b.uniqueRows { return a.uniqueRows > b.uniqueRows }
                if a.columns.count != b.columns.count { return a.columns.count < b.columns.count }
                return a.columns.lexicographicallyPrecedes(b.columns) { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            }.prefix(maximumSetsReported))
    }
}
