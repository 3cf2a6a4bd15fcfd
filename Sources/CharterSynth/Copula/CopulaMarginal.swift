import CharterStats

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A fitted numeric marginal: the quantile function F⁻¹ as knots (u, x), piecewise linear in u,
/// and the composition x = F⁻¹(Φ(z)) tabulated on a fine grid of normal scores z so that sampling
/// needs no special function.
///
/// The table has 4096 cells on z ∈ [−6, 6] (|z| > 6 has probability 2e-9 and takes the end values);
/// between grid points the value is interpolated linearly. Sampled values are then rounded (to
/// integers, or to the decimals the training values use) and clamped to ``lower`` … ``upper``.
struct NumericMarginal: Sendable {
    /// How sampled values are rounded.
    enum Rounding: Sendable, Hashable {
        case none
        /// To whole numbers.
        case integer
        /// To `k` decimal places.
        case decimals(Int)

        var description: String {
            switch self {
            case .none: "none"
            case .integer: "integer"
            case .decimals(let k): "\(k) decimals"
            }
        }
    }

    static let cells = 4096
    static let zMax = 6.0

    /// F⁻¹(Φ(z)) at z = −zMax + i·step, i = 0 … cells.
    let table: [Double]
    let lower: Double
    let upper: Double
    let rounding: Rounding
    private let scale: Double

    /// A marginal from quantile knots: `u` ascending from 0 to 1, `x` non-decreasing.
    init(knotsU: [Double], knotsX: [Double], lower: Double, upper: Double, rounding: Rounding) {
        precondition(knotsU.count == knotsX.count && knotsU.count >= 2, "a quantile function needs two knots")
        let step = 2 * Self.zMax / Double(Self.cells)
        var table = [Double](repeating: 0, count: Self.cells + 1)
        var k = 0
        for i in 0...Self.cells {
            let u = Normal.cdf(-Self.zMax + Double(i) * step)
            while k + 2 < knotsU.count && knotsU[k + 1] < u { k += 1 }
            let width = knotsU[k + 1] - knotsU[k]
            let t = width > 0 ? min(max((u - knotsU[k]) / width, 0), 1) : 1
            table[i] = knotsX[k] + t * (knotsX[k + 1] - knotsX[k])
        }
        self.table = table
        self.lower = lower
        self.upper = upper
        self.rounding = rounding
        switch rounding {
        case .decimals(let k): scale = pow(10, Double(k))
        default: scale = 1
        }
    }

    /// The values at normal scores `z`, written to `out`.
    func values(_ z: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>) {
        table.withUnsafeBufferPointer { t in
            switch rounding {
            case .none: Self.map(z, out, t, lower, upper) { $0 }
            case .integer: Self.map(z, out, t, lower, upper) { $0.rounded() }
            case .decimals:
                let scale = scale
                Self.map(z, out, t, lower, upper) { ($0 * scale).rounded() / scale }
            }
        }
    }

    @inline(__always)
    private static func map(
        _ z: UnsafeBufferPointer<Double>, _ out: UnsafeMutableBufferPointer<Double>, _ t: UnsafeBufferPointer<Double>,
        _ lower: Double, _ upper: Double, _ round: (Double) -> Double
    ) {
        let perUnit = Double(cells) / (2 * zMax)
        let last = Double(cells) - 0x1p-20
        for r in 0..<z.count {
            let position = min(max((z[r] + zMax) * perUnit, 0), last)
            let i = Int(position)
            let f = position - Double(i)
            out[r] = min(max(round(t[i] + f * (t[i + 1] - t[i])), lower), upper)
        }
    }

    /// The fewest decimal places (at most 6) at which every value is exact, or `nil` when some
    /// value needs more: SDV's learned rounding (`enforce_rounding`).
    static func learnedDecimals(sortedDistinct values: [Double]) -> Int? {
        var needed = 0
        for x in values {
            var k = needed
            while k <= 6 {
                let scale = pow(10, Double(k))
                if (x * scale).rounded() / scale == x { break }
                k += 1
            }
            if k > 6 { return nil }
            needed = k
        }
        return needed
    }
}

/// A fitted categorical marginal: category k is sampled when the normal score falls between
/// Φ⁻¹ of the cumulative probabilities before and after it (SDV's frequency intervals).
struct CategoricalMarginal: Sendable {
    /// The probabilities, in model order.
    let probabilities: [Double]
    /// Φ⁻¹(p₀ + … + p_k) for k = 0 … K−2, non-decreasing.
    let thresholds: [Double]

    init(probabilities: [Double]) {
        self.probabilities = probabilities
        var cumulative = 0.0
        var thresholds: [Double] = []
        for p in probabilities.dropLast() {
            cumulative += p
            thresholds.append(Normal.quantile(min(cumulative, 1)))
        }
        self.thresholds = thresholds
    }

    /// The category of normal score `z`: the number of thresholds at or below it.
    @inline(__always)
    func category(_ z: Double, thresholds t: UnsafeBufferPointer<Double>) -> Int {
        if t.count <= 8 {
            var k = 0
            for threshold in t where threshold <= z { k += 1 }
            return k
        }
        var low = 0
        var high = t.count
        while low < high {
            let mid = (low + high) >> 1
            if t[mid] <= z { low = mid + 1 } else { high = mid }
        }
        return low
    }
}

/// Normal scores: the mean of a standard normal Z given that Φ(Z) falls in a block [a, b] of the
/// marginal's probability scale. Every row of a tie block (or category) gets the block's score, so
/// the scores have mean exactly 0 and a variance below 1 that measures how coarse the column is.
enum NormalScores {
    /// φ(x), 0 at ±∞.
    @inline(__always)
    static func density(_ x: Double) -> Double {
        x.isInfinite ? 0 : exp(-0.5 * x * x) * 0.398_942_280_401_432_7
    }

    /// Φ⁻¹(u) for a block boundary (−∞ at 0, +∞ at 1).
    @inline(__always)
    static func boundary(_ u: Double) -> Double {
        u <= 0 ? -.infinity : (u >= 1 ? .infinity : Normal.quantile(u))
    }

    /// E[Z | Φ⁻¹(a) < Z < Φ⁻¹(b)] = (φ(α) − φ(β))/(b − a), given the boundaries α, β.
    @inline(__always)
    static func blockMean(a: Double, b: Double, alpha: Double, beta: Double) -> Double {
        let width = b - a
        if width <= 0x1p-50 { return Normal.quantile(min(max((a + b) / 2, 0x1p-60), 1 - 0x1p-53)) }
        return (density(alpha) - density(beta)) / width
    }
}
