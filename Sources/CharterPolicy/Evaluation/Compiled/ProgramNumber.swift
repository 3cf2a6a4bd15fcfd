#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// An exact decimal for compiled conditions, with an integer form (`mantissa × 10^exponent`)
/// read once, so that comparing two numbers is integer arithmetic instead of `Decimal`'s
/// normalisation (measured: `Decimal` comparison was most of a decision's time).
///
/// Comparisons give exactly `Decimal`'s answers: the integer form is used only when both sides
/// have one and the scaling does not overflow; otherwise the `Decimal`s are compared.
struct ProgramNumber: Sendable {
    /// The exact value (what the trace shows).
    let decimal: Decimal
    let mantissa: Int64
    let exponent: Int
    /// Whether `mantissa` and `exponent` hold the value.
    let hasIntegerForm: Bool

    init(_ decimal: Decimal) {
        self.decimal = decimal
        if let (mantissa, exponent) = Self.integerForm(of: "\(decimal)") {
            self.mantissa = mantissa
            self.exponent = exponent
            hasIntegerForm = true
        } else {
            mantissa = 0
            exponent = 0
            hasIntegerForm = false
        }
    }

    init(_ integer: Int) {
        decimal = Decimal(integer)
        mantissa = Int64(integer)
        exponent = 0
        hasIntegerForm = true
    }

    /// `-d.ddd` as digits and a power of ten; `nil` for anything else or more than 18 digits.
    private static func integerForm(of text: String) -> (Int64, Int)? {
        var mantissa: Int64 = 0
        var digits = 0
        var fraction = 0
        var negative = false
        var seenPoint = false
        for (index, byte) in text.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "-") where index == 0: negative = true
            case UInt8(ascii: ".") where !seenPoint: seenPoint = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digits += 1
                guard digits <= 18 else { return nil }
                mantissa = mantissa * 10 + Int64(byte - UInt8(ascii: "0"))
                if seenPoint { fraction += 1 }
            default: return nil
            }
        }
        guard digits > 0 else { return nil }
        return (negative ? -mantissa : mantissa, -fraction)
    }

    private static let powersOfTen: [Int64] = (0...18).map { power in
        var value: Int64 = 1
        for _ in 0..<power { value *= 10 }
        return value
    }

    /// -1, 0 or 1 as `lhs` is less than, equal to or greater than `rhs`.
    @inline(__always)
    static func order(_ lhs: ProgramNumber, _ rhs: ProgramNumber) -> Int {
        if lhs.hasIntegerForm, rhs.hasIntegerForm {
            if lhs.exponent == rhs.exponent { return lhs.mantissa < rhs.mantissa ? -1 : (lhs.mantissa == rhs.mantissa ? 0 : 1) }
            let difference = abs(lhs.exponent - rhs.exponent)
            if difference <= 18 {
                // Scale the side with the larger exponent down to the other's exponent.
                if lhs.exponent > rhs.exponent {
                    let (scaled, overflow) = lhs.mantissa.multipliedReportingOverflow(by: powersOfTen[difference])
                    if !overflow { return scaled < rhs.mantissa ? -1 : (scaled == rhs.mantissa ? 0 : 1) }
                } else {
                    let (scaled, overflow) = rhs.mantissa.multipliedReportingOverflow(by: powersOfTen[difference])
                    if !overflow { return lhs.mantissa < scaled ? -1 : (lhs.mantissa == scaled ? 0 : 1) }
                }
            }
        }
        return lhs.decimal < rhs.decimal ? -1 : (lhs.decimal == rhs.decimal ? 0 : 1)
    }
}
