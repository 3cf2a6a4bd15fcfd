import CharterCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Reads typed members out of one JSON object, naming the path of whatever is wrong.
struct PlanJSONReader {
    let members: [String: JSONValue]
    let path: String

    init(_ value: JSONValue, path: String, keys: Set<String>, optional: Set<String> = []) throws(PlanDecodingError) {
        guard case .object(let members) = value else {
            throw PlanDecodingError(path: path, message: "expected an object")
        }
        if let unknown = members.keys.filter({ !keys.contains($0) && !optional.contains($0) }).sorted().first {
            throw PlanDecodingError(path: Self.join(path, unknown), message: "unknown member")
        }
        if let missing = keys.filter({ members[$0] == nil }).sorted().first {
            throw PlanDecodingError(path: Self.join(path, missing), message: "missing member")
        }
        self.members = members
        self.path = path
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func at(_ key: String) -> String { Self.join(path, key) }

    func value(_ key: String) -> JSONValue { members[key] ?? .null }

    func string(_ key: String) throws(PlanDecodingError) -> String {
        guard case .string(let text) = value(key) else {
            throw PlanDecodingError(path: at(key), message: "expected a string")
        }
        return text
    }

    func optionalString(_ key: String) throws(PlanDecodingError) -> String? {
        if value(key) == .null { return nil }
        return try string(key)
    }

    func bool(_ key: String) throws(PlanDecodingError) -> Bool {
        guard case .bool(let flag) = value(key) else {
            throw PlanDecodingError(path: at(key), message: "expected a boolean")
        }
        return flag
    }

    func int(_ key: String) throws(PlanDecodingError) -> Int {
        switch value(key) {
        case .integer(let number): return number
        case .decimal(let text):
            if let number = Int(text) { return number }
        default: break
        }
        throw PlanDecodingError(path: at(key), message: "expected an integer")
    }

    func optionalInt(_ key: String) throws(PlanDecodingError) -> Int? {
        if value(key) == .null { return nil }
        return try int(key)
    }

    func decimal(_ key: String) throws(PlanDecodingError) -> Decimal {
        let parsed: Decimal?
        switch value(key) {
        case .integer(let number): parsed = Decimal(number)
        case .decimal(let text): parsed = Decimal.exact(text)
        case .number(let number): parsed = number.isFinite ? Decimal.exact("\(number)") : nil
        default: parsed = nil
        }
        guard let parsed else { throw PlanDecodingError(path: at(key), message: "expected a decimal number") }
        return parsed
    }

    func optionalDecimal(_ key: String) throws(PlanDecodingError) -> Decimal? {
        if value(key) == .null { return nil }
        return try decimal(key)
    }

    func strings(_ key: String) throws(PlanDecodingError) -> [String] {
        guard case .array(let items) = value(key) else {
            throw PlanDecodingError(path: at(key), message: "expected an array")
        }
        var result: [String] = []
        for (index, item) in items.enumerated() {
            guard case .string(let text) = item else {
                throw PlanDecodingError(path: "\(at(key))[\(index)]", message: "expected a string")
            }
            result.append(text)
        }
        return result
    }

    func array(_ key: String) throws(PlanDecodingError) -> [JSONValue] {
        guard case .array(let items) = value(key) else {
            throw PlanDecodingError(path: at(key), message: "expected an array")
        }
        return items
    }

    func object(_ key: String) throws(PlanDecodingError) -> [String: JSONValue] {
        guard case .object(let object) = value(key) else {
            throw PlanDecodingError(path: at(key), message: "expected an object")
        }
        return object
    }

    func digest(_ key: String) throws(PlanDecodingError) -> String {
        let text = try string(key)
        guard Self.isDigest(text) else {
            throw PlanDecodingError(path: at(key), message: "expected sha256: and 64 lowercase hex digits")
        }
        return text
    }

    func optionalDigest(_ key: String) throws(PlanDecodingError) -> String? {
        if value(key) == .null { return nil }
        return try digest(key)
    }

    func oneOf<T: RawRepresentable>(_ key: String, _ type: T.Type) throws(PlanDecodingError) -> T
    where T.RawValue == String {
        let text = try string(key)
        guard let result = T(rawValue: text) else {
            throw PlanDecodingError(path: at(key), message: "unexpected value \"\(text)\"")
        }
        return result
    }

    /// Whether `text` is `sha256:` and 64 lowercase hex digits.
    static func isDigest(_ text: String) -> Bool {
        guard text.hasPrefix("sha256:") else { return false }
        let hex = text.utf8.dropFirst(7)
        return hex.count == 64
            && hex.allSatisfy {
                ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9"))
                    || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f"))
            }
    }
}
