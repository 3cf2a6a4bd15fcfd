public import CharterCore

/// A measure's estimate with a two-sided confidence interval and how the interval was made.
///
/// Gates decide on it (``DecisionRule``); certificates and `evaluate` JSON carry it whole, so a
/// reader sees how sure a number is, not only the number.
public struct Uncertainty: Sendable, Equatable, Codable {
    /// The point estimate (the number a gate compared before intervals existed).
    public var estimate: Double
    /// The interval's lower end.
    public var lower: Double
    /// The interval's upper end.
    public var upper: Double
    /// The nominal two-sided coverage, in (0, 1): 0.95 is a 95% interval.
    public var level: Double
    /// How the interval was computed, one line (`DeLong paired, delta method on log ratio`).
    public var method: String
    /// Draws behind the estimate: bootstrap resamples, or synthetic draws averaged; 1 for a
    /// closed-form interval on one synthetic table.
    public var draws: Int
    /// The seed of any resampling; `nil` for a closed-form interval.
    public var seed: UInt64?
    /// The refits of a parametric bootstrap of a differentially private fit behind the interval
    /// (Ferrando, Wang & Sheldon 2022); `nil` when none ran. Written only when present.
    public var replicates: Int?

    /// The sample variance of `values` (denominator n − 1), the spread of replicates behind an
    /// interval; 0 with fewer than two values.
    public static func sampleVariance(_ values: [Double]) -> Double {
        guard values.count >= 2 else { return 0 }
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        return values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (n - 1)
    }

    /// An interval as given; `lower ≤ estimate ≤ upper` is the caller's to keep.
    public init(
        estimate: Double, lower: Double, upper: Double, level: Double, method: String, draws: Int = 1,
        seed: UInt64? = nil, replicates: Int? = nil
    ) {
        self.estimate = estimate
        self.lower = lower
        self.upper = upper
        self.level = level
        self.method = method
        self.draws = draws
        self.seed = seed
        self.replicates = replicates
    }

    /// The interval's width, `upper − lower`.
    public var width: Double { upper - lower }

    /// Whether `value` lies in [lower, upper].
    public func covers(_ value: Double) -> Bool { lower <= value && value <= upper }

    /// z = Φ⁻¹((1 + level)/2), the two-sided normal critical value.
    public static func z(level: Double) -> Double {
        precondition(level > 0 && level < 1, "a confidence level lies in (0, 1)")
        return Normal.quantile(0.5 * (1 + level))
    }

    /// The Wilson score interval for a binomial proportion `successes / trials` (Wilson 1927), with the
    /// observed proportion as the estimate; statsmodels 0.14 `proportion_confint(method="wilson")`.
    ///
    /// `successes` may be fractional (an average of counts); it must lie in [0, trials], trials > 0.
    public static func wilson(successes: Double, trials: Int, level: Double) -> Uncertainty {
        precondition(trials > 0, "a Wilson interval needs at least one trial")
        let n = Double(trials)
        let z = z(level: level)
        let z2 = z * z
        let p = successes / n
        let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z / (1 + z2 / n) * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        return Uncertainty(
            estimate: p, lower: max(0, centre - half), upper: min(1, centre + half), level: level,
            method: "Wilson score")
    }

    /// `{estimate, lower, upper, level, method, draws, seed}` as the certificate and `evaluate` JSON
    /// write it, with `replicates` when a parametric bootstrap ran; a non-finite number is `null`, an
    /// absent seed is `null`.
    public var json: JSONValue {
        func number(_ value: Double) -> JSONValue { value.isFinite ? .number(value) : .null }
        var object: [String: JSONValue] = [
            "estimate": number(estimate), "lower": number(lower), "upper": number(upper), "level": number(level),
            "method": .string(method), "draws": .integer(draws), "seed": seed.map { .decimal(String($0)) } ?? .null,
        ]
        if let replicates { object["replicates"] = .integer(replicates) }
        return .object(object)
    }

    /// The interval mapped through a monotone function (`increasing` says which way), its method
    /// annotated with `transform`.
    public func mapped(_ transform: String, increasing: Bool, _ f: (Double) -> Double) -> Uncertainty {
        let a = f(lower)
        let b = f(upper)
        return Uncertainty(
            estimate: f(estimate), lower: increasing ? a : b, upper: increasing ? b : a, level: level,
            method: "\(method), mapped through \(transform)", draws: draws, seed: seed, replicates: replicates)
    }
}
