public import CharterData

/// Turns table rows into the model's feature matrix, with everything learned from the table the
/// model is fitted on and applied unchanged to the table scored.
///
/// - Numeric columns (numerical, or ordinal with numeric values): missing → median of the present
///   values, then (x − mean)/std with the population std after imputation; std 0 → 1.
/// - Other columns: one 0/1 indicator per level seen in the fit table, sorted by text, `<NA>` last
///   when missing values occur there; a level unseen at fit time gives all zeros.
/// - Order: numeric columns in table order, then the indicators.
public struct FeatureEncoder: Sendable, Equatable {
    /// A numeric feature's learned values.
    public struct NumericFeature: Sendable, Equatable {
        public var column: String
        public var median: Double
        public var mean: Double
        public var std: Double
    }

    /// A one-hot feature's learned levels.
    public struct OneHotFeature: Sendable, Equatable {
        public var column: String
        public var levels: [String]
        public var hasMissingLevel: Bool
    }

    /// Why encoding failed.
    public enum Failure: Error, Equatable {
        /// A numeric feature has no present value in the fit table, so there is no median.
        case noValues(column: String)
        /// A column is not in the table.
        case unknownColumn(String)
    }

    public var numeric: [NumericFeature]
    public var oneHot: [OneHotFeature]

    /// The label written for a missing level.
    public static let missingLevel = "<NA>"

    /// The feature names: `column` for numeric features, `column=level` for indicators.
    public var featureNames: [String] {
        numeric.map(\.column)
            + oneHot.flatMap { feature in
                (feature.levels + (feature.hasMissingLevel ? [Self.missingLevel] : [])).map {
                    "\(feature.column)=\($0)"
                }
            }
    }

    /// Learns the encoding of `features` from `table`.
    public init(fitting table: Table, features: [String], schema: TableSchema) throws(Failure) {
        var numeric: [NumericFeature] = []
        var oneHot: [OneHotFeature] = []
        for name in features {
            guard let column = table.column(named: name) else { throw .unknownColumn(name) }
            let type = schema.types[name] ?? .categorical
            if Self.isNumeric(type), let view = column.numericView {
                let present = view.present.sorted()
                guard !present.isEmpty else { throw .noValues(column: name) }
                let middle = present.count / 2
                let median = present.count % 2 == 1 ? present[middle] : (present[middle - 1] + present[middle]) / 2
                let imputed = zip(view.values, view.isMissing).map { $1 ? median : $0 }
                let mean = imputed.reduce(0, +) / Double(imputed.count)
                let variance = imputed.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(imputed.count)
                let std = variance.squareRoot()
                numeric.append(NumericFeature(column: name, median: median, mean: mean, std: std == 0 ? 1 : std))
            } else {
                let labels = LabelView(column)
                var seen = [Bool](repeating: false, count: labels.labels.count)
                var missing = false
                for code in labels.codes { if code < 0 { missing = true } else { seen[Int(code)] = true } }
                let levels = labels.labels.indices.filter { seen[$0] }.map { labels.labels[$0] }
                    .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                oneHot.append(OneHotFeature(column: name, levels: levels, hasMissingLevel: missing))
            }
        }
        self.numeric = numeric
        self.oneHot = oneHot
    }

    static func isNumeric(_ type: SemanticType) -> Bool {
        type == .numerical || type == .ordinal
    }

    /// The feature matrix of `table` (n × featureNames.count).
    public func encode(_ table: Table) throws(Failure) -> Matrix {
        let width = featureNames.count
        var matrix = Matrix(rows: table.rowCount, columns: width)
        var offset = 0
        for feature in numeric {
            guard let view = table.column(named: feature.column)?.numericView else {
                throw .unknownColumn(feature.column)
            }
            for row in 0..<table.rowCount {
                let x = view.isMissing[row] ? feature.median : view.values[row]
                matrix.storage[row * width + offset] = (x - feature.mean) / feature.std
            }
            offset += 1
        }
        for feature in oneHot {
            guard let column = table.column(named: feature.column) else { throw .unknownColumn(feature.column) }
            let labels = LabelView(column)
            var position: [String: Int] = [:]
            for (index, level) in feature.levels.enumerated() { position[level] = index }
            let map = labels.labels.map { position[$0] }
            let missingIndex = feature.hasMissingLevel ? feature.levels.count : nil
            for row in 0..<table.rowCount {
                let code = labels.codes[row]
                let index = code < 0 ? missingIndex : map[Int(code)]
                if let index { matrix.storage[row * width + offset + index] = 1 }
            }
            offset += feature.levels.count + (feature.hasMissingLevel ? 1 : 0)
        }
        return matrix
    }
}
