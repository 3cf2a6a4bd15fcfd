/// The type of a value in a condition or a request field.
public indirect enum ValueType: Sendable, Hashable, CustomStringConvertible {
    case bool
    /// An exact decimal number (counts, ε, δ, ratios).
    case number
    /// Any string.
    case string
    /// A string from a closed set, named for messages (`audience`: internal, partner, public).
    case enumeration(name: String, values: [String])
    case duration
    case date
    case list(ValueType)

    public var description: String {
        switch self {
        case .bool: "bool"
        case .number: "number"
        case .string: "string"
        case .enumeration(let name, _): name
        case .duration: "duration"
        case .date: "date"
        case .list(let element): "list of \(element)"
        }
    }

    /// Whether values of the two types can be compared with `==`: the same type, or a string and
    /// an enumeration (the string must then be one of its values).
    func isComparable(with other: ValueType) -> Bool {
        switch (self, other) {
        case (.enumeration, .string), (.string, .enumeration), (.string, .string): true
        case (.enumeration(let a, _), .enumeration(let b, _)): a == b
        case (.list(let a), .list(let b)): a.isComparable(with: b)
        default: self == other
        }
    }

    /// Whether `<`, `<=`, `>`, `>=` apply.
    var isOrdered: Bool {
        switch self {
        case .number, .duration, .date: true
        default: false
        }
    }

    var enumerationValues: [String]? {
        if case .enumeration(_, let values) = self { return values }
        return nil
    }
}
