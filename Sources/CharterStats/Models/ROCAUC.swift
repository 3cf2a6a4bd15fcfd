/// The area under the ROC curve: the probability that a random positive scores above a random
/// negative, ties counting ½ (Mann–Whitney U / (n₊·n₋), equal to `sklearn.metrics.roc_auc_score`).
public enum ROCAUC {
    /// The AUC, or `nil` when there are no positives or no negatives (undefined).
    /// - Complexity: O(n log n).
    public static func compute(scores: [Double], labels: [Bool]) -> Double? {
        precondition(scores.count == labels.count, "scores and labels differ in length")
        let positives = labels.reduce(0) { $0 + ($1 ? 1 : 0) }
        let negatives = labels.count - positives
        guard positives > 0, negatives > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        // Sum of positive ranks, in half-units so it stays an exact integer.
        var twiceRankSum = 0
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && scores[order[end + 1]] == scores[order[start]] { end += 1 }
            var positivesInTie = 0
            for k in start...end where labels[order[k]] { positivesInTie += 1 }
            twiceRankSum += positivesInTie * (start + end + 2)
            start = end + 1
        }
        let u = Double(twiceRankSum - positives * (positives + 1)) / 2
        return u / (Double(positives) * Double(negatives))
    }
}
