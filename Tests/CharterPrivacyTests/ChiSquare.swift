import Foundation

/// Pearson's χ² goodness-of-fit test of integer samples against an exact pmf.
struct ChiSquareFit {
    var statistic: Double
    var degreesOfFreedom: Int

    /// Bins every integer whose expected count is at least 5 on its own; the two tails (and anything
    /// else) are pooled into one bin each.
    init(samples: [Int64], pmf: (Int64) -> Double, support: ClosedRange<Int64>) {
        let n = Double(samples.count)
        var observed: [Int64: Int] = [:]
        for sample in samples { observed[sample, default: 0] += 1 }
        var bins: [(expected: Double, observed: Int)] = []
        var lowTail = (expected: 0.0, observed: 0)
        var highTail = (expected: 0.0, observed: 0)
        var covered = 0.0
        for value in support {
            let expected = n * pmf(value)
            covered += expected
            if expected >= 5 {
                bins.append((expected, observed[value, default: 0]))
            } else if value < 0 {
                lowTail.expected += expected
                lowTail.observed += observed[value, default: 0]
            } else {
                highTail.expected += expected
                highTail.observed += observed[value, default: 0]
            }
        }
        // Mass outside the support joins the tails.
        let outsideObserved = samples.count(where: { !support.contains($0) })
        let outsideExpected = Swift.max(0, n - covered)
        highTail.expected += outsideExpected / 2
        lowTail.expected += outsideExpected / 2
        highTail.observed += samples.count(where: { $0 > support.upperBound })
        lowTail.observed += samples.count(where: { $0 < support.lowerBound })
        _ = outsideObserved
        for tail in [lowTail, highTail] where tail.expected > 0 || tail.observed > 0 {
            bins.append((Swift.max(tail.expected, 1e-300), tail.observed))
        }
        statistic = bins.reduce(0) { sum, bin in
            let difference = Double(bin.observed) - bin.expected
            return sum + difference * difference / bin.expected
        }
        degreesOfFreedom = bins.count - 1
    }

    /// The upper 0.1% point of χ²(k), by the Wilson–Hilferty approximation (z = 3.0902).
    var criticalValue: Double {
        let k = Double(degreesOfFreedom)
        let term = 1 - 2 / (9 * k) + 3.0902 * (2 / (9 * k)).squareRoot()
        return k * term * term * term
    }

    var passes: Bool { statistic <= criticalValue }
}
