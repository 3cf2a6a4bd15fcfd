#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// An exact decimal for compiled conditions as an integer and a power of ten
/// (`mantissa × 10^exponent`), read once, so that comparing two numbers is integer arithmetic
/// instead of `Decimal`'s normalisation (measured: `Decimal` comparison was most of a
/// decision's time). Plain bits: copying one retains nothing.
///
/// Comparisons give exactly `Decimal`'s answers. A number that has no such form (more than 18
/// digits) is not made: the compiled condition then leaves the answer to the interpreter.
struct ProgramNumber: Sendable, Equatable {
    let mantissa: Int64
    let exponent: Int

    /// A number as `text` writes it (`1.0e-6`), or as `decimal` prints when there is no text;
    /// `nil` when it has no integer form.
    init?(_ decimal: Decimal, text: String? = nil) {
        guard let (mantissa, exponent) = text.flatMap(Self.integerForm) ?? Self.integerForm(of: "\(decimal)") else {
            return nil
        }
        self.mantissa = mantissa
        self.exponent = exponent
    }

    /// A number as written or printed. The text a loader keeps is the value's own; a `Located`
    /// made in code with other text would be read wrongly, which debug builds catch.
    init?(_ number: Located<Decimal>) {
        self.init(number.value, text: number.source)
        assert(
            number.source == nil || Self.integerForm(of: "\(number.value)").map { ProgramNumber(mantissa: $0.0, exponent: $0.1) }
                .map { Self.order($0, self) == 0 } ?? true,
            "the source text \(number.source ?? "") of a number is not its value \(number.value)")
    }

    private init(mantissa: Int64, exponent: Int) {
        self.mantissa = mantissa
        self.exponent = exponent
    }

    init(_ integer: Int) {
        mantissa = Int64(integer)
        exponent = 0
    }

    /// The exact value, for the trace.
    var decimal: Decimal {
        let magnitude = Decimal(mantissa.magnitude)
        return Decimal(sign: mantissa < 0 ? .minus : .plus, exponent: exponent, significand: magnitude)
    }

    /// `-d.ddde-n` (sign, digits, an optional point, an optional exponent) as an integer and a
    /// power of ten; `nil` for anything else (hex, octal, `_`) or more than 18 digits.
    private static func integerForm(of text: String) -> (Int64, Int)? {
        var text = text
        // Read from the contiguous UTF-8 (the hot path: a request's ε and δ, every decision).
        return text.withUTF8(integerForm)
    }

    private static func integerForm(of bytes: UnsafeBufferPointer<UInt8>) -> (Int64, Int)? {
        var mantissa: Int64 = 0
        var digits = 0
        var fraction = 0
        var negative = false
        var seenPoint = false
        var first = true
        var exponentPart: (negative: Bool, value: Int, digits: Int)?
        for byte in bytes {
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

    /// -1, 0 or 1 as `lhs` is less than, equal to or greater than `rhs`, exactly as `Decimal`
    /// orders them.
    @inline(__always)
    static func order(_ lhs: ProgramNumber, _ rhs: ProgramNumber) -> Int {
        if lhs.exponent == rhs.exponent { return compare(lhs.mantissa, rhs.mantissa) }
        // The side with the larger exponent is scaled down to the other's exponent. When that
        // overflows, its magnitude passes every Int64, so its sign alone orders the two.
        if lhs.exponent > rhs.exponent {
            guard let scaled = scaled(lhs.mantissa, by: lhs.exponent - rhs.exponent) else {
                return lhs.mantissa < 0 ? -1 : 1
            }
            return compare(scaled, rhs.mantissa)
        }
        guard let scaled = scaled(rhs.mantissa, by: rhs.exponent - lhs.exponent) else {
            return rhs.mantissa < 0 ? 1 : -1
        }
        return compare(lhs.mantissa, scaled)
    }

    @inline(__always)
    private static func compare(_ lhs: Int64, _ rhs: Int64) -> Int { lhs < rhs ? -1 : (lhs == rhs ? 0 : 1) }

    /// `mantissa × 10^power`, or `nil` when it does not fit an Int64 (never for 0).
    @inline(__always)
    private static func scaled(_ mantissa: Int64, by power: Int) -> Int64? {
        if mantissa == 0 { return 0 }
        guard power <= 18 else { return nil }
        let (scaled, overflow) = mantissa.multipliedReportingOverflow(by: powersOfTen[power])
        return overflow ? nil : scaled
    }
}
