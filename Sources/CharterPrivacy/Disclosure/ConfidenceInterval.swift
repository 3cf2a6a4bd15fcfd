internal import CharterCore

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
        let z = NormalDistribution.quantile(0.5 * (1 + level))
        let z2 = z * z
        let denominator = n + z2
        let centre = (successes + 0.5 * z2) / denominator
        let halfWidth = z / denominator * (successes * (n - successes) / n + 0.25 * z2).squareRoot()
        return (
            centre, halfWidth, ConfidenceInterval(lower: centre - halfWidth, upper: centre + halfWidth, level: level)
        )
    }
}
