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

    /// A number; `text`, when given, is how it was written (`1.0e-6`), read instead of printing
    /// the decimal (the hot path: a request's ε and δ are lowered once per request).
    init(_ decimal: Decimal, text: String? = nil) {
        self.decimal = decimal
        if let (mantissa, exponent) = text.flatMap(Self.integerForm) ?? Self.integerForm(of: "\(decimal)") {
            self.mantissa = mantissa
            self.exponent = exponent
            hasIntegerForm = true
        } else {
            mantissa = 0
            exponent = 0
            hasIntegerForm = false
        }
    }

    /// A number as written or printed.
    init(_ number: Located<Decimal>) {
        self.init(number.value, text: number.source)
    }

    init(_ integer: Int) {
        decimal = Decimal(integer)
        mantissa = Int64(integer)
        exponent = 0
        hasIntegerForm = true
    }

    /// `-d.ddde-n` (sign, digits, an optional point, an optional exponent) as an integer and a
    /// power of ten; `nil` for anything else (hex, octal, `_`) or more than 18 digits.
    private static func integerForm(of text: String) -> (Int64, Int)? {
        var mantissa: Int64 = 0
        var digits = 0
        var fraction = 0
        var negative = false
        var seenPoint = false
        var bytes = text.utf8.makeIterator()
        var first = true
        var exponentPart: (negative: Bool, value: Int, digits: Int)?
        while let byte = bytes.next() {
            defer { first = false }
            if var exponent = exponentPart {
                switch byte {
                case UInt8(ascii: "-") where exponent.digits == 0 && !exponent.negative: exponent.negative = true
                case UInt8(ascii: "+") where exponent.digits == 0 && !exponent.negative: break
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    exponent.digits += 1
                    guard exponent.digits <= 4 else { return nil }
                    exponent.value = exponent.value * 10 + Int(byte - UInt8(ascii: "0"))
                default: return nil
                }
                exponentPart = exponent
                continue
            }
            switch byte {
            case UInt8(ascii: "-") where first: negative = true
            case UInt8(ascii: "+") where first: break
            case UInt8(ascii: ".") where !seenPoint: seenPoint = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                guard digits > 0 else { return nil }
                exponentPart = (false, 0, 0)
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digits += 1
                guard digits <= 18 else { return nil }
                mantissa = mantissa * 10 + Int64(byte - UInt8(ascii: "0"))
                if seenPoint { fraction += 1 }
            default: return nil
            }
        }
        guard digits > 0 else { return nil }
        var exponent = -fraction
        if let part = exponentPart {
            guard part.digits > 0 else { return nil }
            exponent += part.negative ? -part.value : part.value
        }
        return (negative ? -mantissa : mantissa, exponent)
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
