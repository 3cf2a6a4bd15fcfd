#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The two-sample Kolmogorov–Smirnov test, two-sided, as `scipy.stats.ks_2samp` (scipy 1.17.1)
/// computes it.
///
/// D = max |F₁(x) − F₂(x)| over the pooled values, with the ECDF differences evaluated exactly as
/// scipy does (`count/n₁ − count/n₂` in doubles) so the statistic, its location and its sign match.
/// The p-value is exact (lattice-path counting) or asymptotic (`kstwo.sf(D, round(n₁n₂/(n₁+n₂)))`);
/// `auto` picks exact when max(n₁, n₂) ≤ 10000 (scipy's `MAX_AUTO_N`). In exact mode D is reported as
/// h/lcm(n₁, n₂) with h = round(D·lcm), as scipy reports it.
public struct KolmogorovSmirnovTest: Sendable, Equatable {
    /// How the p-value is computed.
    public enum Method: String, Sendable, Equatable, CaseIterable {
        /// Exact when max(n₁, n₂) ≤ 10000, else asymptotic.
        case auto
        case exact
        /// scipy calls it `asymp`.
        case asymptotic = "asymp"
    }

    /// Why the test cannot run.
    public enum Failure: Error, Equatable {
        case emptySample
        case nonFiniteValue
    }

    /// D.
    public var statistic: Double
    /// The two-sided p-value.
    public var pValue: Double
    /// The method actually used (`exact` or `asymp`; never `auto`).
    public var method: Method
    /// The pooled value at which D is attained.
    public var statisticLocation: Double
    /// +1 when F₁ − F₂ is largest there, −1 when F₂ − F₁ is.
    public var statisticSign: Int
    /// Sample sizes.
    public var n1: Int
    public var n2: Int

    /// The definition this follows, for reports.
    public static let definition = "scipy.stats.ks_2samp(alternative='two-sided', method='auto'), scipy 1.17.1"

    /// Runs the test on two samples (missing values already removed).
    /// - Throws: ``Failure/emptySample`` when either sample is empty, ``Failure/nonFiniteValue``
    ///   for NaN or infinite values.
    /// - Complexity: O((n₁ + n₂) log(n₁ + n₂)) for the statistic; the exact p-value costs
    ///   O(n₁·n₂/gcd) at worst.
    public init(_ sample1: [Double], _ sample2: [Double], method: Method = .auto) throws(Failure) {
        guard !sample1.isEmpty, !sample2.isEmpty else { throw .emptySample }
        guard sample1.allSatisfy(\.isFinite), sample2.allSatisfy(\.isFinite) else { throw .nonFiniteValue }
        let data1 = RadixSort.sorted(sample1)
        let data2 = RadixSort.sorted(sample2)
        let n1 = data1.count
        let n2 = data2.count
        let d1 = Double(n1)
        let d2 = Double(n2)
        let raw = Self.rawStatistic(sorted: data1, data2)
        var d = raw.statistic
        statisticLocation = raw.location
        statisticSign = raw.sign
        let g = Self.gcd(n1, n2)
        let n1g = n1 / g
        let n2g = n2 / g
        var mode = method
        if mode == .auto { mode = max(n1, n2) <= 10_000 ? .exact : .asymptotic }
        if mode == .exact && Double(n1g) >= Double(Int32.max) / Double(n2g) { mode = .asymptotic }
        var probability = 0.0
        if mode == .exact {
            let lcm = n1g * n2
            let h = Int((d * Double(lcm)).rounded(.toNearestOrEven))
            d = Double(h) / Double(lcm)
            if h == 0 {
                probability = 1
            } else {
                probability = n1 == n2 ? Kolmogorov.outsideSquare(n1, h) : Kolmogorov.outsideBand(n1, n2, g, h)
                if !(probability >= 0 && probability <= 1) { mode = .asymptotic }
            }
        }
        if mode == .asymptotic {
            let (m, n) = d1 >= d2 ? (d1, d2) : (d2, d1)
            let en = m * n / (m + n)
            probability = Kolmogorov.twoSided(Int(en.rounded(.toNearestOrEven)), d, cdf: false)
        }
        statistic = d
        pValue = min(max(probability, 0), 1)
        self.method = mode
        self.n1 = n1
        self.n2 = n2
    }

    /// The statistic as scipy reports it, without the p-value: the raw ECDF difference, replaced by
    /// h/lcm(n₁, n₂) (h = round(D·lcm)) when `auto` would choose the exact mode. Samples must be
    /// non-empty, finite and sorted ascending.
    /// - Complexity: O(n₁ + n₂).
    public static func statistic(sorted data1: [Double], _ data2: [Double]) -> Double {
        let d = rawStatistic(sorted: data1, data2).statistic
        let n1 = data1.count
        let n2 = data2.count
        guard max(n1, n2) <= 10_000 else { return d }
        let g = gcd(n1, n2)
        let lcm = (n1 / g) * n2
        return Double(Int((d * Double(lcm)).rounded(.toNearestOrEven))) / Double(lcm)
    }

    /// D, where it is attained and its sign, with numpy's argmin/argmax tie rule (first occurrence
    /// in data1 ++ data2).
    static func rawStatistic(sorted data1: [Double], _ data2: [Double]) -> (
        statistic: Double, location: Double, sign: Int
    ) {
        let n1 = data1.count
        let n2 = data2.count
        let d1 = Double(n1)
        let d2 = Double(n2)
        var minDiff = Double.infinity
        var maxDiff = -Double.infinity
        var minLocation = 0.0
        var maxLocation = 0.0
        // For each value: how many of data1 and of data2 are ≤ it (searchsorted side='right').
        data1.withUnsafeBufferPointer { a in
            data2.withUnsafeBufferPointer { b in
                for pass in 0..<2 {
                    let values = pass == 0 ? a : b
                    var upper1 = 0
                    var upper2 = 0
                    for value in values {
                        while upper1 < n1 && a[upper1] <= value { upper1 += 1 }
                        while upper2 < n2 && b[upper2] <= value { upper2 += 1 }
                        let diff = Double(upper1) / d1 - Double(upper2) / d2
                        if diff < minDiff {
                            minDiff = diff
                            minLocation = value
                        }
                        if diff > maxDiff {
                            maxDiff = diff
                            maxLocation = value
                        }
                    }
                }
            }
        }
        let minS = min(max(-minDiff, 0), 1)
        if minS > maxDiff { return (minS, minLocation, -1) }
        return (maxDiff, maxLocation, 1)
    }

    static func gcd(_ a: Int, _ b: Int) -> Int {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }
}
