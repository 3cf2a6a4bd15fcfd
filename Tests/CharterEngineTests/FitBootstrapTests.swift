import CharterCore
import CharterData
import CharterPrivacyTestSupport
import CharterStats
import CharterSynth
import CharterTestSupport
import Foundation
import Testing

@testable import CharterEngine

/// The utility interval with the parametric bootstrap of the DP fit (issue 21): wider for
/// `dp-copula`, whose fit's noise the draws cannot show; unchanged for a generator that releases
/// no statistics.
@Suite struct FitBootstrapTests {
    static let schema = GBSG2Fixture.schema
    static let domains = GBSG2Fixture.domains

    /// GBSG2 split 500 / 186, and the gates' inputs around a synthetic table.
    static func inputs(_ generate: (Table) throws -> GeneratorOutput) throws -> (
        GateMeasurements.Inputs, GeneratorOutput
    ) {
        let table = try CSVReader(columnTypes: schema.columnTypes).read(contentsOf: EngineFixture.sourceFile.path)
        let train = table.selectingRows(Array(0..<500))
        let holdout = table.selectingRows(Array(500..<table.rowCount))
        let output = try generate(train)
        let inputs = GateMeasurements.Inputs(
            train: train, holdout: holdout, synthetic: output.table, schema: schema, quasiIdentifiers: [],
            sensitive: [], protected: [], target: "cens", seed: 3, smallClassThreshold: 1)
        return (inputs, output)
    }

    static func settings() -> GeneratorSettings {
        GeneratorSettings(
            seed: 5, epsilon: 1, delta: 1e-6, schema: schema, domains: domains, parameters: ["bins": 16])
    }

    /// The half-width an interval of half-width `half` (its variance estimated with `baseDegrees`)
    /// gets once the fit's variance is added: t at Satterthwaite's degrees of freedom × √(sum).
    static func widened(_ half: Double, baseDegrees: Double, fit: FitBootstrap.Term) -> Double {
        let base = half / StudentT.quantile(0.975, degreesOfFreedom: baseDegrees)
        let variance = base * base
        let critical = StudentT.critical(
            level: 0.95, components: [(variance, baseDegrees), (fit.variance, Double(fit.measured - 1))])
        return critical * (variance + fit.variance).squareRoot()
    }

    /// `metric`'s interval over the one synthetic draw in `inputs`, with the fit's bootstrap or without.
    static func interval(_ metric: String, _ inputs: GateMeasurements.Inputs, _ fit: FitBootstrap?) throws
        -> Uncertainty
    {
        let fidelity: Set<String> = metric.hasPrefix("fidelity.") ? [metric] : []
        let draws = GateDraws(
            draws: [inputs.synthetic], inputs: inputs, seed: 5, fidelityMetrics: fidelity, attack: nil,
            fitBootstrap: fit)
        return try #require(draws.measure(metric, parameters: [:], spend: nil, level: 0.95).uncertainty)
    }

    @Test func dpCopulaUtilityIntervalWidensWithTheFitsNoise() throws {
        let (inputs, output) = try Self.inputs { train in
            var noise = SeededTestRandomness(seed: 21)
            return try DPCopulaGenerator().generate(
                training: train, rowCount: 500, settings: Self.settings(), noise: &noise)
        }
        let released = try #require(output.released)
        let fit = try #require(
            try FitBootstrap(
                release: released, inputs: inputs, rowCount: 500, seed: 5, checked: ["tstr.ratio", "k_anonymity"]))
        #expect(fit.replicates == ParametricBootstrap.defaultReplicates)
        #expect(fit.values.keys.sorted() == ["tstr.ratio"], "only the checked utility measures are bootstrapped")
        let replicated = try #require(fit.values["tstr.ratio"])
        #expect(replicated.count >= 2)
        let fitVariance = try #require(fit.variance("tstr.ratio")).variance
        #expect(fitVariance > 0)

        let without = try Self.interval("tstr.ratio", inputs, nil)
        let with = try Self.interval("tstr.ratio", inputs, fit)
        #expect(with.estimate == without.estimate)
        #expect(with.width > without.width, "with \(with.width), without \(without.width)")
        // The bootstrap variance is added, not mixed in, and t at Satterthwaite's degrees of freedom
        // replaces z for the estimated part.
        let term = try #require(fit.variance("tstr.ratio"))
        if with.lower > 0 {
            let expected = Self.widened((without.upper - without.lower) / 2, baseDegrees: .infinity, fit: term)
            #expect(abs((with.estimate - with.lower) - expected) < 1e-9)
        }
        #expect(with.method.contains("parametric bootstrap"))
        #expect(with.replicates == fit.replicates)
        #expect(with.json["replicates"] == .integer(fit.replicates))
        #expect(without.replicates == nil)
        #expect(without.json["replicates"] == nil)

        // Seeded: the same release and seed give the same replicates.
        let again = try #require(
            try FitBootstrap(release: released, inputs: inputs, rowCount: 500, seed: 5, checked: ["tstr.ratio"]))
        #expect(again.values == fit.values)
    }

    /// Fidelity scores too: the refits' variance adds to the training rows' bootstrap variance, and
    /// a plan that checks only fidelity (no target needed) still gets the bootstrap.
    @Test func dpCopulaFidelityIntervalWidensWithTheFitsNoise() throws {
        var (inputs, output) = try Self.inputs { train in
            var noise = SeededTestRandomness(seed: 22)
            return try DPCopulaGenerator().generate(
                training: train, rowCount: 500, settings: Self.settings(), noise: &noise)
        }
        inputs.target = nil
        let released = try #require(output.released)
        let metric = "fidelity.column_shapes"
        let fit = try #require(
            try FitBootstrap(
                release: released, inputs: inputs, rowCount: 500, seed: 5, checked: [metric, "tstr.ratio"]))
        #expect(fit.values.keys.sorted() == [metric], "no target: no utility replicates")
        let fitVariance = try #require(fit.variance(metric)).variance
        #expect(fitVariance > 0)

        let without = try Self.interval(metric, inputs, nil)
        let with = try Self.interval(metric, inputs, fit)
        #expect(with.estimate == without.estimate)
        if with.lower > 0 && with.upper < 1 {
            // 100 bootstrap replicates over the training rows: their variance has 99 degrees of freedom.
            let expected = Self.widened(
                without.estimate - without.lower, baseDegrees: 99, fit: try #require(fit.variance(metric)))
            #expect(abs((with.estimate - with.lower) - expected) < 1e-9)
        }
        #expect(with.width > without.width)
        #expect(with.method.contains("parametric bootstrap"))
        #expect(with.replicates == fit.replicates)
        #expect(without.replicates == nil)
        #expect(FitBootstrap.serves(metric) && FitBootstrap.serves("tstr.ratio") && !FitBootstrap.serves("k_anonymity"))
    }

    /// DCR too: each refit's table is measured against the gate's own training samples and holdout,
    /// and the refits' variance of the share closer to training joins the binomial and jackknife
    /// variances of its interval (for both DCR measures).
    @Test func dpCopulaDCRIntervalWidensWithTheFitsNoise() throws {
        let (inputs, output) = try Self.inputs { train in
            var noise = SeededTestRandomness(seed: 23)
            return try DPCopulaGenerator().generate(
                training: train, rowCount: 500, settings: Self.settings(), noise: &noise)
        }
        let released = try #require(output.released)
        let protection = "distance_to_closest_record.overfitting_protection"
        let fit = try #require(
            try FitBootstrap(release: released, inputs: inputs, rowCount: 500, seed: 5, checked: [protection]))
        #expect(fit.values.keys.sorted() == [FitBootstrap.dcrShare])
        let term = try #require(fit.variance(FitBootstrap.dcrShare))
        #expect(term.variance > 0 && term.measured == fit.replicates)
        for metric in [protection, "distance_to_closest_record.closer_to_training"] {
            let without = try Self.interval(metric, inputs, nil)
            let with = try Self.interval(metric, inputs, fit)
            #expect(with.estimate == without.estimate)
            #expect(with.width > without.width, "\(metric): with \(with.width), without \(without.width)")
            #expect(with.method.contains("parametric bootstrap"))
            #expect(with.replicates == fit.replicates && without.replicates == nil)
        }
        #expect(FitBootstrap.serves(protection) && !FitBootstrap.serves("membership_inference.accuracy"))
    }

    /// The fairness gap too: each refit's table is measured per protected attribute and the largest
    /// gap taken, as the gate takes it; the refits' variance adds to Rubin's total variance.
    @Test func dpCopulaFairnessIntervalWidensWithTheFitsNoise() throws {
        var (inputs, output) = try Self.inputs { train in
            var noise = SeededTestRandomness(seed: 23)
            return try DPCopulaGenerator().generate(
                training: train, rowCount: 500, settings: Self.settings(), noise: &noise)
        }
        inputs.protected = ["menostat", "horTh"]
        let released = try #require(output.released)
        let metric = "fairness.tstr_gap"
        let fit = try #require(
            try FitBootstrap(release: released, inputs: inputs, rowCount: 500, seed: 5, checked: [metric]))
        #expect(fit.values.keys.sorted() == [metric])
        let fitVariance = try #require(fit.variance(metric)).variance
        #expect(fitVariance > 0)
        // Each replicate's value is the larger of the two attributes' gaps on that replicate's table.
        let tables = try ParametricBootstrap(replicates: fit.replicates, seed: 5).tables(from: released, rowCount: 500)
        var replicateInputs = inputs
        replicateInputs.synthetic = tables[0]
        let gate = GateMeasurements(replicateInputs, attack: nil, disclosure: false)
        #expect(gate.measure(metric, parameters: [:], spend: nil, level: 0.95).value == fit.values[metric]?.first)

        let without = try Self.interval(metric, inputs, nil)
        let with = try Self.interval(metric, inputs, fit)
        #expect(with.estimate == without.estimate)
        let expected = Self.widened(
            without.upper - without.estimate, baseDegrees: .infinity, fit: try #require(fit.variance(metric)))
        #expect(abs((with.upper - with.estimate) - expected) < 1e-9)
        #expect(with.method.contains("parametric bootstrap") && with.replicates == fit.replicates)

        // No protected attribute: nothing to bootstrap for fairness.
        inputs.protected = []
        #expect(try FitBootstrap(release: released, inputs: inputs, rowCount: 500, seed: 5, checked: [metric]) == nil)
        #expect(FitBootstrap.serves(metric))
    }

    @Test func gaussianCopulaIntervalIsUnchanged() throws {
        let (inputs, output) = try Self.inputs { train in
            var settings = Self.settings()
            settings.epsilon = nil
            settings.delta = nil
            return try GaussianCopulaGenerator().generate(training: train, rowCount: 500, settings: settings)
        }
        #expect(output.released == nil, "no released statistics, so the engine runs no bootstrap")
        let interval = try Self.interval("tstr.ratio", inputs, nil)
        let own = try #require(
            GateMeasurements(inputs, attack: nil).measure("tstr.ratio", parameters: [:], spend: nil).uncertainty)
        #expect(interval == own)
        #expect(!interval.method.contains("parametric bootstrap"))
        #expect(interval.replicates == nil)
    }
}
