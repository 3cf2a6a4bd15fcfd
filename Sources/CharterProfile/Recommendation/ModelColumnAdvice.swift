import CharterAccounting
public import CharterData
import CharterStats

/// Which columns a `dp-copula` run should model at a given ε, so that the noise stays small
/// against the signal, and why each one is kept or dropped.
///
/// The noise model is `dp-copula`'s own (CharterSynth's `DPCopulaGenerator`): ρ is the largest
/// zCDP budget whose CKS20 conversion gives ε at δ (`ZeroConcentratedDP.rho`), split as
/// `DPCopulaBudgetSplit` says: half goes to the d histograms in equal parts (ρ/2d each), half to
/// the correlation, of which, with the target modelled, half goes to the target's own correlations
/// and half (ρ/4) to the pairs of the other d − 1 columns. A histogram of b bins plus a missing bin
/// then carries discrete Gaussian noise of σ = √(1/(2·ρ/2d)) per bin, an expected absolute noise
/// mass of (b + 1)·σ·√(2/π) rows; the pairs' noise standard deviation is about (R²/√2)/√(2·ρ_pairs)
/// ÷ n for n training rows, with R over the paired columns. The target's own release has
/// sensitivity T·R, T the largest |score| of a target class (about 1.3 at a 25% minority, 2.7 at
/// 1%), so with more than a few columns it carries less noise than the pairs', and the pairs' is
/// the one the advice bounds. Where noise limits the fit the generator clips
/// at R² = μ + σ of a record's squared score norm under its released marginals (CharterSynth's
/// `ScoreClipping`); μ ≤ d and σ ≤ √(2d) (a standard normal score's square has variance 2), so the
/// advice takes R² = min(d + √(2d), 3d), an upper bound on the generator's. The advice keeps every
/// column while the correlation noise is at most ``correlationNoiseMax`` and every histogram's noise
/// mass at most ``histogramNoiseShareMax`` of the training rows; otherwise it drops, one at a
/// time, the droppable column that carries the least signal for the target (|Spearman ρ| with the
/// positive class; a category is scored by its positive rate), or without a target the one with
/// the most bins. The target, the quasi-identifiers, sensitive and protected columns are never dropped.
public struct ModelColumnAdvice: Sendable, Equatable {
    /// The largest correlation noise standard deviation accepted (the generator warns at 0.1).
    public static let correlationNoiseMax = 0.05
    /// The largest histogram noise mass accepted, as a share of the training rows (the generator warns at 0.5).
    public static let histogramNoiseShareMax = 0.25

    /// One column and the verdict.
    public struct Entry: Sendable, Equatable {
        /// The column.
        public var column: String
        /// Whether to model it.
        public var keep: Bool
        /// The bins its histogram has (declared domain, else estimated from the profile), without the missing bin.
        public var bins: Int
        /// |Spearman ρ| with the target's positive class, when there is a target.
        public var signal: Double?
        /// Why.
        public var reason: String
    }

    /// The verdicts, in table order.
    public var entries: [Entry]
    /// The correlation noise standard deviation with the kept columns.
    public var correlationNoise: Double
    /// The largest histogram noise mass of a kept column, as a share of the training rows.
    public var histogramNoiseShare: Double

    /// The columns kept, in table order.
    public var kept: [String] { entries.filter(\.keep).map(\.column) }

    /// Advises on `candidates` of `table` at (ε, δ) for `trainingRows` rows.
    /// - Parameters:
    ///   - declaredBins: bins of columns whose domain the request declares.
    ///   - positive: the target's positive class label (``PositiveClass``), when there is a target.
    public init(
        _ table: Table, profile: DatasetProfile, candidates: [String], required: Set<String>, target: String?,
        positive: String?, epsilon: Double, delta: Double, trainingRows: Int, declaredBins: [String: Int]
    ) {
        let rho = ZeroConcentratedDP.rho(epsilon: epsilon, delta: delta)
        let n = Double(max(trainingRows, 1))
        let bins = Dictionary(
            uniqueKeysWithValues: candidates.map {
                ($0, declaredBins[$0] ?? Self.estimatedBins(profile.column(named: $0)))
            })
        var signal: [String: Double] = [:]
        if let target, let positive, let targetColumn = table.column(named: target) {
            let y = (0..<table.rowCount).map { targetColumn.values.text(at: $0) == positive ? 1.0 : 0.0 }
            let missingY = (0..<table.rowCount).map { targetColumn.values.isMissing($0) }
            for name in candidates where name != target {
                guard let column = table.column(named: name) else { continue }
                signal[name] = Self.signal(column, y: y, missingY: missingY)
            }
        }
        func noise(_ columns: [String]) -> (correlation: Double, histogram: Double) {
            let d = Double(columns.count)
            guard d > 0 else { return (0, 0) }
            let rhoMarginal = DPCopulaBudgetSplit.marginalRho(rho, columns: columns.count)
            let sigma = (1 / (2 * rhoMarginal)).squareRoot()
            let perBin: Double = sigma * (2 / Double.pi).squareRoot() / n
            var worst = 0.0
            for column in columns {
                let binCount = Double((bins[column] ?? 32) + 1)
                worst = max(worst, binCount * perBin)
            }
            // With the target modelled, its correlations are released on their own and the pairs'
            // release covers the other columns with its share of ρ: the noisier of the two.
            let splitsTarget = target.map { columns.contains($0) } ?? false
            let paired = splitsTarget ? d - 1 : d
            let sensitivity: Double = min(paired + (2 * paired).squareRoot(), 3 * paired) / 2.0.squareRoot()
            let pairsRho = DPCopulaBudgetSplit.pairsRho(rho, target: splitsTarget)
            let correlationSigma: Double = sensitivity / (2 * pairsRho).squareRoot()
            let correlation: Double = columns.count >= 2 ? correlationSigma / n : 0
            return (correlation, worst)
        }
        var kept = candidates
        var dropped: [String: String] = [:]
        while true {
            let current = noise(kept)
            guard current.correlation > Self.correlationNoiseMax || current.histogram > Self.histogramNoiseShareMax
            else { break }
            let droppable = kept.filter { !required.contains($0) }
            guard
                let victim = droppable.min(by: { a, b in
                    if let sa = signal[a], let sb = signal[b], sa != sb { return sa < sb }
                    if bins[a] != bins[b] { return (bins[a] ?? 0) > (bins[b] ?? 0) }
                    return (candidates.firstIndex(of: a) ?? 0) > (candidates.firstIndex(of: b) ?? 0)
                })
            else { break }
            let why =
                current.correlation > Self.correlationNoiseMax
                ? "correlation noise \(ProfileNumber.format(current.correlation)) (above \(Self.correlationNoiseMax))"
                : "a histogram's noise \(ProfileNumber.percent(current.histogram)) of the rows (above \(ProfileNumber.percent(Self.histogramNoiseShareMax)))"
            let signalText =
                signal[victim].map {
                    " and carries the least signal for '\(target ?? "")' of the droppable columns (|ρ| = \(ProfileNumber.format($0)))"
                }
                ?? " and has the most bins (\(bins[victim] ?? 0)) of the droppable columns"
            dropped[victim] =
                "with \(kept.count) columns at ε = \(ProfileNumber.format(epsilon)) over \(trainingRows) training rows the run has \(why); dropping it splits ε less\(signalText)"
            kept.removeAll { $0 == victim }
        }
        let final = noise(kept)
        correlationNoise = final.correlation
        histogramNoiseShare = final.histogram
        entries = candidates.map { name in
            let keep = kept.contains(name)
            var reason: String
            if keep {
                reason =
                    required.contains(name) ? "required (target, quasi-identifier, sensitive or protected)" : "modelled"
                if let s = signal[name] { reason += "; signal for '\(target ?? "")' |ρ| = \(ProfileNumber.format(s))" }
                reason += "; \(bins[name] ?? 0) bins"
            } else {
                reason = dropped[name] ?? "dropped"
            }
            return Entry(column: name, keep: keep, bins: bins[name] ?? 0, signal: signal[name], reason: reason)
        }
    }

    /// The bins `dp-copula` would use for a column whose domain matches what the profile saw:
    /// categories, one per integer for an integral range of at most 64 values, else 32.
    static func estimatedBins(_ entry: DatasetProfile.ColumnEntry?) -> Int {
        guard let entry else { return 32 }
        let profile = entry.profile
        if profile.type != .numeric { return max(profile.distinctCount, 1) }
        if let low = profile.minimum, let high = profile.maximum, low == low.rounded(), high == high.rounded(),
            high - low + 1 <= 64
        {
            return Int(high - low + 1)
        }
        return 32
    }

    /// |Spearman ρ| of the column (a category scored by its positive rate) with the positive indicator.
    static func signal(_ column: Column, y: [Double], missingY: [Bool]) -> Double {
        let x: [Double]
        let missing: [Bool]
        switch column.values {
        case .numeric(let values):
            x = values.values
            missing = values.isMissing
        default:
            var sums: [String: (Double, Double)] = [:]
            for row in 0..<column.count where !missingY[row] {
                guard let text = column.values.text(at: row) else { continue }
                let current = sums[text] ?? (0, 0)
                sums[text] = (current.0 + y[row], current.1 + 1)
            }
            x = (0..<column.count).map { row in
                guard let text = column.values.text(at: row), let sum = sums[text] else { return 0 }
                return sum.0 / sum.1
            }
            missing = (0..<column.count).map { column.values.isMissing($0) }
        }
        return abs(Correlation.spearman(x, y, missingX: missing, missingY: missingY) ?? 0)
    }
}
