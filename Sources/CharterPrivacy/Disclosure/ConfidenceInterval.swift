#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Musl)
    internal import Musl
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// A two-sided confidence interval [lower, upper] at a stated level (0.95 = 95%).
public struct ConfidenceInterval: Sendable, Equatable, Hashable, Codable {
    /// The lower end.
    public var lower: Double
    /// The upper end.
    public var upper: Double
    /// The nominal coverage, in (0, 1).
    public var level: Double

    /// An interval as given (lower ≤ upper is the caller's to keep).
    public init(lower: Double, upper: Double, level: Double) {
        self.lower = lower
        self.upper = upper
        self.level = level
    }

    /// The Wilson score interval for a binomial proportion (Wilson 1927):
    /// centre (k + z²/2)/(n + z²), half-width z/(n + z²)·√(k(n − k)/n + z²/4), z = Φ⁻¹((1 + level)/2).
    ///
    /// `successes` may be fractional (an expected count); it must lie in [0, trials], trials > 0.
    /// - Returns: the centre (anonymeter's "rate") and the interval.
    package static func wilson(successes: Double, trials: Int, level: Double) -> (
        centre: Double, halfWidth: Double, interval: ConfidenceInterval
    ) {
        precondition(trials > 0, "a Wilson interval needs at least one trial")
        let n = Double(trials)
        let z = normalQuantile(0.5 * (1 + level))
        let z2 = z * z
        let denominator = n + z2
        let centre = (successes + 0.5 * z2) / denominator
        let halfWidth = z / denominator * (successes * (n - successes) / n + 0.25 * z2).squareRoot()
        return (
            centre, halfWidth, ConfidenceInterval(lower: centre - halfWidth, upper: centre + halfWidth, level: level)
        )
    }

    /// Φ⁻¹(p) for p in (0, 1): Acklam's rational approximation polished by two Newton steps on
    /// Φ(x) = ½·erfc(−x/√2), which leaves it accurate to a few ulps (1.959963984540054 at 0.975).
    package static func normalQuantile(_ p: Double) -> Double {
        precondition(p > 0 && p < 1, "the normal quantile needs p in (0, 1)")
        let a = [
            -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
            -3.066479806614716e+01, 2.506628277459239e+00,
        ]
        let b = [
            -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
            -1.328068155288572e+01,
        ]
        let c = [
            -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
            4.374664141464968e+00, 2.938163982698783e+00,
        ]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        var x: Double
        if p < 0.02425 {
            let q = (-2 * log(p)).squareRoot()
            x =
                (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        } else if p <= 1 - 0.02425 {
            let q = p - 0.5
            let r = q * q
            x =
                (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        } else {
            let q = (-2 * log(1 - p)).squareRoot()
            x =
                -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        for _ in 0..<2 {
            let error = 0.5 * erfc(-x / 2.0.squareRoot()) - p
            let density = exp(-0.5 * x * x) / (2 * Double.pi).squareRoot()
            x -= error / density
        }
        return x
    }
}
