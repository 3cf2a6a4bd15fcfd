#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The standard normal distribution.
public enum Normal {
    /// Φ(x), the cumulative distribution function, to full double precision in both tails.
    ///
    /// Φ(x) = ½·erfc(−x/√2). `erfc` keeps relative accuracy where Φ is tiny (x ≪ 0), but rounding
    /// the argument −x/√2 costs up to 2t² ulps (t = x/√2): about 1e-14 at x = −10. The rounding
    /// error e of the argument is recovered exactly with a fused multiply-add and removed by one
    /// Taylor step, erfc(t + e) ≈ erfc(t) − (2/√π)·e^{−t²}·e, so only erfc's own ulp remains.
    public static func cdf(_ x: Double) -> Double {
        0.5 * erfcOfScaled(-x)
    }

    /// 1 − Φ(x), without cancellation for large x.
    public static func sf(_ x: Double) -> Double {
        0.5 * erfcOfScaled(x)
    }

    /// √2 as a double-double (hi + lo).
    private static let sqrt2Hi = 1.4142135623730951
    private static let sqrt2Lo = -9.667293313452913e-17

    /// erfc(y/√2) with the argument's rounding error corrected.
    static func erfcOfScaled(_ y: Double) -> Double {
        let t = y / sqrt2Hi
        // residual = y − t·√2 exactly enough: fma for the hi part, plain product for the lo part.
        let residual = fma(-t, sqrt2Hi, y) - t * sqrt2Lo
        let e = residual / sqrt2Hi
        let base = erfc(t)
        return base - 2 / Double.pi.squareRoot() * exp(-t * t) * e
    }

    /// Φ⁻¹(p), the quantile function, for 0 ≤ p ≤ 1 (−∞ at 0, +∞ at 1, NaN outside).
    ///
    /// Reference: M. J. Wichura, "Algorithm AS 241: The Percentage Points of the Normal
    /// Distribution", Applied Statistics 37 (1988) 477–484 (PPND16, relative accuracy about 1e-16),
    /// followed by one Newton step on erfc to settle the last bit.
    public static func quantile(_ p: Double) -> Double {
        guard p >= 0, p <= 1 else { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        let q = p - 0.5
        var x: Double
        if abs(q) <= 0.425 {
            let r = 0.180625 - q * q
            x =
                q
                * (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r
                    + 45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r
                    + 133.14166789178437745) * r + 3.387132872796366608)
                / (((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) * r
                    + 21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r
                    + 42.313330701600911252) * r + 1.0)
        } else {
            var r = q < 0 ? p : 1 - p
            r = (-log(r)).squareRoot()
            if r <= 5 {
                r -= 1.6
                x =
                    (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r
                        + 1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r
                        + 4.6303378461565452959) * r + 1.42343711074968357734)
                    / (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966)
                        * r + 0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r
                        + 2.05319162663775882187) * r + 1.0)
            } else {
                r -= 5
                x =
                    (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r
                        + 0.0012426609473880784386) * r + 0.026532189526576123093) * r + 0.29656057182850489123) * r
                        + 1.7848265399172913358) * r + 5.4637849111641143699) * r + 6.6579046435011037772)
                    / (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r
                        + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r + 0.0148753612908506148525)
                        * r + 0.13692988092273580531) * r + 0.59983220655588793769) * r + 1.0)
            }
            if q < 0 { x = -x }
        }
        // One Newton step: Φ(x) − p over the density, computed on the side that keeps precision.
        let density = exp(-0.5 * x * x) / (2 * Double.pi).squareRoot()
        if density > 0 {
            let error = p < 0.5 ? cdf(x) - p : (1 - p) - sf(x)
            x -= error / density
        }
        return x
    }
}
