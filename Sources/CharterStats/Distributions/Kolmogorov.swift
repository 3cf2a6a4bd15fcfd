#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Distributions of Kolmogorov–Smirnov statistics, as scipy 1.17 computes them.
///
/// References: scipy.stats `kstwo` (`scipy/stats/_ksstats.py`), following R. Simard and
/// P. L'Ecuyer, "Computing the Two-Sided Kolmogorov-Smirnov Distribution", J. Stat. Softw. 39(11)
/// (2011): Ruben–Gambino closed forms at the ends, the Durbin matrix (Marsaglia–Tsang–Wang 2003),
/// the Pomeranz recursion (1974), the Pelz–Good asymptotic series (1976) and 2× the one-sided
/// Smirnov tail (Birnbaum and Tingey 1951), chosen by n and n·x² exactly as scipy chooses.
public enum Kolmogorov {
    private static let e128 = 128
    private static let ep128 = 0x1p128
    private static let em128 = 0x1p-128

    /// P(D⁺ₙ > x), the one-sided Smirnov tail (scipy.special.smirnov), by Birnbaum and Tingey's sum
    /// evaluated term by term in logarithms.
    public static func smirnov(_ n: Int, _ x: Double) -> Double {
        guard n > 0, x >= 0, x <= 1 else { return .nan }
        if x == 0 { return 1 }
        if x == 1 { return 0 }
        let nd = Double(n)
        let last = Int((nd * (1 - x)).rounded(.down))
        let logNFactorial = logGamma(nd + 1)
        var sum = 0.0
        var compensation = 0.0
        for v in 0...last {
            let evn = x + Double(v) / nd
            let omevn = 1 - evn
            var term: Double
            if omevn <= 0 {
                term = n == v ? exp(logNFactorial - logGamma(Double(v) + 1) + Double(v - 1) * log(evn)) : 0
            } else {
                term = exp(
                    logNFactorial - logGamma(Double(v) + 1) - logGamma(Double(n - v) + 1) + Double(v - 1) * log(evn)
                        + Double(n - v) * log(omevn))
            }
            // Kahan summation keeps the many small terms from losing bits.
            term -= compensation
            let next = sum + term
            compensation = (next - sum) - term
            sum = next
        }
        return min(max(sum * x, 0), 1)
    }

    /// P(Dₙ > x) (`cdf: false`) or P(Dₙ ≤ x) (`cdf: true`) for the two-sided one-sample statistic:
    /// scipy's `kstwo.sf` / `kstwo.cdf`.
    public static func twoSided(_ n: Int, _ x: Double, cdf: Bool) -> Double {
        func pick(_ cdfValue: Double, _ sfValue: Double) -> Double {
            min(max(cdf ? cdfValue : sfValue, 0), 1)
        }
        guard n > 0, !x.isNaN else { return .nan }
        if x >= 1 { return pick(1, 0) }
        if x <= 0 { return pick(0, 1) }
        let nd = Double(n)
        let t = nd * x
        if t <= 1 {
            if t <= 0.5 { return pick(0, 1) }
            var probability: Double
            if n <= 140 {
                probability = 1
                for i in 1...n { probability *= Double(i) * (1 / nd) * (2 * t - 1) }
            } else {
                probability = exp(logFactorialOverPower(n) + nd * log(2 * t - 1))
            }
            return pick(probability, 1 - probability)
        }
        if t >= nd - 1 {
            let probability = 2 * pow(1 - x, nd)
            return pick(1 - probability, probability)
        }
        if x >= 0.5 {
            let probability = 2 * smirnov(n, x)
            return pick(1 - probability, probability)
        }
        let nxSquared = t * x
        if n <= 140 {
            if nxSquared <= 0.754693 {
                let probability = durbinMatrix(n, x)
                return pick(probability, 1 - probability)
            }
            if nxSquared <= 4 {
                let probability = pomeranz(n, x)
                return pick(probability, 1 - probability)
            }
            let probability = 2 * smirnov(n, x)
            return pick(1 - probability, probability)
        }
        if !cdf {
            if nxSquared >= 370 { return 0 }
            if nxSquared >= 2.2 { return min(max(2 * smirnov(n, x), 0), 1) }
        }
        let cdfProbability: Double
        if nxSquared >= 18 {
            cdfProbability = 1
        } else if n <= 100_000 && nd * pow(x, 1.5) <= 1.4 {
            cdfProbability = durbinMatrix(n, x)
        } else {
            cdfProbability = pelzGood(n, x)
        }
        return pick(cdfProbability, 1 - cdfProbability)
    }

    /// log(n! / nⁿ) by Stirling's series (scipy's `_log_nfactorial_div_n_pow_n`).
    static func logFactorialOverPower(_ n: Int) -> Double {
        let coefficients = [
            -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3,
            8.4175084175084175084e-4, -5.952380952380952381e-4, 7.9365079365079365079e-4,
            -2.7777777777777777778e-3, 8.3333333333333333333e-2,
        ]
        let nd = Double(n)
        let rn = 1 / nd
        var poly = 0.0
        let z = rn / nd
        for c in coefficients { poly = poly * z + c }
        return log(nd) / 2 - nd + log(2 * Double.pi) / 2 + rn * poly
    }

    /// P(Dₙ ≤ d) by the Durbin matrix, powered by repeated squaring with explicit exponent scaling.
    static func durbinMatrix(_ n: Int, _ d: Double) -> Double {
        if d >= 1 { return 1 }
        let nd = Double(n) * d
        if nd <= 0.5 { return 0 }
        let k = Int(nd.rounded(.up))
        let h = Double(k) - nd
        let m = 2 * k - 1
        var v = [Double](repeating: 0, count: m)
        var w = [Double](repeating: 0, count: m)
        var factorial = 1.0
        for j in 1...m {
            v[j - 1] = 1 - pow(h, Double(j))
            w[j - 1] = factorial
            factorial /= Double(j)
            v[j - 1] *= factorial
        }
        let tt = pow(max(2 * h - 1, 0), Double(m)) - 2 * pow(h, Double(m))
        v[m - 1] = (1 + tt) * factorial
        var matrix = [Double](repeating: 0, count: m * m)
        for i in 1..<m {
            for row in (i - 1)..<m { matrix[row * m + i] = w[row - (i - 1)] }
        }
        for row in 0..<m { matrix[row * m] = v[row] }
        for col in 0..<m { matrix[(m - 1) * m + col] = v[m - 1 - col] }
        var power = [Double](repeating: 0, count: m * m)
        for i in 0..<m { power[i * m + i] = 1 }
        var remaining = n
        var exponent = 0
        var matrixExponent = 0
        while remaining > 0 {
            if remaining % 2 == 1 {
                power = multiply(power, matrix, m)
                exponent += matrixExponent
            }
            matrix = multiply(matrix, matrix, m)
            matrixExponent *= 2
            if abs(matrix[(k - 1) * m + (k - 1)]) > ep128 {
                for i in matrix.indices { matrix[i] /= ep128 }
                matrixExponent += e128
            }
            remaining /= 2
        }
        var p = power[(k - 1) * m + (k - 1)]
        for i in 1...n {
            p = Double(i) * p / Double(n)
            if abs(p) < em128 {
                p *= ep128
                exponent -= e128
            }
        }
        if exponent != 0 { p = scalbn(p, Int32(exponent)) }
        return p
    }

    private static func multiply(_ a: [Double], _ b: [Double], _ m: Int) -> [Double] {
        var c = [Double](repeating: 0, count: m * m)
        for i in 0..<m {
            for l in 0..<m {
                let ail = a[i * m + l]
                if ail == 0 { continue }
                for j in 0..<m { c[i * m + j] += ail * b[l * m + j] }
            }
        }
        return c
    }

    /// P(Dₙ ≤ x) by the Pomeranz recursion.
    static func pomeranz(_ n: Int, _ x: Double) -> Double {
        let t = Double(n) * x
        let ll = Int(t.rounded(.down))
        let f = t - Double(ll)
        let g = min(f, 1 - f)
        let ceilf = f > 0 ? 1 : 0
        let roundf = f > 0.5 ? 1 : 0
        let powers = 2 * (ll + 1)
        var gPower = [Double](repeating: 1, count: powers)
        var twoGPower = [Double](repeating: 1, count: powers)
        var oneMinusTwoGPower = [Double](repeating: 1, count: powers)
        let nd = Double(n)
        for m in 1..<powers {
            gPower[m] = gPower[m - 1] * (g / nd) / Double(m)
            twoGPower[m] = twoGPower[m - 1] * (2 * g / nd) / Double(m)
            oneMinusTwoGPower[m] = oneMinusTwoGPower[m - 1] * ((1 - 2 * g) / nd) / Double(m)
        }
        var v0 = [Double](repeating: 0, count: powers)
        var v1 = [Double](repeating: 0, count: powers)
        v1[0] = 1
        var v0Start = 0
        var v1Start = 0
        var exponent = 0
        func bounds(_ i: Int) -> (Int, Int) {
            var j1: Int
            var j2: Int
            if i == 0 {
                j1 = -ll - ceilf - 1
                j2 = ll + ceilf - 1
            } else {
                let half = (i + 1) / 2
                if (i + 1) % 2 == 0 {
                    if half == n + 1 {
                        j1 = n - ll - ceilf - 1
                        j2 = n + ll + ceilf - 1
                    } else {
                        j1 = half - 1 - ll - roundf - 1
                        j2 = half + ll - 1 + ceilf - 1
                    }
                } else {
                    j1 = half - 1 - ll - 1
                    j2 = half + ll + roundf - 1
                }
            }
            return (max(j1 + 2, 0), min(j2, n))
        }
        var (j1, j2) = bounds(0)
        for i in 1..<(2 * n + 2) {
            let k1 = j1
            swap(&v0, &v1)
            swap(&v0Start, &v1Start)
            for index in v1.indices { v1[index] = 0 }
            (j1, j2) = bounds(i)
            let pw = (i == 1 || i == 2 * n + 1) ? gPower : (i % 2 == 1 ? twoGPower : oneMinusTwoGPower)
            let length = j2 - k1 + 1
            if length > 0 {
                let start = j1 - k1
                let count = j2 - j1 + 1
                for out in 0..<count {
                    let index = start + out
                    var sum = 0.0
                    for a in 0...index where a < length && index - a < length {
                        sum += v0[k1 - v0Start + a] * pw[index - a]
                    }
                    v1[out] = sum
                }
                let largest = v1.max() ?? 0
                if largest > 0 && largest < em128 {
                    for index in v1.indices { v1[index] *= ep128 }
                    exponent -= e128
                }
                v1Start = v0Start + j1 - k1
            }
        }
        var answer = v1[n - v1Start]
        for m in 1...n {
            if abs(answer) > ep128 {
                answer *= em128
                exponent += e128
            }
            answer *= Double(m)
        }
        if exponent != 0 { answer = scalbn(answer, Int32(exponent)) }
        return answer
    }

    /// P(Dₙ ≤ x) by the Pelz–Good asymptotic series.
    static func pelzGood(_ n: Int, _ x: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let pi2 = Double.pi * Double.pi
        let pi4 = pi2 * pi2
        let pi6 = pi4 * pi2
        let z = Double(n).squareRoot() * x
        let z2 = z * z
        let z3 = z2 * z
        let z4 = z2 * z2
        let z6 = z4 * z2
        let qlog = -pi2 / 8 / z2
        if qlog < -708 { return 0 }
        var q = exp(qlog)
        let k1a = -z2
        let k1b = pi2 / 4
        let k2a = 6 * z6 + 2 * z4
        let k2b = (2 * z4 - 5 * z2) * pi2 / 4
        let k2c = pi4 * (1 - 2 * z2) / 16
        let k3d = pi6 * (5 - 30 * z2) / 64
        let k3c = pi4 * (-60 * z2 + 212 * z4) / 16
        let k3b = pi2 * (135 * z4 - 96 * z6) / 4
        let k3a = -30 * z6 - 90 * pow(z, 8)
        var terms = [0.0, 0.0, 0.0, 0.0]
        let maxK = Int((16 * z / Double.pi).rounded(.up))
        if maxK >= 1 {
            for k in stride(from: maxK, through: 1, by: -1) {
                let m = Double(2 * k - 1)
                let m2 = m * m
                let m4 = m2 * m2
                let m6 = m4 * m2
                let qPower = pow(q, Double(8 * k))
                let coefficients = [
                    1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6,
                ]
                for i in 0..<4 { terms[i] = terms[i] * qPower + coefficients[i] }
            }
        }
        let sqrt2pi = (2 * Double.pi).squareRoot()
        let divisors = [z, 6 * z4, 72 * pow(z, 7), 6480 * pow(z, 10)]
        for i in 0..<4 { terms[i] = terms[i] * q * sqrt2pi / divisors[i] }
        q = exp(-pi2 / 2 / z2)
        var k2extra = 0.0
        var k3extra = 0.0
        if maxK >= 1 {
            let sqrt3z = 3.0.squareRoot() * z
            for k in stride(from: maxK, through: 1, by: -1) {
                let kd = Double(k)
                let qp = pow(q, kd * kd)
                k2extra += kd * kd * qp
                let kpi = Double.pi * kd
                k3extra += (sqrt3z + kpi) * (sqrt3z - kpi) * kd * kd * qp
            }
        }
        terms[2] += k2extra * pi2 * sqrt2pi / (-36 * z3)
        terms[3] += k3extra * pi2 * sqrt2pi / (216 * z6)
        var total = 0.0
        for i in 0..<4 { total += terms[i] / pow(Double(n), Double(i) / 2) }
        return total
    }

    /// P(D ≥ h/n) for two samples of equal size n (scipy's `_compute_prob_outside_square`).
    static func outsideSquare(_ n: Int, _ h: Int) -> Double {
        var p = 0.0
        var k = n / h
        while k >= 0 {
            var p1 = 1.0
            for j in 0..<h { p1 = Double(n - k * h - j) * p1 / Double(n + k * h + j + 1) }
            p = p1 * (1 - p)
            k -= 1
        }
        return 2 * p
    }

    /// The share of lattice paths from (0,0) to (m,n) that leave the band |x/m − y/n| < h/lcm
    /// (scipy's `_compute_outer_prob_inside_method`), computed as a probability column by column.
    static func outsideBand(_ m0: Int, _ n0: Int, _ g: Int, _ h: Int) -> Double {
        let (m, n) = m0 >= n0 ? (m0, n0) : (n0, m0)
        let mg = m / g
        let ng = n / g
        var minj = 0
        var maxj = min(Int((Double(h) / Double(mg)).rounded(.up)), n + 1)
        var currentLength = maxj - minj
        let length = min(2 * maxj + 2, n + 1)
        var a = [Double](repeating: 1, count: max(length, 1))
        for j in minj..<min(maxj, a.count) { a[j] = 0 }
        for i in 1...m {
            let lastMinj = minj
            let lastLength = currentLength
            minj = max(Int((Double(ng * i - h) / Double(mg)).rounded(.down)) + 1, 0)
            minj = min(minj, n)
            maxj = min(Int((Double(ng * i + h) / Double(mg)).rounded(.up)), n + 1)
            if maxj <= minj { return 1 }
            var value = minj == 0 ? 0.0 : 1.0
            for jj in 0..<(maxj - minj) {
                let j = jj + minj
                let previousIndex = jj + minj - lastMinj
                let previous = previousIndex < a.count ? a[previousIndex] : 1
                value = (previous * Double(i) + value * Double(j)) / Double(i + j)
                if jj < a.count { a[jj] = value }
            }
            currentLength = maxj - minj
            if lastLength > currentLength {
                for index in (maxj - minj)..<min(maxj - minj + (lastLength - currentLength), a.count) { a[index] = 1 }
            }
        }
        return a[maxj - minj - 1]
    }
}
