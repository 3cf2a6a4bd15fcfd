internal import CharterCore

/// The area under the ROC curve of a score that should be higher for positives, as the Mann–Whitney
/// statistic with ties counted ½, and DeLong's variance for its confidence interval.
///
/// AUC = (1/(m·n)) Σᵢ Σⱼ ψ(xᵢ, yⱼ), ψ = 1 if x > y, ½ if x = y, 0 otherwise, over m positive scores x
/// and n negative scores y. DeLong, DeLong and Clarke-Pearson (1988): with the placement values
/// V₁₀(xᵢ) = (1/n) Σⱼ ψ(xᵢ, yⱼ) and V₀₁(yⱼ) = (1/m) Σᵢ ψ(xᵢ, yⱼ), Var(AUC) = S₁₀/m + S₀₁/n where S₁₀
/// and S₀₁ are their sample variances (divisor m − 1 and n − 1). Placements come from midranks
/// (Sun and Xu 2014), so the whole computation is two sorts.
package struct MannWhitneyAUC: Sendable, Equatable {
    /// The AUC.
    package var auc: Double
    /// DeLong's variance of the AUC (0 with a single positive or negative).
    package var variance: Double

    /// - Complexity: O((m + n) log(m + n)).
    package init(positives: [Double], negatives: [Double]) {
        precondition(!positives.isEmpty && !negatives.isEmpty, "an AUC needs both classes")
        precondition(
            !positives.contains(where: \.isNaN) && !negatives.contains(where: \.isNaN), "scores must not be NaN")
        let m = Double(positives.count)
        let n = Double(negatives.count)
        let combined = Self.midranks(positives + negatives)
        let withinPositives = Self.midranks(positives)
        let withinNegatives = Self.midranks(negatives)
        // Σⱼ ψ(xᵢ, yⱼ) = (rank of xᵢ among all) − (rank of xᵢ among the positives).
        var placementsPositive = [Double](repeating: 0, count: positives.count)
        var sum = 0.0
        for i in positives.indices {
            let above = combined[i] - withinPositives[i]
            placementsPositive[i] = above / n
            sum += above
        }
        let auc = sum / (m * n)
        self.auc = auc
        var placementsNegative = [Double](repeating: 0, count: negatives.count)
        for j in negatives.indices {
            // Σᵢ ψ(xᵢ, yⱼ) = m − (rank of yⱼ among all − rank among the negatives).
            let below = combined[positives.count + j] - withinNegatives[j]
            placementsNegative[j] = (m - below) / m
        }
        func sampleVariance(_ values: [Double]) -> Double {
            guard values.count > 1 else { return 0 }
            var total = 0.0
            for value in values { total += (value - auc) * (value - auc) }
            return total / Double(values.count - 1)
        }
        variance = sampleVariance(placementsPositive) / m + sampleVariance(placementsNegative) / n
    }

    /// The normal-approximation interval auc ± z·√variance, clipped to [0, 1].
    package func interval(level: Double) -> ConfidenceInterval {
        let z = NormalDistribution.quantile(0.5 * (1 + level))
        let half = z * variance.squareRoot()
        return ConfidenceInterval(lower: max(0, auc - half), upper: min(1, auc + half), level: level)
    }

    /// 1-based midranks (ties get the mean of the ranks they span), in input order.
    static func midranks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && values[order[end]] == values[order[start]] { end += 1 }
            let rank = Double(start + 1 + end) / 2  // mean of start+1 … end
            for k in start..<end { ranks[order[k]] = rank }
            start = end
        }
        return ranks
    }
}
