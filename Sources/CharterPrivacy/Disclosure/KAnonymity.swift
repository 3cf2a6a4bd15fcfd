#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Musl)
    internal import Musl
#elseif canImport(Darwin)
    internal import Darwin
#endif
public import CharterData

/// Classic k-anonymity and l-diversity over declared quasi-identifiers (metrics.md §2.6).
///
/// An equivalence class is the set of rows with identical quasi-identifier values (exact equality of
/// parsed values; missing is a value of its own). k is the smallest class; distinct l the smallest
/// number of distinct sensitive values in a class; entropy l the smallest exp(−Σ p ln p) over classes
/// (natural log), as `Tests/Fixtures/reference-metrics/README.md` ("k-anonymity and l-diversity") defines them.
public struct KAnonymity: Sendable, Equatable {
    /// The measures of one table.
    public struct TableMeasures: Sendable, Equatable {
        /// Rows in the table.
        public var rowCount: Int
        /// Number of equivalence classes.
        public var classCount: Int
        /// The smallest class size (0 for an empty table).
        public var k: Int
        /// The smallest number of distinct sensitive values in a class (nil without a sensitive column).
        public var distinctL: Int?
        /// The smallest exp(entropy) of the sensitive values in a class (nil without a sensitive column).
        public var entropyL: Double?
        /// Classes of size 1 to threshold − 1.
        public var classesBelowThreshold: Int
        /// Rows in those classes.
        public var rowsInClassesBelowThreshold: Int
        /// Classes of size 1.
        public var singletonClasses: Int
        /// Classes whose rows all share one sensitive value (nil without a sensitive column).
        public var classesWithSingleSensitiveValue: Int?
    }

    /// The quasi-identifier columns, in the order given.
    public var quasiIdentifiers: [String]
    /// The sensitive column for l-diversity.
    public var sensitive: String?
    /// Classes smaller than this are "small".
    public var smallClassThreshold: Int
    /// The real (train) table's measures.
    public var train: TableMeasures
    /// The synthetic table's measures.
    public var synthetic: TableMeasures
    /// Synthetic rows whose quasi-identifier tuple is that of a train class of size 1 to threshold − 1.
    public var syntheticRowsInSmallTrainClasses: Int
    /// Synthetic rows whose tuple is that of a train class of size 1.
    public var syntheticRowsInTrainSingletonClasses: Int
    /// Synthetic rows whose tuple does not occur in train.
    public var syntheticRowsAbsentFromTrain: Int

    /// Measures `train` and `synthetic` over `quasiIdentifiers` (non-empty), with l-diversity over
    /// `sensitive` when given. Throws when a named column is missing from either table.
    public init(
        train trainTable: Table, synthetic syntheticTable: Table, quasiIdentifiers: [String], sensitive: String?,
        smallClassThreshold: Int = 5
    ) throws(DisclosureInputError) {
        guard !quasiIdentifiers.isEmpty else { throw DisclosureInputError("no quasi-identifiers were declared") }
        guard smallClassThreshold >= 1 else { throw DisclosureInputError("the small-class threshold must be at least 1") }
        self.quasiIdentifiers = quasiIdentifiers
        self.sensitive = sensitive
        self.smallClassThreshold = smallClassThreshold
        let trainClasses = try Self.classes(of: trainTable, role: "train", quasiIdentifiers, sensitive)
        let syntheticClasses = try Self.classes(of: syntheticTable, role: "synthetic", quasiIdentifiers, sensitive)
        train = Self.measures(trainClasses, rows: trainTable.rowCount, threshold: smallClassThreshold, sensitive != nil)
        synthetic = Self.measures(
            syntheticClasses, rows: syntheticTable.rowCount, threshold: smallClassThreshold, sensitive != nil)
        var inSmall = 0
        var inSingleton = 0
        var absent = 0
        for (key, syntheticClass) in syntheticClasses {
            guard let trainClass = trainClasses[key] else {
                absent += syntheticClass.size
                continue
            }
            if trainClass.size < smallClassThreshold { inSmall += syntheticClass.size }
            if trainClass.size == 1 { inSingleton += syntheticClass.size }
        }
        syntheticRowsInSmallTrainClasses = inSmall
        syntheticRowsInTrainSingletonClasses = inSingleton
        syntheticRowsAbsentFromTrain = absent
    }

    struct EquivalenceClass {
        var size = 0
        var sensitiveCounts: [DisclosureCell: Int] = [:]
    }

    static func classes(
        of table: Table, role: String, _ quasiIdentifiers: [String], _ sensitive: String?
    ) throws(DisclosureInputError) -> [[DisclosureCell]: EquivalenceClass] {
        var columns: [ColumnValues] = []
        for name in quasiIdentifiers {
            columns.append(try DisclosureInputError.column(name, in: table, role: role).values)
        }
        let sensitiveValues = try sensitive.map { name throws(DisclosureInputError) in
            try DisclosureInputError.column(name, in: table, role: role).values
        }
        var classes: [[DisclosureCell]: EquivalenceClass] = [:]
        var key: [DisclosureCell] = []
        key.reserveCapacity(columns.count)
        for row in 0..<table.rowCount {
            key.removeAll(keepingCapacity: true)
            for column in columns { key.append(DisclosureCell(column, row: row)) }
            classes[key, default: EquivalenceClass()].size += 1
            if let sensitiveValues {
                classes[key]?.sensitiveCounts[DisclosureCell(sensitiveValues, row: row), default: 0] += 1
            }
        }
        return classes
    }

    static func measures(
        _ classes: [[DisclosureCell]: EquivalenceClass], rows: Int, threshold: Int, _ hasSensitive: Bool
    ) -> TableMeasures {
        var measures = TableMeasures(
            rowCount: rows, classCount: classes.count, k: 0, distinctL: nil, entropyL: nil, classesBelowThreshold: 0,
            rowsInClassesBelowThreshold: 0, singletonClasses: 0, classesWithSingleSensitiveValue: hasSensitive ? 0 : nil)
        var k = Int.max
        var distinct = Int.max
        var entropyL = Double.infinity
        for equivalenceClass in classes.values {
            let size = equivalenceClass.size
            k = min(k, size)
            if size < threshold {
                measures.classesBelowThreshold += 1
                measures.rowsInClassesBelowThreshold += size
            }
            if size == 1 { measures.singletonClasses += 1 }
            guard hasSensitive else { continue }
            let counts = equivalenceClass.sensitiveCounts
            distinct = min(distinct, counts.count)
            if counts.count == 1 { measures.classesWithSingleSensitiveValue? += 1 }
            // Entropy l-diversity: exp(−Σ p ln p), p the sensitive value shares within the class.
            // Sorted counts make the sum independent of hash order.
            var entropy = 0.0
            for count in counts.values.sorted() {
                let p = Double(count) / Double(size)
                entropy -= p * log(p)
            }
            entropyL = min(entropyL, exp(entropy))
        }
        if !classes.isEmpty {
            measures.k = k
            if hasSensitive {
                measures.distinctL = distinct
                measures.entropyL = entropyL
            }
        }
        return measures
    }
}
