import CharterCore
import CharterData
import CharterPrivacy
import CharterStats

/// The interval of DCR overfitting protection, which must hold which patients the split put in
/// the holdout, not only which synthetic rows were drawn.
extension GateMeasurements {
    /// How many subsamples of the reference sets the DCR interval draws.
    static let dcrSubsampleCount = 16
    /// The share of each reference set a subsample keeps (a delete-a-quarter jackknife).
    static let dcrSubsampleKeep = 0.75

    /// The reference sets and synthetic rows one DCR measure compared, with the seed its subsamples
    /// draw from.
    struct DCRReferences: Sendable {
        var samples: [Table]
        var holdout: Table
        var synthetic: Table
        var schema: TableSchema
        var seed: UInt64
    }

    /// The interval of the share closer to training for these results, subsampling the reference
    /// sets now: the work is done only for a plan that checks DCR.
    func dcrInterval(_ results: [DCROverfittingProtection], level: Double) -> Uncertainty? {
        guard let references = dcrReferences else { return nil }
        let shares = Self.dcrSubsampleShares(
            samples: references.samples, holdout: references.holdout, synthetic: references.synthetic,
            schema: references.schema, seed: references.seed)
        return Self.dcrShareInterval(results, subsampleShares: shares, seed: references.seed, level: level)
    }

    /// The interval of the share of synthetic rows closer to training (averaged over the training
    /// samples). Two sources of error add:
    /// - the synthetic rows' sampling, binomial over the synthetic rows, p(1 − p)/N;
    /// - which patients the holdout and the training samples hold. A split moves the share far
    ///   more than the synthetic rows do: on the colon stand-in in the high tier its sd over 60
    ///   splits was 0.038, the binomial's 0.006 (`docs/measurements/gates.md`). This variance is the
    ///   delete-d jackknife's (Shao & Wu 1989) over subsamples that keep a fraction f of each
    ///   reference set (``dcrSubsampleShares(samples:holdout:synthetic:schema:seed:)``): the
    ///   subsample shares' variance × f/(1 − f). f = ¾ rather than half-samples (f = ½) because a
    ///   nearest-neighbour share is not a mean: with half the reference rows each keeps a larger,
    ///   smoother cell, and the half-samples understated the variance across splits (77% coverage
    ///   of the repeated-split mean on 60 splits of ACTG 175's 24 columns, 54 of 60 with f = ¾;
    ///   front-door settings, 200 splits: 184 and 199).
    ///
    /// The interval is the share ± t·√(sum) within [0, 1], with Student's t at Satterthwaite's
    /// degrees of freedom (the subsamples' variance is itself an estimate from a few replicates;
    /// the binomial's is known). With fewer than two subsamples it is the Wilson interval over the
    /// synthetic rows alone, and its method says the holdout is held fixed.
    static func dcrShareInterval(
        _ results: [DCROverfittingProtection], subsampleShares: [Double], seed: UInt64?, level: Double
    ) -> Uncertainty? {
        guard let rows = results.first?.dcrTrain.count, rows > 0 else { return nil }
        let share = dcrSummary(results).closerToTraining
        guard subsampleShares.count >= 2 else {
            var interval = Uncertainty.wilson(successes: share * Double(rows), trials: rows, level: level)
            interval.estimate = share
            interval.method =
                "Wilson score over \(rows) synthetic rows (closer count averaged over \(results.count) training "
                + "samples; the holdout held fixed)"
            return interval
        }
        let replicates = Double(subsampleShares.count)
        let mean = subsampleShares.reduce(0, +) / replicates
        let spread = subsampleShares.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (replicates - 1)
        let composition = spread * dcrSubsampleKeep / (1 - dcrSubsampleKeep)
        let binomial = share * (1 - share) / Double(rows)
        let variance = binomial + composition
        let degrees =
            composition > 0 ? variance * variance / (composition * composition / (replicates - 1)) : .infinity
        let half = StudentT.quantile(0.5 * (1 + level), degreesOfFreedom: degrees) * variance.squareRoot()
        return Uncertainty(
            estimate: share, lower: max(0, share - half), upper: min(1, share + half), level: level,
            method: "share ± t·√(binomial variance over \(rows) synthetic rows + delete-d jackknife variance over "
                + "\(subsampleShares.count) subsamples keeping 3/4 of the holdout and of the \(results.count) "
                + "training samples), Satterthwaite's degrees of freedom",
            seed: seed)
    }

    /// The share closer to training on ``dcrSubsampleCount`` subsamples: replicate m keeps a seeded
    /// random ``dcrSubsampleKeep`` of the holdout and of each training sample, and averages the share
    /// over the samples as the estimate does. Replicates whose measure fails are left out; none with
    /// fewer than eight holdout rows.
    ///
    /// - Complexity: ``dcrSubsampleCount`` × the estimate's nearest-neighbour searches, each against
    ///   ¾ of the rows.
    static func dcrSubsampleShares(
        samples: [Table], holdout: Table, synthetic: Table, schema: TableSchema, seed: UInt64
    ) -> [Double] {
        guard holdout.rowCount >= 8 else { return [] }
        var random = SplitMix64(seed: seed ^ 0x4843_5248_414C_4653)
        func subsample(_ table: Table) -> Table {
            let kept = Int((Double(table.rowCount) * dcrSubsampleKeep).rounded(.down))
            return table.selectingRows(permutation(table.rowCount, &random)[0..<kept].sorted())
        }
        var shares: [Double] = []
        for _ in 0..<dcrSubsampleCount {
            let kept = subsample(holdout)
            var total = 0.0
            var measured = 0
            for sample in samples where sample.rowCount >= 2 {
                guard
                    let result = try? DCROverfittingProtection(
                        train: subsample(sample), holdout: kept, synthetic: synthetic, schema: schema)
                else { continue }
                total += result.closerToTraining
                measured += 1
            }
            if measured > 0 { shares.append(total / Double(measured)) }
        }
        return shares
    }
}
