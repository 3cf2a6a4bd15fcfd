/// Reads decimal numbers exactly as a correctly rounded parser does, without allocating.
///
/// The accepted syntax is a plain decimal: `[+-]? (digits [. digits] | . digits) ([eE] [+-]? digits)?`.
/// `nan`, `inf`, hexadecimal floats, spaces and thousands separators are not numbers here, so a
/// column holding them is read as text (or rejected when declared numeric): a NaN never enters a
/// numeric column silently.
package enum NumberParsing {
    /// Powers of ten that are exact in binary64 (10^0 ... 10^22).
    private static let exactPowers: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// The value of `text`, or `nil` when it is not a plain decimal number or not finite.
    package static func parse(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { parse($0) }
    }

    /// The value of the bytes, or `nil` when they are not a plain decimal number or not finite.
    ///
    /// Uses Clinger's fast path (an integer significand below 2^53 times or divided by an exact
    /// power of ten is one correctly rounded operation); anything else goes to the standard
    /// library's correctly rounded parser.
    /// - Complexity: O(n) in the number of bytes.
    package static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        let count = bytes.count
        guard count > 0 else { return nil }
        var i = 0
        var negative = false
        if bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
            negative = bytes[0] == UInt8(ascii: "-")
            i = 1
        }
        var significand: UInt64 = 0
        var significantDigits = 0
        var digitsSeen = 0
        var decimalExponent = 0
        var truncated = false
        while i < count, bytes[i] &- 48 < 10 {
            let digit = UInt64(bytes[i] &- 48)
            if significantDigits < 19 {
                if significand != 0 || digit != 0 {
                    significand = significand &* 10 &+ digit
                    significantDigits += 1
                }
            } else {
                decimalExponent += 1
                if digit != 0 { truncated = true }
            }
            digitsSeen += 1
            i += 1
        }
        if i < count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < count, bytes[i] &- 48 < 10 {
                let digit = UInt64(bytes[i] &- 48)
                if significantDigits < 19 {
                    if significand != 0 || digit != 0 {
                        significand = significand &* 10 &+ digit
                        significantDigits += 1
                    }
                    decimalExponent -= 1
                } else if digit != 0 {
                    truncated = true
                }
                digitsSeen += 1
                i += 1
            }
        }
        guard digitsSeen > 0 else { return nil }
        if i < count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            var exponentNegative = false
            if i < count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
                exponentNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            var exponent = 0
            var exponentDigits = 0
            while i < count, bytes[i] &- 48 < 10 {
                if exponent < 100_000 { exponent = exponent * 10 + Int(bytes[i] &- 48) }
                exponentDigits += 1
                i += 1
            }
            guard exponentDigits > 0 else { return nil }
            decimalExponent += exponentNegative ? -exponent : exponent
        }
        guard i == count else { return nil }
        if !truncated, significand < (1 << 53), decimalExponent >= -22, decimalExponent <= 22 {
            var value = Double(significand)
            if decimalExponent >= 0 {
                value *= exactPowers[decimalExponent]
            } else {
                value /= exactPowers[-decimalExponent]
            }
            return negative ? -value : value
        }
        guard let value = Double(String(decoding: bytes, as: UTF8.self)), value.isFinite else { return nil }
        return value
    }
}

/// Writes doubles in the shortest form that reads back to the same value.
package enum NumberFormatting {
    /// The shortest round-trip text of a finite value: integers without a fraction (`3`, `-0.0`
    /// keeps its sign), everything else as Swift's shortest representation (`0.1`, `1e-05`).
    package static func shortest(_ value: Double) -> String {
        precondition(value.isFinite, "only finite values are written")
        if value == 0 { return value.sign == .minus ? "-0.0" : "0" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return value.description
    }
}
