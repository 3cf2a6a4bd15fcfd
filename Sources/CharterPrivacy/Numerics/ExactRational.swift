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

    /// A fraction at least a·2^e/b and within a relative 2^−60 of it, or `nil` if the value exceeds
    /// 2^61. The rounding is always upward: noise parameters derived this way are never smaller
    /// than the exact ones the privacy analysis asks for.
    ///
    /// The result is n/2^t in lowest terms, with n = ⌈a·2^{e+t}/b⌉ ≤ 2^62 and t ∈ [0, 62] as large
    /// as fits (one 128-bit division; a·2^{e+t} stays below 2^126).
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
        let bitsA = 128 - a.leadingZeroBitCount
        let bitsB = 128 - b.leadingZeroBitCount
        // log2(a·2^e/b) lies in (bitsA − bitsB + e − 1, bitsA − bitsB + e + 1).
        let magnitude = bitsA - bitsB + e
        guard magnitude <= 61 else { return nil }
        var t = Swift.min(62, Swift.max(0, 60 - magnitude))
        while true {
            let s = e + t
            let numerator: UInt128
            if s >= 0 {
                let shifted = a << s
                numerator = shifted / b + (shifted % b == 0 ? 0 : 1)
            } else if -s >= 126 - bitsB {
                numerator = 1  // a·2^s/b < 1: the ceiling is 1
            } else {
                let denominator = b << -s
                numerator = a / denominator + (a % denominator == 0 ? 0 : 1)
            }
            if numerator <= limit {
                var n = UInt64(numerator)
                var d: UInt64 = 1 << t
                let common = Swift.min(n.trailingZeroBitCount, t)
                n >>= common
                d >>= common
                return ExactRational(n, d)
            }
            guard t > 0 else { return nil }
            t -= 1
        }
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
