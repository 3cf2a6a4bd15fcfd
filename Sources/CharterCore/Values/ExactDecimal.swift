#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// Exact decimal numbers for privacy budgets and policy thresholds.
///
/// `Decimal(string:)` accepts a valid prefix ("1.5x" reads as 1.5); policies and budgets must not,
/// so ``exact(_:)`` checks the whole text against a strict grammar first:
/// `[+-]? digits ('.' digits?)? ([eE] [+-]? digits)?` or `[+-]? '.' digits …`, nothing else.
/// `0.1 + 0.2 == 0.3` holds for values read this way, and `1.0e-6 == 0.000001`.
extension Decimal {
    /// Reads `text` as an exact decimal, or `nil` when any part of it is not a decimal number
    /// (including `nan`, `.inf`, hexadecimal, underscores and exponents beyond ±128).
    public static func exact(_ text: String) -> Decimal? {
        var digits = 0
        var exponentDigits = 0
        var state = 0  // 0 sign, 1 integer part, 2 fraction, 3 exponent sign, 4 exponent digits
        for byte in text.utf8 {
            switch (state, byte) {
            case (0, UInt8(ascii: "+")), (0, UInt8(ascii: "-")): state = 1
            case (0...1, UInt8(ascii: "0")...UInt8(ascii: "9")):
                state = 1
                digits += 1
            case (0...1, UInt8(ascii: ".")): state = 2
            case (2, UInt8(ascii: "0")...UInt8(ascii: "9")): digits += 1
            case (1...2, UInt8(ascii: "e")), (1...2, UInt8(ascii: "E")):
                guard digits > 0 else { return nil }
                state = 3
            case (3, UInt8(ascii: "+")), (3, UInt8(ascii: "-")): state = 4
            case (3...4, UInt8(ascii: "0")...UInt8(ascii: "9")):
                state = 4
                exponentDigits += 1
                guard exponentDigits <= 3 else { return nil }
            default: return nil
            }
        }
        guard digits > 0, state != 3, !(state == 4 && exponentDigits == 0), digits <= 38 else { return nil }
        guard let value = Decimal(string: text), !value.isNaN else { return nil }
        return value
    }

    /// The value as a `Double` (the nearest one), for statistics that compare against it.
    public var approximateDouble: Double {
        Double("\(self)") ?? .nan
    }
}
