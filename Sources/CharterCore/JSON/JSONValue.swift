/// A JSON value, the common currency of Charter's machine-readable output.
///
/// Objects are dictionaries: their key order is never observed, because ``JSONValue/canonical``
/// and ``JSONValue/pretty`` both write keys sorted (RFC 8785 order), so the same value always gives
/// the same bytes.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// An integer, written without a fraction or exponent.
    case integer(Int)
    /// A binary floating-point number, written in the shortest form that reads back identically.
    case number(Double)
    /// An exact decimal, written as given. The text must be a JSON number.
    case decimal(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension JSONValue {
    /// The value as a string, when it is one.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The members of an object, when it is one.
    public var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The elements of an array, when it is one.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The value as a Double, for any of the three number cases.
    public var doubleValue: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .number(let value): value
        case .decimal(let text): Double(text)
        default: nil
        }
    }

    /// A member of an object, or `nil`.
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }

    /// An element of an array, or `nil` when this is not an array or the index is out of range.
    public subscript(index: Int) -> JSONValue? {
        guard case .array(let items) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }

    /// Whether two values are equal as JSON documents: numbers compare by value, whichever case
    /// holds them (`1`, `1.0` and `decimal("1.0")` are equal).
    public func isEquivalent(to other: JSONValue) -> Bool {
        switch (self, other) {
        case (.array(let l), .array(let r)):
            return l.count == r.count && zip(l, r).allSatisfy { $0.isEquivalent(to: $1) }
        case (.object(let l), .object(let r)):
            guard l.count == r.count else { return false }
            return l.allSatisfy { key, value in r[key].map { value.isEquivalent(to: $0) } ?? false }
        default:
            if let l = doubleValue, let r = other.doubleValue { return l == r }
            return self == other
        }
    }
}
