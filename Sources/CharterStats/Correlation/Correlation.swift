/// Pearson and Spearman correlation on pairwise-complete rows.
///
/// References: pandas 2.3 `DataFrame.corr(method=...)` (pairwise-complete, `min_periods=1`;
/// Spearman = Pearson of average ranks taken on the pairwise-complete rows of each pair) and
/// `scipy.stats.pearsonr`. A pair with fewer than two complete rows, or a column constant on them,
/// has no correlation: `nil`, never NaN.
public enum Correlation {
    /// Pearson's r of `x` and `y` over the rows where neither is missing.
    /// - Complexity: O(n), two passes (mean, then centred sums) for accuracy on large offsets.
    public static func pearson(
        _ x: [Double], _ y: [Double], missingX: [Bool]? = nil, missingY: [Bool]? = nil
    ) -> Double? {
        precondition(x.count == y.count, "columns differ in length")
        let n = x.count
        // One contiguous mask of the rows to use, so the two passes below are plain loops.
        var use = [Bool](repeating: true, count: n)
        if let missingX { for i in 0..<n where missingX[i] { use[i] = false } }
        if let missingY { for i in 0..<n where missingY[i] { use[i] = false } }
        return x.withUnsafeBufferPointer { xs in
            y.withUnsafeBufferPointer { ys in
                use.withUnsafeBufferPointer { u in
                    var count = 0
                    var sumX = 0.0
                    var sumY = 0.0
                    for i in 0..<n where u[i] {
                        count += 1
                        sumX += xs[i]
                        sumY += ys[i]
                    }
                    guard count >= 2 else { return nil }
                    let meanX = sumX / Double(count)
                    let meanY = sumY / Double(count)
                    var sxx = 0.0
                    var syy = 0.0
                    var sxy = 0.0
                    for i in 0..<n where u[i] {
                        let dx = xs[i] - meanX
                        let dy = ys[i] - meanY
                        sxx += dx * dx
                        syy += dy * dy
                        sxy += dx * dy
                    }
                    guard sxx > 0, syy > 0 else { return nil }
                    let r = sxy / (sxx * syy).squareRoot()
                    return min(max(r, -1), 1)
                }
            }
        }
    }

    /// Spearman's ρ: Pearson's r of the average ranks of the pairwise-complete rows.
    public static func spearman(_ x: [Double], _ y: [Double], missingX: [Bool]? = nil, missingY: [Bool]? = nil)
        -> Double?
    {
        precondition(x.count == y.count, "columns differ in length")
        var cx: [Double] = []
        var cy: [Double] = []
        for i in x.indices where !(missingX?[i] ?? false) && !(missingY?[i] ?? false) {
            cx.append(x[i])
            cy.append(y[i])
        }
        return pearson(averageRanks(cx), averageRanks(cy))
    }

    /// Ranks from 1, ties given the mean of the ranks they span (`scipy.stats.rankdata('average')`).
    /// - Complexity: O(n log n).
    public static func averageRanks(_ values: [Double]) -> [Double] {
        // A radix argsort where it applies (no NaN): a comparison sort was half of a 100k-row
        // fidelity evaluation. Ranks depend only on the sorted values and their ties, not on the
        // order within a tie, so both give the same ranks.
        let order: [Int] =
            values.contains(where: \.isNaN)
            ? values.indices.sorted { values[$0] < values[$1] } : RadixSort.order(values).map(Int.init)
        var ranks = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && values[order[end + 1]] == values[order[start]] { end += 1 }
            let rank = Double(start + end + 2) / 2
            for k in start...end { ranks[order[k]] = rank }
            start = end + 1
        }
        return ranks
    }

    /// The matrix of pairwise correlations of `columns` (`nil` where undefined), like
    /// `DataFrame.corr`.
    public static func matrix(
        _ columns: [(values: [Double], missing: [Bool])], spearman: Bool
    ) -> [[Double?]] {
        let k = columns.count
        var result = [[Double?]](repeating: [Double?](repeating: nil, count: k), count: k)
        for i in 0..<k {
            for j in i..<k {
                let a = columns[i]
                let b = columns[j]
                let r =
                    spearman
                    ? Self.spearman(a.values, b.values, missingX: a.missing, missingY: b.missing)
                    : pearson(a.values, b.values, missingX: a.missing, missingY: b.missing)
                result[i][j] = r
                result[j][i] = r
            }
        }
        return result
    }
}
