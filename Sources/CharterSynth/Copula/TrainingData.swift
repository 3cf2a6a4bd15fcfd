import CharterCore
import CharterData

/// A training column as the copulas model it: numbers with optional declared bounds, or categories
/// in the model's order.
enum EncodedColumn: Sendable {
    case numeric(NumericColumn)
    case categorical(CategoricalColumn)

    var name: String {
        switch self {
        case .numeric(let column): column.name
        case .categorical(let column): column.name
        }
    }

    /// The number of missing training rows.
    var missingCount: Int {
        switch self {
        case .numeric(let column): column.values.isMissing.reduce(0) { $0 + ($1 ? 1 : 0) }
        case .categorical(let column): column.codes.reduce(0) { $0 + ($1 < 0 ? 1 : 0) }
        }
    }
}

/// A numeric training column.
struct NumericColumn: Sendable {
    var name: String
    var values: NumericValues
    /// The declared bounds, when a domain was given.
    var domain: (lower: Double, upper: Double, integral: Bool)?
}

/// A categorical training column: one model index per row (`-1` = missing) into ``labels``, which
/// are in the model's order (the declared order when a domain is given), and how a sampled index
/// is written back in the training column's storage.
struct CategoricalColumn: Sendable {
    enum Output: Sendable {
        /// Text categories: the label is the CSV text.
        case text
        /// Numbers (a numeric column modelled as categories): the value of each label.
        case numbers([Double])
        /// Booleans: the value of each label.
        case booleans([Bool])
    }

    var name: String
    var labels: [String]
    var codes: [Int32]
    var output: Output
    /// Whether the labels come from a declared domain.
    var declared: Bool
}

/// The training table checked against the settings and encoded for a copula.
struct TrainingData: Sendable {
    var columns: [EncodedColumn]
    var rowCount: Int

    /// The largest number of rows a generator samples in one call.
    static let maximumRowCount = Int(Int32.max)

    /// Checks the table, the row count, the schema and the declared domains, and encodes each column.
    ///
    /// - Parameter requireDomains: whether every column needs a declared domain (differential privacy:
    ///   bounds and categories must never be read from the data for free).
    /// - Throws: ``GeneratorError`` with a CH70x code for each problem a user can cause.
    static func prepare(
        training: Table, rowCount: Int, settings: GeneratorSettings, requireDomains: Bool
    ) throws(GeneratorError) -> TrainingData {
        guard training.rowCount > 0, !training.columns.isEmpty else {
            throw GeneratorError(
                .generatorEmptyTable,
                "the training table has \(training.rowCount) rows and \(training.columns.count) columns; "
                    + "a generator needs at least one of each")
        }
        guard rowCount >= 1, rowCount <= maximumRowCount else {
            throw GeneratorError(
                .generatorInvalidRowCount, "cannot sample \(rowCount) rows; ask for 1 to \(maximumRowCount)")
        }
        guard training.columns.count <= training.rowCount else {
            throw GeneratorError(
                .generatorTooFewRows,
                "the training table has \(training.columns.count) columns but only \(training.rowCount) rows; "
                    + "a copula needs at least as many rows as columns to estimate their correlation")
        }
        let names = Set(training.columnNames)
        for name in settings.domains.keys.sorted() where !names.contains(name) {
            throw GeneratorError(
                .generatorUnknownColumn, "a domain is declared for '\(name)', which is not in the training table")
        }
        try checkTarget(
            training: training, parameters: settings.parameters,
            declared: requireDomains ? settings.domains : nil)
        var columns: [EncodedColumn] = []
        columns.reserveCapacity(training.columns.count)
        for column in training.columns {
            let domain = settings.domains[column.name]
            if requireDomains && domain == nil {
                throw GeneratorError(
                    .generatorMissingDomain,
                    "column '\(column.name)' has no declared domain; a differentially private generator may not "
                        + "read bounds or categories from the data")
            }
            if let domain { try validate(domain, of: column.name) }
            let semantic = settings.schema.types[column.name] ?? SemanticType.inferred(from: column.type)
            columns.append(try encode(column, semantic: semantic, domain: domain))
        }
        return TrainingData(columns: columns, rowCount: training.rowCount)
    }

    /// The optional `target` parameter: the column must exist and hold at least two classes.
    ///
    /// A generator that requires declared domains (every differentially private one) passes them as
    /// `declared`: the classes are then the target's declared domain's, never read from the rows,
    /// since refusing or not on what the rows hold would itself release something about them
    /// without noise.
    static func checkTarget(
        training: Table, parameters: [String: JSONValue], declared: [String: DeclaredDomain]? = nil
    ) throws(GeneratorError) {
        guard let value = parameters["target"] else { return }
        guard let target = value.stringValue else {
            throw GeneratorError(.generatorInvalidParameter, "parameter 'target' must be a column name (a string)")
        }
        guard let column = training.column(named: target) else {
            throw GeneratorError(.generatorUnknownTarget, "the target column '\(target)' is not in the training table")
        }
        if let declared {
            let classes: Bool
            switch declared[target] {
            case .categorical(let labels)?: classes = Set(labels).count >= 2
            case .numeric(let lower, let upper, _)?: classes = lower < upper
            case .boolean?, nil: classes = true  // a missing domain is refused with its own code
            }
            guard classes else {
                throw GeneratorError(
                    .generatorSingleClassTarget,
                    "the declared domain of the target column '\(target)' holds one class; a generator needs at least "
                        + "two to keep the relation between the target and the features")
            }
            return
        }
        var first: String?
        for row in 0..<training.rowCount {
            guard let text = column.values.text(at: row) else { continue }
            if let first, first != text { return }
            first = first ?? text
        }
        let found = first.map { "only the class '\($0)'" } ?? "no values"
        throw GeneratorError(
            .generatorSingleClassTarget,
            "the target column '\(target)' has \(found); a generator needs at least two classes to keep the "
                + "relation between the target and the features")
    }

    /// Rejects domains that cannot be sampled from.
    static func validate(_ domain: DeclaredDomain, of name: String) throws(GeneratorError) {
        switch domain {
        case .numeric(let lower, let upper, let integral):
            guard lower.isFinite, upper.isFinite, lower <= upper else {
                throw GeneratorError(
                    .generatorInvalidDomain,
                    "the domain of '\(name)' is [\(lower), \(upper)]; bounds must be finite with lower <= upper")
            }
            if integral && lower.rounded(.up) > upper.rounded(.down) {
                throw GeneratorError(
                    .generatorInvalidDomain, "the integral domain of '\(name)' [\(lower), \(upper)] holds no integer")
            }
        case .categorical(let categories):
            guard !categories.isEmpty else {
                throw GeneratorError(.generatorInvalidDomain, "the domain of '\(name)' lists no categories")
            }
            var seen = Set<String>()
            for category in categories where !seen.insert(category).inserted {
                throw GeneratorError(
                    .generatorInvalidDomain, "the domain of '\(name)' lists the category '\(category)' twice")
            }
        case .boolean:
            break
        }
    }

    static func encode(_ column: Column, semantic: SemanticType, domain: DeclaredDomain?) throws(GeneratorError)
        -> EncodedColumn
    {
        let name = column.name
        switch (column.values, domain) {
        case (.numeric(let values), .numeric(let lower, let upper, let integral)):
            for row in values.values.indices where !values.isMissing[row] {
                let x = values.values[row]
                if x < lower || x > upper || (integral && x != x.rounded()) {
                    throw outside(name, row: row, text: column.values.text(at: row) ?? "", domain: domain)
                }
            }
            return .numeric(NumericColumn(name: name, values: values, domain: (lower, upper, integral)))
        case (.numeric(let values), .categorical(let categories)):
            var numbers: [Double] = []
            for category in categories {
                guard let number = NumberParsing.parse(category) else {
                    throw GeneratorError(
                        .generatorTypeMismatch,
                        "column '\(name)' holds numbers but its domain lists the category '\(category)', "
                            + "which is not a number")
                }
                numbers.append(number == 0 ? 0 : number)
            }
            var index: [Double: Int32] = [:]
            for (position, number) in numbers.enumerated() where index[number] == nil {
                index[number] = Int32(position)
            }
            var codes = [Int32](repeating: -1, count: values.values.count)
            for row in codes.indices where !values.isMissing[row] {
                let x = values.values[row] == 0 ? 0 : values.values[row]
                guard let code = index[x] else {
                    throw outside(name, row: row, text: column.values.text(at: row) ?? "", domain: domain)
                }
                codes[row] = code
            }
            return .categorical(
                CategoricalColumn(
                    name: name, labels: categories, codes: codes, output: .numbers(numbers), declared: true))
        case (.numeric(let values), nil):
            switch semantic {
            case .numerical:
                return .numeric(NumericColumn(name: name, values: values, domain: nil))
            case .categorical, .ordinal:
                return .categorical(numericCategories(name: name, values: values, semantic: semantic))
            case .boolean:
                throw mismatch(name, declared: semantic, holds: "numbers")
            }
        case (.categorical(let values), .categorical(let categories)):
            guard semantic != .numerical, semantic != .boolean else {
                throw mismatch(name, declared: semantic, holds: "text")
            }
            var index: [String: Int32] = [:]
            for (position, category) in categories.enumerated() { index[category] = Int32(position) }
            let map = values.levels.map { index[$0] ?? -1 }
            var codes = [Int32](repeating: -1, count: values.codes.count)
            for row in codes.indices where values.codes[row] >= 0 {
                let code = map[Int(values.codes[row])]
                guard code >= 0 else {
                    throw outside(name, row: row, text: column.values.text(at: row) ?? "", domain: domain)
                }
                codes[row] = code
            }
            return .categorical(
                CategoricalColumn(name: name, labels: categories, codes: codes, output: .text, declared: true))
        case (.categorical(let values), nil):
            guard semantic != .numerical, semantic != .boolean else {
                throw mismatch(name, declared: semantic, holds: "text")
            }
            return .categorical(textCategories(name: name, values: values, semantic: semantic))
        case (.boolean(let values), .boolean), (.boolean(let values), nil):
            guard semantic != .numerical else { throw mismatch(name, declared: semantic, holds: "booleans") }
            let codes = values.values.indices.map { values.isMissing[$0] ? Int32(-1) : (values.values[$0] ? 1 : 0) }
            return .categorical(
                CategoricalColumn(
                    name: name, labels: ["false", "true"], codes: codes, output: .booleans([false, true]),
                    declared: domain != nil))
        case (.numeric, .boolean):
            throw mismatch(name, "has a boolean domain", holds: "numbers")
        case (.categorical, .numeric):
            throw mismatch(name, "has a numeric domain", holds: "text")
        case (.categorical, .boolean):
            throw mismatch(name, "has a boolean domain", holds: "text")
        case (.boolean, .numeric):
            throw mismatch(name, "has a numeric domain", holds: "booleans")
        case (.boolean, .categorical):
            throw mismatch(name, "has a categorical domain", holds: "booleans")
        }
    }

    /// Text categories without a declared domain: ordinal columns in numeric order when every
    /// level is a number (else in order of appearance), other columns by descending frequency
    /// (ties in order of appearance), as SDV's frequency encoder orders them.
    static func textCategories(name: String, values: CategoricalValues, semantic: SemanticType) -> CategoricalColumn {
        var counts = [Int](repeating: 0, count: values.levels.count)
        for code in values.codes where code >= 0 { counts[Int(code)] += 1 }
        var order = Array(values.levels.indices).filter { counts[$0] > 0 }
        if semantic == .ordinal, let numbers = values.numericLevels {
            order.sort { numbers[$0] < numbers[$1] || (numbers[$0] == numbers[$1] && $0 < $1) }
        } else if semantic != .ordinal {
            order.sort { counts[$0] > counts[$1] || (counts[$0] == counts[$1] && $0 < $1) }
        }
        var map = [Int32](repeating: -1, count: values.levels.count)
        for (position, level) in order.enumerated() { map[level] = Int32(position) }
        return CategoricalColumn(
            name: name, labels: order.map { values.levels[$0] },
            codes: values.codes.map { $0 < 0 ? -1 : map[Int($0)] }, output: .text, declared: false)
    }

    /// A numeric column modelled as categories (declared ordinal or categorical): its distinct
    /// values, ascending for ordinal columns, by descending frequency otherwise.
    static func numericCategories(name: String, values: NumericValues, semantic: SemanticType) -> CategoricalColumn {
        var index: [Double: Int] = [:]
        var distinct: [Double] = []
        var counts: [Int] = []
        var firstCodes = [Int32](repeating: -1, count: values.values.count)
        for row in values.values.indices where !values.isMissing[row] {
            let x = values.values[row] == 0 ? 0 : values.values[row]
            if let position = index[x] {
                counts[position] += 1
                firstCodes[row] = Int32(position)
            } else {
                index[x] = distinct.count
                firstCodes[row] = Int32(distinct.count)
                distinct.append(x)
                counts.append(1)
            }
        }
        var order = Array(distinct.indices)
        if semantic == .ordinal {
            order.sort { distinct[$0] < distinct[$1] }
        } else {
            order.sort { counts[$0] > counts[$1] || (counts[$0] == counts[$1] && $0 < $1) }
        }
        var map = [Int32](repeating: -1, count: distinct.count)
        for (position, value) in order.enumerated() { map[value] = Int32(position) }
        let numbers = order.map { distinct[$0] }
        return CategoricalColumn(
            name: name, labels: numbers.map { NumberFormatting.shortest($0) },
            codes: firstCodes.map { $0 < 0 ? -1 : map[Int($0)] }, output: .numbers(numbers), declared: false)
    }

    static func outside(_ name: String, row: Int, text: String, domain: DeclaredDomain?) -> GeneratorError {
        let described: String =
            switch domain {
            case .numeric(let lower, let upper, let integral)?:
                "\(integral ? "integers in" : "numbers in") [\(NumberFormatting.shortest(lower)), "
                    + "\(NumberFormatting.shortest(upper))]"
            case .categorical(let categories)?:
                categories.count <= 8
                    ? "one of " + categories.map { "'\($0)'" }.joined(separator: ", ")
                    : "one of \(categories.count) declared categories"
            case .boolean?: "true or false"
            case nil: "the declared domain"
            }
        return GeneratorError(
            .generatorValueOutsideDomain,
            "column '\(name)' row \(row + 1) holds '\(text)', outside its declared domain (\(described))")
    }

    static func mismatch(_ name: String, declared: SemanticType, holds: String) -> GeneratorError {
        mismatch(name, "is declared \(declared.rawValue)", holds: holds)
    }

    static func mismatch(_ name: String, _ declared: String, holds: String) -> GeneratorError {
        GeneratorError(.generatorTypeMismatch, "column '\(name)' \(declared) but holds \(holds)")
    }
}
