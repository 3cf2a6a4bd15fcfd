import CharterCore
package import CharterData
package import CharterPrivacy
package import CharterStats

/// The interval of DCR overfitting protection, which must hold which patients the split put in
/// the holdout, not only which synthetic rows were drawn.
extension GateMeasurements {
    /// How many subsamples of the reference sets the DCR interval draws.
    static let dcrSubsampleCount = 16
    /// The share of each reference set a subsample keeps (a delete-a-quarter jackknife).
    static let dcrSubsampleKeep = 0.75
    /// The most synthetic rows the subsamples are measured on (a seeded subset beyond it): the
    /// variance they estimate is the reference sets', which more synthetic rows barely sharpen,
    /// and it bounds their cost at 100,000-row tables.
    static let dcrSubsampleSyntheticRows = 5_000

    /// The shares closer to training over subsamples of the reference sets, the fraction of the
    /// holdout's rows each subsample kept (⌊¾n⌋/n: the jackknife's scale uses it) and the seed they
    /// were drawn from.
    struct DCRSubsamples: Sendable, Equatable {
        var shares: [Double]
        var kept: Double
        var seed: UInt64?
    }

    /// The interval of one DCR measure of `synthetic` against `train` and `holdout` whole, as
    /// `charter evaluate` measures it (SDMetrics' metric on the tables given): the same interval as
    /// the gates', with `train` as the one training sample.
    package static func dcrShareInterval(
        _ result: DCROverfittingProtection, train: Table, holdout: Table, synthetic: Table, schema: TableSchema,
        seed: UInt64, level: Double
    ) -> Uncertainty? {
        let subsamples = dcrSubsamples(
            samples: [train], holdout: holdout, synthetic: synthetic, schema: schema, seed: seed)
        return dcrShareInterval([result], subsamples: subsamples, level: level)
    }

    /// The interval of the share of synthetic rows closer to training (averaged over the training
    /// samples). Two sources of error add:
    /// - the synthetic rows' sampling: binomial over the N synthetic rows, with Agresti & Coull's
    ///   p̃(1 − p̃)/(N + z²) so that a share of exactly 0 or 1 still gets a width;
    /// - which patients the holdout and the training samples hold. A split moves the share far
    ///   more than the synthetic rows do: on the colon stand-in in the high tier its sd over 60
    ///   splits was 0.038, the binomial's 0.006 (`docs/measurements/gates.md`). This variance is the
    ///   delete-d jackknife's (Shao & Wu 1989) over subsamples that keep a fraction f of each
    ///   reference set (``dcrSubsamples(samples:holdout:synthetic:schema:seed:)``): the subsample
    ///   shares' variance × f/(1 − f), f as kept. For a mean that is exact; a nearest-neighbour
    ///   share is not a mean, and its jackknife depends on f, so f = ¾ is a calibration: half-samples
    ///   understated the variance across splits (coverage of the repeated-split mean 46 of 60 splits
    ///   of ACTG 175's 24 columns and 184 of 200 at front-door settings; with f = ¾, 54 of 60 and
    ///   199 of 200; in a 6-column simulation f = ¾ overstated the sd by about a fifth).
    ///
    /// A DP fit adds a third: the noise in the fitted model, which one run cannot see. With a
    /// parametric bootstrap of the fit (``FitBootstrap``), the share's variance over the re-noised
    /// refits joins the sum. Each refit is measured on one fresh table, so that variance also holds
    /// about one table's binomial variance, which the first term already counts: the sum errs wide
    /// by at most that (p(1 − p)/5,000 at most, against a split's variance of about 10⁻³).
    ///
    /// The interval is the share ± t·√(sum) within [0, 1], with Student's t at Satterthwaite's
    /// degrees of freedom (the subsamples' variance is itself an estimate from a few replicates;
    /// the binomial's is known). With fewer than four subsamples it is the Wilson interval over the
    /// synthetic rows alone, and its method says the holdout is held fixed (and it holds no fit's
    /// variance either: a holdout under eight rows cannot carry a split-aware interval).
    static func dcrShareInterval(
        _ results: [DCROverfittingProtection], subsamples: DCRSubsamples?, fit: FitBootstrap.Term? = nil,
        level: Double
    ) -> Uncertainty? {
        guard let rows = results.first?.dcrTrain.count, rows > 0 else { return nil }
        let share = dcrSummary(results).closerToTraining
        guard let subsamples, subsamples.shares.count >= 4, subsamples.kept > 0, subsamples.kept < 1 else {
            var interval = Uncertainty.wilson(successes: share * Double(rows), trials: rows, level: level)
            interval.estimate = share
            interval.method =
                "Wilson score over \(rows) synthetic rows (closer count averaged over \(results.count) training "
                + "samples; the holdout held fixed)"
            return interval
        }
        let replicates = Double(subsamples.shares.count)
        let spread = Uncertainty.sampleVariance(subsamples.shares)
        // Replicates that agree to rounding leave only the binomial variance, known exactly.
        let composition = spread > 1e-20 ? spread * subsamples.kept / (1 - subsamples.kept) : 0
        let z = Uncertainty.z(level: level)
        let adjusted = (share * Double(rows) + z * z / 2) / (Double(rows) + z * z)
        let binomial = adjusted * (1 - adjusted) / (Double(rows) + z * z)
        var components = [(binomial, Double.infinity), (composition, replicates - 1)]
        var method =
            "share ± t·√(binomial variance over \(rows) synthetic rows + delete-d jackknife variance over "
            + "\(subsamples.shares.count) subsamples keeping 3/4 of the holdout and of the \(results.count) "
            + "training samples"
        if let fit {
            components.append((fit.variance, fit.degreesOfFreedom))
            method += " + between-fit variance from \(fit.source)"
        }
        method += "), Satterthwaite's degrees of freedom"
        let critical = StudentT.critical(level: level, components: components)
        let half = critical * components.map(\.0).reduce(0, +).squareRoot()
        return Uncertainty(
            estimate: share, lower: max(0, share - half), upper: min(1, share + half), level: level, method: method,
            seed: subsamples.seed, replicates: fit?.replicates)
    }

    /// The share closer to training on ``dcrSubsampleCount`` subsamples: replicate m keeps a seeded
    /// random ``dcrSubsampleKeep`` of the holdout and of each training sample, and averages the share
    /// over the samples as the estimate does, over the synthetic rows or a seeded subset of
    /// ``dcrSubsampleSyntheticRows`` of them, the same for every replicate. Replicates whose measure
    /// fails are left out; `nil` with fewer than eight holdout rows.
    ///
    /// - Complexity: ``dcrSubsampleCount`` × the estimate's nearest-neighbour searches, each for at
    ///   most ``dcrSubsampleSyntheticRows`` synthetic rows against ¾ of the reference rows.
    static func dcrSubsamples(
        samples: [Table], holdout: Table, synthetic: Table, schema: TableSchema, seed: UInt64
    ) -> DCRSubsamples? {
        guard holdout.rowCount >= 8 else { return nil }
        var random = SplitMix64(seed: seed ^ 0x4843_5248_414C_4653)
        func subsample(_ table: Table, keeping kept: Int) -> Table {
            table.selectingRows(permutation(table.rowCount, &random)[0..<min(kept, table.rowCount)].sorted())
        }
        func kept(_ rows: Int) -> Int { Int((Double(rows) * dcrSubsampleKeep).rounded(.down)) }
        let synthetic =
            synthetic.rowCount > dcrSubsampleSyntheticRows
            ? subsample(synthetic, keeping: dcrSubsampleSyntheticRows) : synthetic
        var shares: [Double] = []
        for _ in 0..<dcrSubsampleCount {
            let keptHoldout = subsample(holdout, keeping: kept(holdout.rowCount))
            let results = samples.filter { $0.rowCount >= 2 }.compactMap { sample in
                try? DCROverfittingProtection(
                    train: subsample(sample, keeping: kept(sample.rowCount)), holdout: keptHoldout,
                    synthetic: synthetic, schema: schema)
            }
            if !results.isEmpty { shares.append(dcrSummary(results).closerToTraining) }
        }
        return DCRSubsamples(
            shares: shares, kept: Double(kept(holdout.rowCount)) / Double(holdout.rowCount), seed: seed)
    }
}
