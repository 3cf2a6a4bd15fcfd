/// Why a value cannot be written as JSON.
public enum JSONEncodingError: Error, Equatable, CustomStringConvertible {
    /// NaN or an infinity, which JSON cannot represent.
    case nonFiniteNumber(Double)
    /// A `.decimal` whose text is not a JSON number.
    case invalidDecimal(String)

    public var description: String {
        switch self {
        case .nonFiniteNumber(let value): "\(value) cannot be written as a JSON number"
        case .invalidDecimal(let text): "'\(text)' is not a JSON number"
        }
    }
}

extension JSONValue {
    /// The canonical form (RFC 8785, JSON Canonicalization Scheme): no whitespace, object keys
    /// sorted by UTF-16 code units, numbers as ECMAScript writes them, minimal string escapes.
    ///
    /// The bytes of the canonical form are what Charter hashes and signs.
    /// - Throws: ``JSONEncodingError`` for NaN, infinities and malformed decimals.
    /// - Complexity: O(n log n) in the number of object members.
    public func canonical() throws(JSONEncodingError) -> String {
        var output = ""
        try write(into: &output, indent: nil, depth: 0)
        return output
    }

    /// A readable form for people: two-space indentation, keys sorted as in ``canonical()``,
    /// a final newline. Deterministic like the canonical form.
    /// - Throws: ``JSONEncodingError`` for NaN, infinities and malformed decimals.
    public func pretty() throws(JSONEncodingError) -> String {
        var output = ""
        try write(into: &output, indent: "  ", depth: 0)
        output.append("\n")
        return output
    }

    private func write(into output: inout String, indent: String?, depth: Int) throws(JSONEncodingError) {
        switch self {
        case .null: output.append("null")
        case .bool(let value): output.append(value ? "true" : "false")
        case .integer(let value): output.append(String(value))
        case .number(let value): output.append(try JSONNumberFormat.ecmaScript(value))
        case .decimal(let text):
            guard JSONNumberFormat.isJSONNumber(text) else { throw .invalidDecimal(text) }
            output.append(text)
        case .string(let value): JSONStringEscaping.append(value, to: &output)
        case .array(let elements):
            if elements.isEmpty {
                output.append("[]")
                return
            }
            output.append("[")
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(",") }
                newline(&output, indent: indent, depth: depth + 1)
                try element.write(into: &output, indent: indent, depth: depth + 1)
            }
            newline(&output, indent: indent, depth: depth)
            output.append("]")
        case .object(let members):
            if members.isEmpty {
                output.append("{}")
                return
            }
            output.append("{")
            let keys = members.keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
            for (index, key) in keys.enumerated() {
                if index > 0 { output.append(",") }
                newline(&output, indent: indent, depth: depth + 1)
                JSONStringEscaping.append(key, to: &output)
                output.append(indent == nil ? ":" : ": ")
                // The key comes from the dictionary itself.
                try members[key, default: .null].write(into: &output, indent: indent, depth: depth + 1)
            }
            newline(&output, indent: indent, depth: depth)
            output.append("}")
        }
    }

    private func newline(_ output: inout String, indent: String?, depth: Int) {
        guard let indent else { return }
        output.append("\n")
        for _ in 0..<depth { output.append(indent) }
    }
}

/// JSON string escaping as RFC 8785 prescribes: `"` `\` and control characters only, with the
/// short escapes where JSON has them.
package enum JSONStringEscaping {
    package static func append(_ value: String, to output: inout String) {
        output.append("\"")
        // Most strings need no escape: appended whole (every byte that needs one is ASCII).
        guard value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") })
        else {
            output.append(value)
            output.append("\"")
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output.append("\\\"")
            case "\\": output.append("\\\\")
            case "\n": output.append("\\n")
            case "\r": output.append("\\r")
            case "\t": output.append("\\t")
            case "\u{08}": output.append("\\b")
            case "\u{0C}": output.append("\\f")
            case let c where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                output.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default: output.unicodeScalars.append(scalar)
            }
        }
        output.append("\"")
    }
}

/// Number formatting for canonical JSON.
package enum JSONNumberFormat {
    /// ECMAScript's Number::toString (ECMA-262 §6.1.6.1.20), as RFC 8785 requires: the shortest
    /// digits that read back to the same double, in plain notation for exponents from -6 to 20
    /// and `d.ddde±n` outside it; `-0` is written `0`.
    package static func ecmaScript(_ value: Double) throws(JSONEncodingError) -> String {
        guard value.isFinite else { throw .nonFiniteNumber(value) }
        if value == 0 { return "0" }
        let (negative, digits, exponent) = shortestDigits(value)
        let k = digits.count
        let n = exponent  // value = 0.d1d2...dk × 10^n
        var text = negative ? "-" : ""
        if k <= n && n <= 21 {
            text += digits + String(repeating: "0", count: n - k)
        } else if 0 < n && n <= 21 {
            text += digits.prefix(n) + "." + digits.dropFirst(n)
        } else if -6 < n && n <= 0 {
            text += "0." + String(repeating: "0", count: -n) + digits
        } else {
            let e = n - 1
            text += String(digits.prefix(1))
            if k > 1 { text += "." + digits.dropFirst() }
            text += "e" + (e >= 0 ? "+" : "-") + String(abs(e))
        }
        return text
    }

    /// Splits Swift's shortest round-trip description into sign, significant digits and the
    /// exponent `n` with value = 0.digits × 10^n.
    private static func shortestDigits(_ value: Double) -> (Bool, String, Int) {
        var text = Substring(String(value.magnitude))
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = text[..<e]
        }
        var integerPart = Substring(text)
        var fractionPart = Substring("")
        if let dot = text.firstIndex(of: ".") {
            integerPart = text[..<dot]
            fractionPart = text[text.index(after: dot)...]
        }
        var digits = String(integerPart) + fractionPart
        var pointPosition = integerPart.count + exponent
        while digits.hasPrefix("0") {
            digits.removeFirst()
            pointPosition -= 1
        }
        while digits.hasSuffix("0") { digits.removeLast() }
        return (value.sign == .minus, digits, pointPosition)
    }

    /// Whether `text` is a number by JSON's grammar (RFC 8259 §6).
    package static func isJSONNumber(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        func digits(_ s: inout ArraySlice<UInt8>) -> Int {
            let count = s.prefix(while: { $0 >= 48 && $0 <= 57 }).count
            s = s.dropFirst(count)
            return count
        }
        if bytes.first == UInt8(ascii: "0") {
            bytes = bytes.dropFirst()
        } else if digits(&bytes) == 0 {
            return false
        }
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            if digits(&bytes) == 0 { return false }
        }
        if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            if digits(&bytes) == 0 { return false }
        }
        return bytes.isEmpty
    }
}
