public import CharterCore

/// A free-form JSON value inside a `Codable` record (a generator's parameters), encoded as itself.
public struct EmbeddedJSON: Sendable, Equatable, Codable {
    /// The value.
    public var value: JSONValue

    /// Wraps a value.
    public init(_ value: JSONValue) {
        self.value = value
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        if var array = try? decoder.unkeyedContainer() {
            var elements: [JSONValue] = []
            while !array.isAtEnd { elements.append(try array.decode(EmbeddedJSON.self).value) }
            value = .array(elements)
            return
        }
        if let object = try? decoder.container(keyedBy: Key.self) {
            var members: [String: JSONValue] = [:]
            for key in object.allKeys {
                members[key.stringValue] = try object.decode(EmbeddedJSON.self, forKey: key).value
            }
            value = .object(members)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            value = .null
        } else if let bool = try? single.decode(Bool.self) {
            value = .bool(bool)
        } else if let integer = try? single.decode(Int.self) {
            value = .integer(integer)
        } else if let number = try? single.decode(Double.self) {
            value = .number(number)
        } else {
            value = .string(try single.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch value {
        case .null:
            var single = encoder.singleValueContainer()
            try single.encodeNil()
        case .bool(let bool):
            var single = encoder.singleValueContainer()
            try single.encode(bool)
        case .integer(let integer):
            var single = encoder.singleValueContainer()
            try single.encode(integer)
        case .number(let number):
            var single = encoder.singleValueContainer()
            try single.encode(number)
        case .decimal(let text):
            // An exact decimal keeps its text: as a number when Double reads it back exactly.
            var single = encoder.singleValueContainer()
            if let number = Double(text), "\(number)" == text {
                try single.encode(number)
            } else {
                try single.encode(text)
            }
        case .string(let string):
            var single = encoder.singleValueContainer()
            try single.encode(string)
        case .array(let elements):
            var array = encoder.unkeyedContainer()
            for element in elements { try array.encode(EmbeddedJSON(element)) }
        case .object(let members):
            var object = encoder.container(keyedBy: Key.self)
            for key in members.keys.sorted() {
                try object.encode(EmbeddedJSON(members[key] ?? .null), forKey: Key(stringValue: key))
            }
        }
    }
}
