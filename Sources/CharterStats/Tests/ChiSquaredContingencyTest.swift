/// Pearson's chi-squared test of independence on a contingency table, as
/// `scipy.stats.chi2_contingency` (scipy 1.17.1) computes it.
///
/// Expected counts are rowₛᵤₘ·colₛᵤₘ/total; dof = (r − 1)(c − 1). With `correction` (scipy's
/// default) and dof = 1, Yates' correction moves each observed count ½ towards its expected count
/// (by at most the distance between them). The p-value is Q(dof/2, χ²/2). dof = 0 gives χ² = 0,
/// p = 1, as scipy does.
public struct ChiSquaredContingencyTest: Sendable, Equatable {
    /// Why the test cannot run.
    public enum Failure: Error, Equatable {
        /// The table is empty or its rows differ in length.
        case malformedTable
        /// A count is negative or not finite.
        case invalidCount
        /// A row or column sums to zero, so an expected count is zero (scipy raises here too).
        case zeroExpectedCount
    }

    /// χ².
    public var statistic: Double
    /// Q(dof/2, χ²/2).
    public var pValue: Double
    /// (r − 1)(c − 1).
    public var degreesOfFreedom: Int
    /// Whether Yates' correction was applied.
    public var correctionApplied: Bool
    /// The expected counts, row-major.
    public var expected: [[Double]]

    /// The definition this follows, for reports.
    public static let definition = "scipy.stats.chi2_contingency(correction=True), scipy 1.17.1"

    /// Runs the test on `observed` (rows × columns).
    public init(_ observed: [[Double]], correction: Bool = true) throws(Failure) {
        guard let columns = observed.first?.count, columns > 0, observed.allSatisfy({ $0.count == columns }) else {
            throw .malformedTable
        }
        guard observed.allSatisfy({ $0.allSatisfy { $0.isFinite && $0 >= 0 } }) else { throw .invalidCount }
        let rows = observed.count
        let rowSums = observed.map { $0.reduce(0, +) }
        var columnSums = [Double](repeating: 0, count: columns)
        for row in observed { for j in 0..<columns { columnSums[j] += row[j] } }
        let total = rowSums.reduce(0, +)
        var expected = [[Double]](repeating: [Double](repeating: 0, count: columns), count: rows)
        for i in 0..<rows {
            for j in 0..<columns {
                expected[i][j] = rowSums[i] * columnSums[j] / total
                if !(expected[i][j] > 0) { throw .zeroExpectedCount }
            }
        }
        let dof = (rows - 1) * (columns - 1)
        self.expected = expected
        degreesOfFreedom = dof
        correctionApplied = false
        if dof == 0 {
            statistic = 0
            pValue = 1
            return
        }
        var sum = 0.0
        let yates = correction && dof == 1
        for i in 0..<rows {
            for j in 0..<columns {
                var o = observed[i][j]
                let e = expected[i][j]
                if yates {
                    let diff = e - o
                    let magnitude = min(0.5, abs(diff))
                    o += diff > 0 ? magnitude : (diff < 0 ? -magnitude : 0)
                }
                sum += (o - e) * (o - e) / e
            }
        }
        correctionApplied = yates
        statistic = sum
        pValue = ChiSquared.sf(sum, degreesOfFreedom: Double(dof))
    }

    /// Cramér's V of a table without Yates' correction: √(χ²/(n·(min(r, c) − 1)))
    /// (`scipy.stats.contiguous.association(method="cramer")`). `nil` for tables with fewer than
    /// two rows or columns, where it is undefined.
    public static func cramersV(_ observed: [[Double]]) -> Double? {
        guard observed.count >= 2, let columns = observed.first?.count, columns >= 2 else { return nil }
        guard let test = try? ChiSquaredContingencyTest(observed, correction: false) else { return nil }
        let n = observed.reduce(0) { $0 + $1.reduce(0, +) }
        let phi2 = test.statistic / n
        return (phi2 / Double(min(columns - 1, observed.count - 1))).squareRoot()
    }
}
