/// A scalar's text as written, how it was written, and what it means under the YAML 1.2 core
/// schema (or its explicit tag).
public struct YAMLScalar: Sendable, Hashable {
    /// How a scalar was written. Only plain scalars are resolved to non-strings.
    public enum Style: String, Sendable, Hashable {
        case plain
        case singleQuoted = "single-quoted"
        case doubleQuoted = "double-quoted"
        case literal
        case folded
    }

    /// The scalar's content after YAML's escape and folding rules.
    public var text: String
    /// How it was written.
    public var style: Style
    /// What it means.
    public var value: YAMLValue

    /// Creates a scalar.
    public init(text: String, style: Style, value: YAMLValue) {
        self.text = text
        self.style = style
        self.value = value
    }
}

/// The meaning of a scalar under the YAML 1.2 core schema.
///
/// YAML 1.1's extra booleans (`yes`, `no`, `on`, `off`) and sexagesimal numbers are strings
/// here; the policy linter warns where one was probably meant as a boolean.
public enum YAMLValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)

    /// The core-schema tag this value resolves to (`tag:yaml.org,2002:int`, ...).
    public var tag: String {
        switch self {
        case .null: YAMLTag.null
        case .bool: YAMLTag.bool
        case .int: YAMLTag.int
        case .float: YAMLTag.float
        case .string: YAMLTag.str
        }
    }

    /// The YAML type name for messages: `null`, `bool`, `int`, `float` or `str`.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .int: "int"
        case .float: "float"
        case .string: "str"
        }
    }
}

/// The core schema's tags.
public enum YAMLTag {
    public static let null = "tag:yaml.org,2002:null"
    public static let bool = "tag:yaml.org,2002:bool"
    public static let int = "tag:yaml.org,2002:int"
    public static let float = "tag:yaml.org,2002:float"
    public static let str = "tag:yaml.org,2002:str"
    public static let seq = "tag:yaml.org,2002:seq"
    public static let map = "tag:yaml.org,2002:map"

    /// The tags whose meaning the core schema fixes; other tags are kept but not interpreted.
    static let core: Set<String> = [null, bool, int, float, str, seq, map]
}

/// Resolution of plain scalars by the YAML 1.2.2 core schema (§10.3.2), written as a small
/// hand-rolled matcher over UTF-8 rather than regular expressions.
enum CoreSchema {
    /// The value of an untagged plain scalar.
    static func resolvePlain(_ text: String) -> YAMLValue {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .float(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .float(-.infinity)
        case ".nan", ".NaN", ".NAN": return .float(.nan)
        default: break
        }
        if let integer = integer(text) { return integer }
        if isFloat(text), let double = Double(text) { return .float(double) }
        return .string(text)
    }

    /// The value of a scalar with an explicit core tag, or `nil` when the text does not fit it.
    static func resolve(_ text: String, tag: String) -> YAMLValue? {
        switch tag {
        case YAMLTag.str: return .string(text)
        case YAMLTag.null: return text.isEmpty || ["~", "null", "Null", "NULL"].contains(text) ? .null : nil
        case YAMLTag.bool:
            if case .bool(let value) = resolvePlain(text) { return .bool(value) }
            return nil
        case YAMLTag.int:
            if let value = integer(text) { return value }
            return nil
        case YAMLTag.float:
            switch resolvePlain(text) {
            case .float(let value): return .float(value)
            case .int(let value): return .float(Double(value))
            default: return isDecimalDigits(text) ? Double(text).map(YAMLValue.float) : nil
            }
        default: return .string(text)
        }
    }

    /// `[-+]?[0-9]+`, `0o[0-7]+` or `0x[0-9a-fA-F]+`; integers too large for `Int` become floats.
    private static func integer(_ text: String) -> YAMLValue? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
        if bytes.count > 2, bytes[0] == UInt8(ascii: "0"), bytes[1] == UInt8(ascii: "o") || bytes[1] == UInt8(ascii: "x") {
            let radix = bytes[1] == UInt8(ascii: "o") ? 8 : 16
            let digits = String(decoding: bytes[2...], as: UTF8.self)
            guard digits.utf8.allSatisfy({ isDigit($0, radix: radix) }) else { return nil }
            if let value = Int(digits, radix: radix) { return .int(value) }
            return .float(digits.utf8.reduce(0.0) { $0 * Double(radix) + Double(digitValue($1)) })
        }
        var body = bytes[...]
        if body.first == UInt8(ascii: "-") || body.first == UInt8(ascii: "+") { body = body.dropFirst() }
        guard !body.isEmpty, body.allSatisfy({ isDigit($0, radix: 10) }) else { return nil }
        if let value = Int(text) { return .int(value) }
        return Double(text).map(YAMLValue.float)
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
    private static func isFloat(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        if bytes.first == UInt8(ascii: "-") || bytes.first == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        let integerDigits = bytes.prefix { isDigit($0, radix: 10) }.count
        bytes = bytes.dropFirst(integerDigits)
        if integerDigits == 0 {
            guard bytes.first == UInt8(ascii: ".") else { return false }
            bytes = bytes.dropFirst()
            let fraction = bytes.prefix { isDigit($0, radix: 10) }.count
            guard fraction > 0 else { return false }
            bytes = bytes.dropFirst(fraction)
        } else if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            bytes = bytes.dropFirst(bytes.prefix { isDigit($0, radix: 10) }.count)
        }
        if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if bytes.first == UInt8(ascii: "-") || bytes.first == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
            let exponent = bytes.prefix { isDigit($0, radix: 10) }.count
            guard exponent > 0 else { return false }
            bytes = bytes.dropFirst(exponent)
        }
        return bytes.isEmpty
    }

    private static func isDecimalDigits(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { isDigit($0, radix: 10) }
    }

    private static func isDigit(_ byte: UInt8, radix: Int) -> Bool {
        let value = digitValue(byte)
        return value >= 0 && value < radix
    }

    private static func digitValue(_ byte: UInt8) -> Int {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A")) + 10
        default: -1
        }
    }
}
