import CharterData

/// A training column mapped to the bins of its declared domain: the histogram `dp-copula` releases.
/// The bins depend on the declared domain only, never on the data.
struct BinnedColumn: Sendable {
    enum Kind: Sendable {
        case categorical(labels: [String], output: CategoricalColumn.Output)
        /// Bin b covers [edges[b], edges[b+1]); integral columns are binned on half-integer edges
        /// and rounded after sampling.
        case numeric(edges: [Double], lower: Double, upper: Double, integral: Bool)
    }

    var name: String
    var kind: Kind
    /// The histogram's domain: one label per bin, then the missing bin.
    var labels: [String]
    /// Each row's bin, `-1` where missing.
    var bins: [Int32]
    /// How the bins were made, for the lineage.
    var binning: String

    /// The number of bins, without the missing bin.
    var binCount: Int { labels.count - 1 }

    init(_ column: EncodedColumn, bins requested: Int) {
        switch column {
        case .categorical(let categorical):
            name = categorical.name
            kind = .categorical(labels: categorical.labels, output: categorical.output)
            bins = categorical.codes
            labels = Self.withMissingLabel(categorical.labels)
            binning = "declared categories"
        case .numeric(let numeric):
            name = numeric.name
            // `TrainingData.prepare` guarantees a domain for every column of a DP generator.
            let domain = numeric.domain ?? (lower: 0, upper: 0, integral: false)
            var edges: [Double]
            let count: Int
            if domain.integral {
                let low = domain.lower.rounded(.up)
                let high = domain.upper.rounded(.down)
                let integers = high - low + 1
                if integers <= Double(DPCopulaGenerator.maximumIntegerBins) {
                    count = Int(integers)
                    binning = "one bin per integer"
                } else {
                    count = requested
                    binning = "\(requested) equal-width bins on half-integer edges"
                }
                let width = integers / Double(count)
                edges = (0...count).map { low - 0.5 + Double($0) * width }
                edges[count] = high + 0.5
                kind = .numeric(edges: edges, lower: low, upper: high, integral: true)
            } else {
                count = domain.lower == domain.upper ? 1 : requested
                let width = (domain.upper - domain.lower) / Double(count)
                edges = (0...count).map { domain.lower + Double($0) * width }
                edges[count] = domain.upper
                kind = .numeric(edges: edges, lower: domain.lower, upper: domain.upper, integral: false)
                binning = count == 1 ? "one bin (a single-value domain)" : "\(count) equal-width bins"
            }
            let start = edges[0]
            let width = (edges[count] - start) / Double(count)
            var bins = [Int32](repeating: -1, count: numeric.values.values.count)
            for row in bins.indices where !numeric.values.isMissing[row] {
                let position = width > 0 ? (numeric.values.values[row] - start) / width : 0
                bins[row] = Int32(min(max(Int(position.rounded(.down)), 0), count - 1))
            }
            self.bins = bins
            labels = Self.withMissingLabel((0..<count).map { "bin \($0)" })
        }
    }

    /// Each row's histogram label (the missing label where missing).
    func rowLabels() -> [String] {
        let missing = labels[labels.count - 1]
        return bins.map { $0 < 0 ? missing : labels[Int($0)] }
    }

    /// The labels plus a missing label that none of them equals.
    static func withMissingLabel(_ labels: [String]) -> [String] {
        var missing = "\u{1}missing"
        let taken = Set(labels)
        while taken.contains(missing) { missing = "\u{1}" + missing }
        return labels + [missing]
    }
}

/// A noisy histogram post-processed into a copula marginal: counts clamped at 0, a missing rate,
/// bin probabilities, and each bin's normal score.
struct NoisyMarginal: Sendable {
    /// The clamped noisy counts of all bins, the missing bin last.
    var counts: [Double]
    /// Their sum: the noisy number of rows.
    var total: Double
    var missingRate: Double
    /// The probability of each (non-missing) bin.
    var probabilities: [Double]
    /// The normal score of each bin: E[Z | Z in the bin's interval].
    var binScores: [Double]
    /// Σ p_b·s_b², the variance of the scores.
    var scoreVariance: Double
    var copulaMarginal: CopulaModel.ModelColumn.Marginal

    init(counts raw: [Int64], column: BinnedColumn) {
        counts = Self.projectedToSimplex(raw.map { Double($0) })
        total = counts.reduce(0, +)
        let binCount = column.binCount
        let present = counts[0..<binCount].reduce(0, +)
        missingRate = total > 0 ? counts[binCount] / total : 0
        let clamped = counts
        let probabilities =
            present > 0
            ? (0..<binCount).map { clamped[$0] / present } : [Double](repeating: 1 / Double(binCount), count: binCount)
        self.probabilities = probabilities
        var scores = [Double](repeating: 0, count: binCount)
        var cumulative = [Double](repeating: 0, count: binCount + 1)
        var alpha = -Double.infinity
        var variance = 0.0
        for b in 0..<binCount {
            cumulative[b + 1] = b == binCount - 1 ? 1 : min(cumulative[b] + probabilities[b], 1)
            let beta = b == binCount - 1 ? Double.infinity : NormalScores.boundary(cumulative[b + 1])
            scores[b] = NormalScores.blockMean(a: cumulative[b], b: cumulative[b + 1], alpha: alpha, beta: beta)
            variance += probabilities[b] * scores[b] * scores[b]
            alpha = beta
        }
        binScores = scores
        scoreVariance = variance
        switch column.kind {
        case .categorical(let labels, let output):
            copulaMarginal = .categorical(
                CategoricalMarginal(probabilities: probabilities), labels: labels, output: output)
        case .numeric(let edges, let lower, let upper, let integral):
            copulaMarginal = .numeric(
                NumericMarginal(
                    knotsU: cumulative, knotsX: edges, lower: lower, upper: upper,
                    rounding: integral ? .integer : .none))
        }
    }

    /// The noisy number of rows: the mean of the marginals' noisy totals (each histogram counts
    /// every row once, missing bin included).
    static func noisyRows(_ marginals: [NoisyMarginal]) -> Double {
        marginals.map(\.total).reduce(0, +) / Double(marginals.count)
    }

    /// The non-negative vector nearest (least squares) to the noisy counts with the same total:
    /// max(c_b − τ, 0) with τ chosen so that the sum is Σ c_b (or all zeros when that sum is not
    /// positive). Clamping alone would add the positive part of the noise in empty bins to the
    /// total; this removes that bias (post-processing, free under DP).
    static func projectedToSimplex(_ counts: [Double]) -> [Double] {
        let target = counts.reduce(0, +)
        guard target > 0 else { return counts.map { _ in 0 } }
        let sorted = counts.sorted(by: >)
        var prefix = 0.0
        var tau = 0.0
        for (index, value) in sorted.enumerated() {
            prefix += value
            let candidate = (prefix - target) / Double(index + 1)
            // Duchi et al. 2008: τ is the candidate at the last position whose value exceeds it.
            if value > candidate { tau = candidate } else { break }
        }
        return counts.map { max($0 - tau, 0) }
    }
}
