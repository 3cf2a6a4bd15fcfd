#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// AUCs of several scorers on the same labelled rows with DeLong's covariance matrix.
///
/// DeLong, DeLong and Clarke-Pearson (1988), "Comparing the areas under two or more correlated
/// receiver operating characteristic curves", Biometrics 44(3): for scorer k with m positive
/// scores x and n negative scores y, the placements V₁₀ᵏ(xᵢ) = (1/n) Σⱼ ψ(xᵢ, yⱼ) and
/// V₀₁ᵏ(yⱼ) = (1/m) Σᵢ ψ(xᵢ, yⱼ) (ψ = 1, ½, 0 for >, =, <) give AUCₖ = mean V₁₀ᵏ and
/// Cov(AUCₖ, AUCₗ) = S₁₀ᵏˡ/m + S₀₁ᵏˡ/n, with S the sample covariances (divisor m − 1, n − 1) of the
/// placements. Placements come from midranks (Sun and Xu 2014, IEEE SPL 21(11)), so each scorer
/// costs three sorts. The reference in `Tests/CharterStatsTests/Fixtures/delong` is computed by
/// `scripts/delong-reference.py` from the O(mn) definition, an independent route to the same numbers.
///
/// TSTR and TRTR score the same holdout rows, so their AUCs are correlated; the ratio's interval
/// uses that covariance (``ratioInterval(numerator:denominator:level:)``).
public struct DeLong: Sendable, Equatable {
    /// AUC of each scorer, in the order given.
    public var aucs: [Double]
    /// DeLong's covariance matrix of the AUCs, row-major K × K.
    public var covariance: [[Double]]
    /// Positive and negative rows.
    public var positives: Int
    public var negatives: Int

    /// The AUCs of `scores` (one array per scorer, each as long as `labels`), or `nil` when the rows
    /// lack a positive or a negative.
    /// - Complexity: O(K · N log N) for K scorers on N rows.
    public init?(scores: [[Double]], labels: [Bool]) {
        let m = labels.reduce(0) { $0 + ($1 ? 1 : 0) }
        let n = labels.count - m
        guard m > 0, n > 0 else { return nil }
        precondition(scores.allSatisfy { $0.count == labels.count }, "every scorer scores every row")
        positives = m
        negatives = n
        var v10: [[Double]] = []
        var v01: [[Double]] = []
        var aucs: [Double] = []
        for column in scores {
            var x: [Double] = []
            var y: [Double] = []
            x.reserveCapacity(m)
            y.reserveCapacity(n)
            for (score, label) in zip(column, labels) {
                if label { x.append(score) } else { y.append(score) }
            }
            let all = Self.midranks(x + y)
            let withinX = Self.midranks(x)
            let withinY = Self.midranks(y)
            var placementsX = [Double](repeating: 0, count: m)
            var sum = 0.0
            for i in 0..<m {
                let above = all[i] - withinX[i]
                placementsX[i] = above / Double(n)
                sum += above
            }
            var placementsY = [Double](repeating: 0, count: n)
            for j in 0..<n {
                placementsY[j] = 1 - (all[m + j] - withinY[j]) / Double(m)
            }
            aucs.append(sum / (Double(m) * Double(n)))
            v10.append(placementsX)
            v01.append(placementsY)
        }
        self.aucs = aucs
        let k = scores.count
        var covariance = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        for a in 0..<k {
            for b in a..<k {
                let value =
                    Self.covariance(v10[a], v10[b], aucs[a], aucs[b]) / Double(m)
                    + Self.covariance(v01[a], v01[b], aucs[a], aucs[b]) / Double(n)
                covariance[a][b] = value
                covariance[b][a] = value
            }
        }
        self.covariance = covariance
    }

    /// The normal interval AUCₖ ± z·√Var, clipped to [0, 1].
    public func interval(_ k: Int, level: Double) -> Uncertainty {
        let half = Uncertainty.z(level: level) * max(0, covariance[k][k]).squareRoot()
        return Uncertainty(
            estimate: aucs[k], lower: max(0, aucs[k] - half), upper: min(1, aucs[k] + half), level: level,
            method: "DeLong")
    }

    /// The interval of AUCₐ / AUC_b for two scorers of the same rows: the delta method on the log
    /// ratio, Var(log R) = Var(A)/A² + Var(B)/B² − 2·Cov(A, B)/(A·B), and R·exp(±z·√Var(log R)).
    /// `nil` when either AUC is 0.
    public func ratioInterval(numerator a: Int, denominator b: Int, level: Double) -> Uncertainty? {
        Self.ratioInterval(
            numerator: (aucs[a], covariance[a][a]), denominator: (aucs[b], covariance[b][b]),
            covariance: covariance[a][b], level: level, method: "DeLong paired, delta method on the log ratio")
    }

    /// The interval of A / B from each AUC's variance and their covariance (0 for AUCs measured on
    /// different rows): the delta method on the log ratio. `nil` when either is 0.
    public static func ratioInterval(
        numerator: (auc: Double, variance: Double), denominator: (auc: Double, variance: Double),
        covariance: Double, level: Double, method: String
    ) -> Uncertainty? {
        let (a, va) = numerator
        let (b, vb) = denominator
        guard a > 0, b > 0 else { return nil }
        let logVariance = max(0, va / (a * a) + vb / (b * b) - 2 * covariance / (a * b))
        let ratio = a / b
        let spread = Uncertainty.z(level: level) * logVariance.squareRoot()
        return Uncertainty(
            estimate: ratio, lower: ratio * exp(-spread), upper: ratio * exp(spread), level: level, method: method)
    }

    static func covariance(_ u: [Double], _ v: [Double], _ meanU: Double, _ meanV: Double) -> Double {
        guard u.count > 1 else { return 0 }
        var total = 0.0
        for i in u.indices { total += (u[i] - meanU) * (v[i] - meanV) }
        return total / Double(u.count - 1)
    }

    /// 1-based midranks (ties share the mean of the ranks they span), in input order.
    static func midranks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && values[order[end]] == values[order[start]] { end += 1 }
            let rank = Double(start + 1 + end) / 2
            for k in start..<end { ranks[order[k]] = rank }
            start = end
        }
        return ranks
    }
}

