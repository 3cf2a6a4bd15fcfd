/// An ROC curve: the true-positive rate against the false-positive rate of "positive iff score ≥ t"
/// as t falls from +∞ to −∞, one point per distinct score (tied scores move both rates at once,
/// the diagonal step that gives ties ½ in ``ROCAUC``).
public struct ROCCurve: Sendable, Equatable {
    /// One threshold's rates.
    public struct Point: Sendable, Equatable {
        public var falsePositiveRate: Double
        public var truePositiveRate: Double

        public init(falsePositiveRate: Double, truePositiveRate: Double) {
            self.falsePositiveRate = falsePositiveRate
            self.truePositiveRate = truePositiveRate
        }
    }

    /// From (0, 0) to (1, 1), both rates non-decreasing.
    public var points: [Point]

    /// The curve of `scores` with `positives` and `negatives`, thinned to at most `maxPoints` points
    /// (the first, the last, and evenly spaced distinct thresholds between: a drawing, not a
    /// measurement). NaN scores are left out; `nil` when either side is then empty.
    /// - Complexity: O(n log n).
    public init?(positives: [Double], negatives: [Double], maxPoints: Int = 256) {
        precondition(maxPoints >= 2, "an ROC curve needs at least its two ends")
        let positives = positives.filter { !$0.isNaN }
        let negatives = negatives.filter { !$0.isNaN }
        guard !positives.isEmpty, !negatives.isEmpty else { return nil }
        let scored = (positives.map { ($0, true) } + negatives.map { ($0, false) }).sorted { $0.0 > $1.0 }
        var all = [Point(falsePositiveRate: 0, truePositiveRate: 0)]
        var truePositives = 0
        var falsePositives = 0
        var index = 0
        while index < scored.count {
            let score = scored[index].0
            while index < scored.count && scored[index].0 == score {
                if scored[index].1 { truePositives += 1 } else { falsePositives += 1 }
                index += 1
            }
            all.append(
                Point(
                    falsePositiveRate: Double(falsePositives) / Double(negatives.count),
                    truePositiveRate: Double(truePositives) / Double(positives.count)))
        }
        if all.count <= maxPoints {
            points = all
        } else {
            let step = Double(all.count - 1) / Double(maxPoints - 1)
            points = (0..<maxPoints).map { all[min(all.count - 1, Int((Double($0) * step).rounded()))] }
        }
    }
}
