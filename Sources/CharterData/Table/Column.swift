/// One column of a ``Table``: a name and its values in one of three contiguous encodings.
public struct Column: Sendable, Equatable {
    /// The header name.
    public var name: String
    /// The values.
    public var values: ColumnValues

    /// Creates a column.
    public init(name: String, values: ColumnValues) {
        self.name = name
        self.values = values
    }

    /// The number of rows.
    public var count: Int { values.count }

    /// The physical type of the values.
    public var type: ColumnType { values.type }
}

/// The physical type of a column's values.
public enum ColumnType: String, Sendable, Hashable, CaseIterable, Codable {
    /// Finite doubles with a missing mask.
    case numeric
    /// Text, dictionary-encoded.
    case categorical
    /// `true` / `false`.
    case boolean
}

/// A column's values: numeric, categorical or boolean, each stored contiguously with missing values
/// marked explicitly (never as NaN or a sentinel a computation could mistake for data).
public enum ColumnValues: Sendable, Equatable {
    case numeric(NumericValues)
    case categorical(CategoricalValues)
    case boolean(BooleanValues)

    /// The number of rows.
    public var count: Int {
        switch self {
        case .numeric(let values): values.values.count
        case .categorical(let values): values.codes.count
        case .boolean(let values): values.values.count
        }
    }

    /// The physical type.
    public var type: ColumnType {
        switch self {
        case .numeric: .numeric
        case .categorical: .categorical
        case .boolean: .boolean
        }
    }

    /// Whether row `row` is missing.
    public func isMissing(_ row: Int) -> Bool {
        switch self {
        case .numeric(let values): values.isMissing[row]
        case .categorical(let values): values.codes[row] < 0
        case .boolean(let values): values.isMissing[row]
        }
    }

    /// The number of missing rows.
    public var missingCount: Int {
        switch self {
        case .numeric(let values): values.isMissing.reduce(0) { $0 + ($1 ? 1 : 0) }
        case .categorical(let values): values.codes.reduce(0) { $0 + ($1 < 0 ? 1 : 0) }
        case .boolean(let values): values.isMissing.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
    }

    /// The text of row `row` as a CSV writer writes it, or `nil` when missing.
    public func text(at row: Int) -> String? {
        switch self {
        case .numeric(let values):
            return values.isMissing[row] ? nil : NumberFormatting.shortest(values.values[row])
        case .categorical(let values):
            let code = values.codes[row]
            return code < 0 ? nil : values.levels[Int(code)]
        case .boolean(let values):
            return values.isMissing[row] ? nil : (values.values[row] ? "true" : "false")
        }
    }

    /// The rows `indices`, in that order.
    public func selecting(_ indices: [Int]) -> ColumnValues {
        switch self {
        case .numeric(let values):
            return .numeric(
                NumericValues(
                    values: indices.map { values.values[$0] }, isMissing: indices.map { values.isMissing[$0] }))
        case .categorical(let values):
            return .categorical(CategoricalValues(codes: indices.map { values.codes[$0] }, levels: values.levels))
        case .boolean(let values):
            return .boolean(
                BooleanValues(
                    values: indices.map { values.values[$0] }, isMissing: indices.map { values.isMissing[$0] }))
        }
    }
}

/// Finite doubles and a missing mask of the same length. A missing row's value is 0 and means nothing.
public struct NumericValues: Sendable, Equatable {
    /// The values, one per row; 0 where missing.
    public var values: [Double]
    /// `true` where the row is missing.
    public var isMissing: [Bool]

    /// Creates numeric values; `values` and `isMissing` must have the same length.
    public init(values: [Double], isMissing: [Bool]) {
        precondition(values.count == isMissing.count, "values and missing mask differ in length")
        var values = values
        // A missing row's value means nothing: normalise it so that equality ignores it.
        for i in values.indices where isMissing[i] { values[i] = 0 }
        self.values = values
        self.isMissing = isMissing
    }

    /// Creates values with nothing missing.
    public init(_ values: [Double]) {
        self.init(values: values, isMissing: Array(repeating: false, count: values.count))
    }

    /// The non-missing values, in row order.
    public var present: [Double] {
        var result: [Double] = []
        result.reserveCapacity(values.count)
        for i in values.indices where !isMissing[i] { result.append(values[i]) }
        return result
    }
}

/// Dictionary-encoded text: one code per row (`-1` = missing) into `levels`, which hold each
/// distinct text once, in order of first appearance.
public struct CategoricalValues: Sendable, Equatable {
    /// One code per row: an index into ``levels``, or `-1` where missing.
    public var codes: [Int32]
    /// The distinct texts.
    public var levels: [String]

    /// Creates categorical values.
    public init(codes: [Int32], levels: [String]) {
        self.codes = codes
        self.levels = levels
    }

    /// Encodes texts (`nil` = missing), levels in order of first appearance.
    public init(_ texts: [String?]) {
        var index: [String: Int32] = [:]
        var levels: [String] = []
        var codes: [Int32] = []
        codes.reserveCapacity(texts.count)
        for text in texts {
            guard let text else {
                codes.append(-1)
                continue
            }
            if let code = index[text] {
                codes.append(code)
            } else {
                let code = Int32(levels.count)
                index[text] = code
                levels.append(text)
                codes.append(code)
            }
        }
        self.init(codes: codes, levels: levels)
    }

    /// The value of each level when every level is a finite decimal number (a numeric-coded
    /// category such as a 0/1 flag), else `nil`.
    public var numericLevels: [Double]? {
        var result: [Double] = []
        result.reserveCapacity(levels.count)
        for level in levels {
            guard let value = NumberParsing.parse(level) else { return nil }
            result.append(value)
        }
        return result
    }

    /// The rows as numbers, when every level is numeric (see ``numericLevels``).
    public var numericValues: NumericValues? {
        guard let numbers = numericLevels else { return nil }
        var values = [Double](repeating: 0, count: codes.count)
        var missing = [Bool](repeating: false, count: codes.count)
        for (row, code) in codes.enumerated() {
            if code < 0 { missing[row] = true } else { values[row] = numbers[Int(code)] }
        }
        return NumericValues(values: values, isMissing: missing)
    }
}

/// Booleans and a missing mask of the same length.
public struct BooleanValues: Sendable, Equatable {
    /// The values; `false` where missing.
    public var values: [Bool]
    /// `true` where the row is missing.
    public var isMissing: [Bool]

    /// Creates boolean values; both arrays must have the same length.
    public init(values: [Bool], isMissing: [Bool]) {
        precondition(values.count == isMissing.count, "values and missing mask differ in length")
        var values = values
        for i in values.indices where isMissing[i] { values[i] = false }
        self.values = values
        self.isMissing = isMissing
    }
}
