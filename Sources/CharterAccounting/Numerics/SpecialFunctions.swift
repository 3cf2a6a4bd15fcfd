#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The few special functions the accountants need, accurate in the far tails where privacy
/// accounting lives (log-space, no underflow to zero).
package enum SpecialFunctions {
    /// ln(e^a + e^b) without overflow; −∞ is the log of zero.
    @inline(__always)
    package static func logAdd(_ a: Double, _ b: Double) -> Double {
        let (low, high) = a < b ? (a, b) : (b, a)
        if low == -.infinity { return high }
        return high + log1p(exp(low - high))
    }

    /// ln(e^a − e^b) for a ≥ b; −∞ when they are equal.
    @inline(__always)
    package static func logSub(_ a: Double, _ b: Double) -> Double {
        precondition(a >= b, "logSub needs a ≥ b")
        if b == -.infinity { return a }
        if a == b { return -.infinity }
        return a + log1mexp(b - a)
    }

    /// ln(1 − e^x) for x ≤ 0, accurate near both ends (Mächler 2012).
    @inline(__always)
    package static func log1mexp(_ x: Double) -> Double {
        x > -0.6931471805599453 ? log(-expm1(x)) : log1p(-exp(x))
    }

    /// ln(erfc(x)) for every real x, without underflow for large x.
    ///
    /// Below 10 the C library's `erfc` is used (correct to about 1 ulp in glibc); above, the Laplace
    /// continued fraction erfc(x) = e^{−x²}/√π · 1/(x + ½/(x + 1/(x + 3⁄2/(x + …)))), evaluated
    /// bottom-up, which converges to full precision in a few dozen terms there.
    package static func logErfc(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        if x < 10 { return log(erfc(x)) }
        if x == .infinity { return -.infinity }
        var tail = x
        var k = 60
        while k >= 1 {
            tail = x + (Double(k) / 2) / tail
            k -= 1
        }
        return -x * x - log(tail) - 0.5723649429247001  // ln √π
    }

    /// Φ(x), the standard normal distribution function.
    package static func normalCDF(_ x: Double) -> Double {
        0.5 * erfc(-x / 2.0.squareRoot())
    }

    /// ln Φ(x), accurate far into the lower tail.
    package static func logNormalCDF(_ x: Double) -> Double {
        -0.6931471805599453 + logErfc(-x / 2.0.squareRoot())
    }

    /// ln|C(α, k)| and the sign of the generalised binomial coefficient C(α, k) = α(α−1)…(α−k+1)/k!.
    package static func logAbsBinomial(_ alpha: Double, _ k: Int) -> (logMagnitude: Double, negative: Bool) {
        var logMagnitude = 0.0
        var negative = false
        for i in 0..<k {
            let factor = (alpha - Double(i)) / Double(i + 1)
            if factor == 0 { return (-.infinity, false) }
            if factor < 0 { negative.toggle() }
            logMagnitude += log(Swift.abs(factor))
        }
        return (logMagnitude, negative)
    }
}
