public import CharterCore

extension YAMLNode {
    /// The node as JSON, the way the YAML test suite writes its expected `in.json`: scalars by
    /// their core-schema value, mapping keys as strings (a non-string scalar key by its text).
    ///
    /// Returns `nil` where JSON has no equivalent: a collection used as a key, NaN or an infinity.
    public var jsonValue: JSONValue? {
        switch content {
        case .scalar(let scalar):
            switch scalar.value {
            case .null: return .null
            case .bool(let value): return .bool(value)
            case .int(let value): return .integer(value)
            case .float(let value): return value.isFinite ? .number(value) : nil
            case .string(let value): return .string(value)
            }
        case .sequence(let items):
            var elements: [JSONValue] = []
            elements.reserveCapacity(items.count)
            for item in items {
                guard let element = item.jsonValue else { return nil }
                elements.append(element)
            }
            return .array(elements)
        case .mapping(let pairs):
            var members: [String: JSONValue] = [:]
            for pair in pairs {
                guard let key = pair.key.scalar, let value = pair.value.jsonValue else { return nil }
                let name: String
                switch key.value {
                case .string(let text): name = text
                case .null: name = ""
                default: name = key.text
                }
                members[name] = value
            }
            return .object(members)
        }
    }
}
