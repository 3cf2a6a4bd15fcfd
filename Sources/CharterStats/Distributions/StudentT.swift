#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Student's t distribution: its quantile, for intervals whose variance is itself estimated from a
/// few replicates.
public enum StudentT {
    /// The quantile t_ν(p) for `degreesOfFreedom` ν > 0 (not necessarily whole) and 0 < p < 1.
    ///
    /// ν = 1 and ν = 2 are exact (Cauchy, and t = (2p − 1)/√(2p(1 − p))). Above 2 it is the
    /// Cornish-Fisher expansion of Abramowitz & Stegun 26.7.5 to ν⁻⁴ around the normal quantile,
    /// short of scipy's `t.ppf` at p = 0.975 by under 4·10⁻³ at ν = 3, 3·10⁻⁴ at ν = 5 and 10⁻⁴
    /// from ν = 8 (`DistributionTests`); at ν = 3 and p = 0.995 by 0.05. ν = ∞ is the normal quantile.
    public static func quantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
        guard p > 0, p < 1, nu > 0 else { return .nan }
        if nu == 1 { return tan(Double.pi * (p - 0.5)) }
        if nu == 2 { return (2 * p - 1) / (2 * p * (1 - p)).squareRoot() }
        let x = Normal.quantile(p)
        guard nu.isFinite else { return x }
        let x2 = x * x
        let g1 = (x2 + 1) * x / 4
        let g2 = ((5 * x2 + 16) * x2 + 3) * x / 96
        let g3 = (((3 * x2 + 19) * x2 + 17) * x2 - 15) * x / 384
        let g4 = ((((79 * x2 + 776) * x2 + 1482) * x2 - 1920) * x2 - 945) * x / 92160
        return x + (g1 + (g2 + (g3 + g4 / nu) / nu) / nu) / nu
    }

    /// The two-sided critical value at `level` for an interval whose variance is a sum of
    /// components, each estimated with its degrees of freedom (`.infinity` for one known exactly):
    /// Student's t at Satterthwaite's (1946) degrees of freedom (Σv)² / Σ(v²/ν). Rubin's (1987)
    /// degrees of freedom for multiple imputation are this with the within variance known. With no
    /// estimated component it is the normal quantile.
    public static func critical(level: Double, components: [(variance: Double, degreesOfFreedom: Double)])
        -> Double
    {
        let total = components.reduce(0) { $0 + max(0, $1.variance) }
        let spread = components.reduce(0) { sum, component in
            guard component.degreesOfFreedom.isFinite, component.degreesOfFreedom > 0, component.variance > 0 else {
                return sum
            }
            return sum + component.variance * component.variance / component.degreesOfFreedom
        }
        let degrees = spread > 0 && total > 0 ? total * total / spread : Double.infinity
        return quantile(0.5 * (1 + level), degreesOfFreedom: degrees)
    }
}
