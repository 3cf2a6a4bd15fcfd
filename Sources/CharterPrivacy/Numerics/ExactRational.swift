/// A non-negative fraction with numerator and denominator at most 2^62: the exact noise parameters
/// the samplers take.
package struct ExactRational: Sendable, Hashable, CustomStringConvertible {
    /// The numerator.
    package let numerator: UInt64
    /// The denominator, positive.
    package let denominator: UInt64

    /// The bound on both parts, which keeps every product the samplers form within 128 bits.
    package static let limit: UInt64 = 1 << 62

    /// An exact fraction.
    ///
    /// - Precondition: denominator > 0, both at most 2^62.
    package init(_ numerator: UInt64, _ denominator: UInt64) {
        precondition(denominator > 0, "the denominator must be positive")
        precondition(numerator <= Self.limit && denominator <= Self.limit, "both parts must be at most 2^62")
        self.numerator = numerator
        self.denominator = denominator
    }

    package var description: String { "\(numerator)/\(denominator)" }

    /// The value as the nearest double (for reports only; never for sampling).
    package var doubleValue: Double { Double(numerator) / Double(denominator) }

    /// The smallest fraction this type can hold that is at least a·2^e/b, or `nil` if it exceeds
    /// 2^62. Every rounding step rounds the value up: noise scales derived this way are never
    /// smaller than the exact ones the privacy analysis asks for.
    ///
    /// - Precondition: a > 0, b > 0.
    package static func roundingUp(_ a: UInt128, over b: UInt128, timesPowerOfTwo e: Int) -> ExactRational? {
        precondition(a > 0 && b > 0, "both parts must be positive")
        let limit = UInt128(Self.limit)
        var a = a
        var b = b
        var e = e
        while a > limit {
            a = (a >> 1) + (a & 1)  // ⌈a/2⌉·2 ≥ a
            e += 1
        }
        while b > limit {
            b >>= 1  // ⌊b/2⌋·2 ≤ b
            e -= 1
        }
        while e > 0 {
            if a <= limit >> 1 {
                a <<= 1
            } else if b > 1 {
                b >>= 1
            } else {
                return nil
            }
            e -= 1
        }
        while e < 0 {
            if b <= limit >> 1 {
                b <<= 1
            } else {
                a = (a >> 1) + (a & 1)
            }
            e += 1
        }
        return ExactRational(UInt64(a), UInt64(b))
    }

    /// The exact value of a positive finite double as a mantissa and a power of two: x = m·2^e.
    package static func decompose(_ x: Double) -> (mantissa: UInt64, exponent: Int) {
        precondition(x > 0 && x.isFinite, "the value must be positive and finite")
        let mantissa = x.significandBitPattern | (x.isNormal ? 1 << 52 : 0)
        let exponent = Int(x.exponentBitPattern) - (x.isNormal ? 1075 : 1074)
        return (mantissa, exponent)
    }

    /// ⌊√n⌋, exactly.
    package static func integerSquareRoot(_ n: UInt64) -> UInt64 {
        if n < 2 { return n }
        var root = UInt64(Double(n).squareRoot())
        while UInt128(root) * UInt128(root) > UInt128(n) { root -= 1 }
        while UInt128(root + 1) * UInt128(root + 1) <= UInt128(n) { root += 1 }
        return root
    }
}
