#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The single-column and column-pair metrics of SDMetrics 0.32, computed as SDMetrics computes them.
///
/// Reference: SDMetrics 0.32.0 (`sdmetrics.single_column.KSComplement`, `TVComplement`,
/// `sdmetrics.column_pairs.CorrelationSimilarity`, `ContingencySimilarity`) with the quirks recorded
/// in `Tests/Fixtures/reference-metrics/README.md` (rounding to 14 decimals, the 1e-6 pseudo-count, each
/// table binned on its own range in mixed pairs, missing kept as a cell value).
public enum SDMetrics {
    /// The version whose definitions these are.
    public static let version = "0.32.0"

    /// numpy's `round(x, 14)`: x·10¹⁴ rounded half to even, divided back.
    @inline(__always)
    static func round14(_ x: Double) -> Double {
        (x * 1e14).rounded(.toNearestOrEven) / 1e14
    }

    /// KSComplement = 1 − D, D from scipy's two-sample KS statistic on values rounded to 14 decimals.
    /// `nil` when either sample is empty (SDMetrics gives NaN).
    public static func ksComplement(real: [Double], synthetic: [Double]) -> Double? {
        guard !real.isEmpty, !synthetic.isEmpty, real.allSatisfy(\.isFinite), synthetic.allSatisfy(\.isFinite) else {
            return nil
        }
        // Only D is needed: scipy's statistic without its (costly) p-value.
        let d = KolmogorovSmirnovTest.statistic(
            sorted: RadixSort.sorted(real.map(round14)), RadixSort.sorted(synthetic.map(round14)))
        return 1 - d
    }

    /// TVComplement = 1 − ½·Σ_c |p_S(c) − p_R(c)| over real categories and synthetic-only ones; a
    /// synthetic-only category adds 1e-6 to the real counts and to the real total. Codes index a
    /// shared label set (`-1` = missing, dropped); `categoryCount` labels in all.
    /// `nil` when either side has no present value.
    public static func tvComplement(real: [Int32], synthetic: [Int32], categoryCount: Int) -> Double? {
        var realCounts = [Double](repeating: 0, count: categoryCount)
        var syntheticCounts = [Double](repeating: 0, count: categoryCount)
        for code in real where code >= 0 { realCounts[Int(code)] += 1 }
        for code in synthetic where code >= 0 { syntheticCounts[Int(code)] += 1 }
        var realTotal = realCounts.reduce(0, +)
        let syntheticTotal = syntheticCounts.reduce(0, +)
        guard realTotal > 0, syntheticTotal > 0 else { return nil }
        for c in 0..<categoryCount where realCounts[c] == 0 && syntheticCounts[c] > 0 {
            realCounts[c] += 1e-6
            realTotal += 1e-6
        }
        var variation = 0.0
        for c in 0..<categoryCount where realCounts[c] > 0 || syntheticCounts[c] > 0 {
            variation += abs(syntheticCounts[c] / syntheticTotal - realCounts[c] / realTotal)
        }
        return 1 - 0.5 * variation
    }

    /// CorrelationSimilarity = 1 − |r_R − r_S|/2 with Pearson r on pairwise-complete rows.
    /// `nil` when either correlation is undefined (a constant column; SDMetrics raises).
    public static func correlationSimilarity(realCorrelation: Double?, syntheticCorrelation: Double?) -> Double? {
        guard let r = realCorrelation, let s = syntheticCorrelation else { return nil }
        return 1 - abs(r - s) / 2
    }

    /// The 11 edges of `np.histogram_bin_edges(x, bins=10)`: lo + i·((hi − lo)/10), the last edge hi
    /// exactly; lo = hi widens the range to lo ± 0.5. `nil` when there is no value.
    public static func binEdges(_ present: [Double]) -> [Double]? {
        guard var lo = present.min(), var hi = present.max() else { return nil }
        if lo == hi {
            lo -= 0.5
            hi += 0.5
        }
        let step = (hi - lo) / 10
        var edges = (0...10).map { Double($0) * step + lo }
        edges[10] = hi
        return edges
    }

    /// `np.digitize(x, edges)`: the number of edges ≤ x (1–11 inside the range); missing gets 11,
    /// as NaN does in numpy. Returned 0-based (0–10) for dense counting; the label is code + 1.
    public static func binCodes(_ values: [Double], missing: [Bool], edges: [Double]) -> [Int32] {
        var codes = [Int32](repeating: 10, count: values.count)
        for i in values.indices where !missing[i] {
            let x = values[i]
            var count: Int32 = 0
            for edge in edges where edge <= x { count += 1 }
            codes[i] = max(count, 1) - 1
        }
        return codes
    }

    /// ContingencySimilarity = 1 − ½·Σ_(a,b) |P_R(a,b) − P_S(a,b)| over the union of cells. Codes are
    /// dense in `0..<cardinalityA` and `0..<cardinalityB`, missing already given its own code.
    /// Also returns the real cell counts for Cramér's V. `nil` when either table has no rows.
    public static func contingencySimilarity(
        realA: [Int32], realB: [Int32], syntheticA: [Int32], syntheticB: [Int32], cardinalityA: Int, cardinalityB: Int
    ) -> (score: Double, realCounts: [Int])? {
        guard !realA.isEmpty, !syntheticA.isEmpty else { return nil }
        let cells = cardinalityA * cardinalityB
        var realCounts = [Int](repeating: 0, count: cells)
        var syntheticCounts = [Int](repeating: 0, count: cells)
        realA.withUnsafeBufferPointer { a in
            realB.withUnsafeBufferPointer { b in
                for i in 0..<a.count { realCounts[Int(a[i]) * cardinalityB + Int(b[i])] += 1 }
            }
        }
        syntheticA.withUnsafeBufferPointer { a in
            syntheticB.withUnsafeBufferPointer { b in
                for i in 0..<a.count { syntheticCounts[Int(a[i]) * cardinalityB + Int(b[i])] += 1 }
            }
        }
        let nR = Double(realA.count)
        let nS = Double(syntheticA.count)
        var variation = 0.0
        for cell in 0..<cells where realCounts[cell] > 0 || syntheticCounts[cell] > 0 {
            variation += abs(Double(realCounts[cell]) / nR - Double(syntheticCounts[cell]) / nS)
        }
        return (1 - variation / 2, realCounts)
    }

    /// Cramér's V of the real table, from dense cell counts: the table keeps only the rows and
    /// columns that occur (`pd.crosstab`), then `ChiSquaredContingencyTest.cramersV`.
    static func cramersV(counts: [Int], cardinalityA: Int, cardinalityB: Int) -> Double? {
        var rows: [Int] = []
        var columns: [Int] = []
        for a in 0..<cardinalityA where (0..<cardinalityB).contains(where: { counts[a * cardinalityB + $0] > 0 }) {
            rows.append(a)
        }
        for b in 0..<cardinalityB where (0..<cardinalityA).contains(where: { counts[$0 * cardinalityB + b] > 0 }) {
            columns.append(b)
        }
        let table = rows.map { a in columns.map { b in Double(counts[a * cardinalityB + b]) } }
        return ChiSquaredContingencyTest.cramersV(table)
    }
}
