import CharterCore
import CharterData
import CharterPrivacy
import CharterStats
import Foundation
import Testing

@testable import CharterEngine

/// The DCR overfitting interval holds which patients the holdout and the training samples hold,
/// not only the synthetic rows' sampling.
@Suite struct DCRIntervalTests {
    /// `rows` rows of three independent standard normal columns, from `seed`.
    static func table(rows: Int, seed: UInt64) -> Table {
        var random = SplitMix64(seed: seed)
        func normal() -> Double {
            let u = (Double(random.next() >> 11) + 0.5) * 0x1p-53
            let v = (Double(random.next() >> 11) + 0.5) * 0x1p-53
            return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
        }
        let columns = (0..<3).map { j in
            Column(
                name: "x\(j)",
                values: .numeric(
                    NumericValues(
                        values: (0..<rows).map { _ in normal() }, isMissing: Array(repeating: false, count: rows))))
        }
        return Table(columns: columns)
    }

    static let schema = TableSchema(types: ["x0": .numerical, "x1": .numerical, "x2": .numerical])

    /// The interval for one split of `population` (train 4/5, holdout 1/5), with and without the
    /// subsamples.
    static func intervals(population: Table, synthetic: Table, split seed: UInt64) throws
        -> (withSubsamples: Uncertainty, wilsonOnly: Uncertainty)
    {
        var random = SplitMix64(seed: seed)
        let indices = GateMeasurements.permutation(population.rowCount, &random)
        let cut = population.rowCount / 5
        let holdout = population.selectingRows(indices[0..<cut].sorted())
        let train = population.selectingRows(indices[cut...].sorted())
        let samples = GateMeasurements.samples(train, rows: holdout.rowCount, count: 4, seed: seed)
        let results = try samples.map { sample in
            try DCROverfittingProtection(train: sample, holdout: holdout, synthetic: synthetic, schema: schema)
        }
        let replicates = GateMeasurements.dcrSubsamples(
            samples: samples, holdout: holdout, synthetic: synthetic, schema: schema, seed: seed)
        #expect(replicates?.shares.count == GateMeasurements.dcrSubsampleCount)
        #expect(replicates?.kept == Double(holdout.rowCount * 3 / 4) / Double(holdout.rowCount))
        let withSubsamples = try #require(
            GateMeasurements.dcrShareInterval(results, subsamples: replicates, level: 0.95))
        let wilsonOnly = try #require(
            GateMeasurements.dcrShareInterval(results, subsamples: nil, level: 0.95))
        return (withSubsamples, wilsonOnly)
    }

    /// DCR with a population's first `holdout` rows held out and the next `train` rows as training,
    /// against an independent synthetic table of `synthetic.rows` rows.
    static func measured(population seed: UInt64, holdout: Int, train: Int, synthetic: (seed: UInt64, rows: Int))
        throws -> DCROverfittingProtection
    {
        let population = table(rows: holdout + train, seed: seed)
        return try DCROverfittingProtection(
            train: population.selectingRows(Array(holdout..<(holdout + train))),
            holdout: population.selectingRows(Array(0..<holdout)),
            synthetic: table(rows: synthetic.rows, seed: synthetic.seed), schema: schema)
    }

    /// Synthetic rows drawn independently of a population are, by symmetry, as often closer to a
    /// training sample as to an equally large holdout: the true share is ½ whatever the split. Over
    /// 30 splits the interval with the reference sets' variance covers ½ at about its level; the
    /// interval over the synthetic rows alone, which treats the split as fixed, covers it far less.
    @Test func coversTheShareAcrossSplits() throws {
        let population = Self.table(rows: 500, seed: 1)
        let synthetic = Self.table(rows: 600, seed: 2)
        var covered = 0
        var coveredByWilson = 0
        let splits = 30
        for split in 0..<splits {
            let (withSubsamples, wilsonOnly) = try Self.intervals(
                population: population, synthetic: synthetic, split: UInt64(100 + split))
            #expect(withSubsamples.width >= wilsonOnly.width * 0.99)
            if withSubsamples.covers(0.5) { covered += 1 }
            if wilsonOnly.covers(0.5) { coveredByWilson += 1 }
        }
        #expect(covered >= 25, "covered \(covered) of \(splits)")
        #expect(coveredByWilson < covered, "Wilson alone covered \(coveredByWilson), with the subsamples \(covered)")
    }

    /// The subsamples' variance is estimated from 16 replicates, so the critical value is Student's
    /// t at Satterthwaite's degrees of freedom (at least 15, more as the known binomial variance
    /// weighs in), and z when the replicates agree and only the binomial variance is left.
    @Test func criticalValueFollowsTheVariancesSource() throws {
        let result = try Self.measured(population: 5, holdout: 50, train: 50, synthetic: (6, 400))
        let share = result.closerToTraining
        let z = Uncertainty.z(level: 0.95)
        let adjusted = (share * 400 + z * z / 2) / (400 + z * z)
        let binomial = adjusted * (1 - adjusted) / (400 + z * z)
        let spread = (0..<16).map { $0 % 2 == 0 ? share - 0.02 : share + 0.02 }
        let wide = try #require(GateMeasurements.dcrShareInterval(
                [result], subsamples: .init(shares: spread, kept: 0.75, seed: 9), level: 0.95))
        let keep = GateMeasurements.dcrSubsampleKeep
        let composition = 0.0004 * 16 / 15 * keep / (1 - keep)
        let variance = binomial + composition
        let degrees = variance * variance / (composition * composition / 15)
        let expected = StudentT.quantile(0.975, degreesOfFreedom: degrees) * variance.squareRoot()
        #expect(wide.lower > 0 && wide.upper < 1)
        #expect(abs((wide.upper - wide.lower) / 2 - expected) < 1e-12)
        #expect(degrees > 15 && expected > Uncertainty.z(level: 0.95) * variance.squareRoot())
        let agreeing = Array(repeating: share, count: 16)
        let narrow = try #require(GateMeasurements.dcrShareInterval(
                [result], subsamples: .init(shares: agreeing, kept: 0.75, seed: 9), level: 0.95))
        #expect(abs(narrow.upper - share - z * binomial.squareRoot()) < 1e-12)
        // Synthetic rows that copy the holdout: a share of exactly 0 (ties count as holdout), every
        // replicate agreeing, still has a width (Agresti & Coull), as Wilson's had.
        let population = Self.table(rows: 100, seed: 5)
        let holdout = population.selectingRows(Array(0..<50))
        let copies = try DCROverfittingProtection(
            train: population.selectingRows(Array(50..<100)), holdout: holdout, synthetic: holdout, schema: Self.schema)
        #expect(copies.closerToTraining == 0)
        let none = try #require(
            GateMeasurements.dcrShareInterval(
                [copies], subsamples: .init(shares: Array(repeating: 0, count: 16), kept: 0.75, seed: 9), level: 0.95))
        #expect(none.lower == 0 && none.upper > 0.03, "\(none.upper)")
        #expect(narrow.method.contains("16 subsamples keeping 3/4") && narrow.seed == 9)
    }

    /// Through the gates: the DCR checks carry the interval that holds the split, on the score's
    /// scale and the share's; without `dcrInterval` (a sweep, a plan with no DCR check) no subsample
    /// is drawn and the interval falls back to Wilson over the synthetic rows, saying so.
    @Test func gateMeasuresCarryTheSplitsInterval() throws {
        let population = Self.table(rows: 500, seed: 7)
        let inputs = GateMeasurements.Inputs(
            train: population.selectingRows(Array(100..<500)), holdout: population.selectingRows(Array(0..<100)),
            synthetic: Self.table(rows: 400, seed: 8), schema: Self.schema, quasiIdentifiers: [], sensitive: [],
            protected: [], target: nil, seed: 11, smallClassThreshold: 1)
        let gates = GateMeasurements(inputs, attack: nil)
        let share = gates.measure("distance_to_closest_record.closer_to_training", parameters: [:], spend: nil, level: 0.95)
        let interval = try #require(share.uncertainty)
        let value = try #require(share.value)
        #expect(interval.method.contains("delete-d jackknife") && interval.seed == 11)
        #expect(interval.width > Uncertainty.wilson(successes: value * 400, trials: 400, level: 0.95).width)
        let score = gates.measure(
            "distance_to_closest_record.overfitting_protection", parameters: [:], spend: nil, level: 0.95)
        let scored = try #require(score.uncertainty)
        #expect(abs(scored.lower - min(1, 2 * (1 - interval.upper))) < 1e-12)
        #expect(scored.method.contains("min(1, 2(1 - share))"))
        var estimatesOnly = inputs
        estimatesOnly.dcrInterval = false
        let bare = GateMeasurements(estimatesOnly, attack: nil)
        let unmeasured = bare.measure("distance_to_closest_record.closer_to_training", parameters: [:], spend: nil, level: 0.95)
        #expect(unmeasured.value == share.value && bare.dcrReplicates == nil)
        #expect(unmeasured.uncertainty?.method.contains("the holdout held fixed") == true)
    }

    /// Fewer than four subsamples: the Wilson interval over the synthetic rows, as before.
    @Test func withoutSubsamplesItIsWilson() throws {
        let result = try Self.measured(population: 3, holdout: 40, train: 160, synthetic: (4, 300))
        let interval = try #require(
            GateMeasurements.dcrShareInterval(
                [result], subsamples: .init(shares: [0.4, 0.5, 0.6], kept: 0.75), level: 0.95))
        let wilson = Uncertainty.wilson(
            successes: result.closerToTraining * 300, trials: 300, level: 0.95)
        #expect(abs(interval.lower - wilson.lower) < 1e-12 && abs(interval.upper - wilson.upper) < 1e-12)
        #expect(interval.method.hasPrefix("Wilson score over 300 synthetic rows"))
    }
}
