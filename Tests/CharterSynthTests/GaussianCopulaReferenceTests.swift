import CharterCore
import CharterData
import CharterStats
import CharterSynth
import CharterTestSupport
import Testing

/// gaussian-copula against SDV 2.0's GaussianCopulaSynthesizer on the reference fixtures, for several
/// seeds, sampling as many rows as SDV's synthetic table and naming the TSTR target as a request does.
///
/// The TSTR ratio, averaged over the seeds, must be at least SDV's minus 0.02, and no single seed may
/// fall more than 0.05 below SDV's: one sample of a few hundred rows moves the ratio by ±0.03 from seed
/// to seed (gbsg2: 0.92-0.99 over 16 seeds), and SDV's number is one such sample too. The quality score (SDMetrics, default
/// thresholds) must be at least SDV's minus 0.02 and may be higher: empirical marginals fit the
/// column shapes much better than SDV's default beta marginals (0.97-0.99 against 0.91-0.96), so
/// the score lands 0.04-0.10 above SDV's, never below.
@Suite struct GaussianCopulaReferenceTests {
    static let seeds: [UInt64] = [1, 2, 3, 4, 5, 6]

    @Test(arguments: ReferenceFixture.names)
    func qualityAndUtilityMatchSDV(_ name: String) throws {
        let fixture = try ReferenceFixture.load(name)
        let sdvQuality = try #require(
            fixture.value("sdmetrics.quality_report.default_thresholds.overall_score")?.doubleValue)
        let sdvRatio = try #require(fixture.value("tstr.primary.tstr_over_trtr")?.doubleValue)
        let evaluationProtocol = try SynthFixtures.tstrProtocol(fixture)
        let generator = GaussianCopulaGenerator()
        var ratios: [Double] = []
        for seed in Self.seeds {
            let output = try generator.generate(
                training: fixture.train, rowCount: fixture.synthetic.rowCount,
                settings: GeneratorSettings(
                    seed: seed, schema: fixture.schema,
                    parameters: ["target": .string(evaluationProtocol.target)]))
            #expect(output.table.columnNames == fixture.train.columnNames)
            #expect(output.table.rowCount == fixture.synthetic.rowCount)
            #expect(output.privacy == nil)
            #expect(output.lineage.generator == "gaussian-copula")
            #expect(output.lineage.seed == seed)
            let quality = QualityReport(real: fixture.train, synthetic: output.table, schema: fixture.schema)
            let score = try #require(quality.defaultThresholds.overall)
            let tstr = try TSTREvaluation(
                train: fixture.train, holdout: fixture.holdout, synthetic: output.table, schema: fixture.schema,
                protocol: evaluationProtocol)
            let ratio = try #require(tstr.overall.ratio)
            print(
                "gaussian-copula \(name) seed \(seed): quality \(score) (SDV \(sdvQuality)), shapes "
                    + "\(quality.defaultThresholds.columnShapes ?? .nan), trends \(quality.defaultThresholds.columnPairTrends ?? .nan); "
                    + "TSTR ratio \(ratio) (SDV \(sdvRatio))")
            #expect(score >= sdvQuality - 0.02, "\(name) seed \(seed): quality \(score) vs SDV \(sdvQuality)")
            #expect(ratio >= sdvRatio - 0.05, "\(name) seed \(seed): TSTR ratio \(ratio) vs SDV \(sdvRatio)")
            ratios.append(ratio)
        }
        let mean = ratios.reduce(0, +) / Double(ratios.count)
        print("gaussian-copula \(name): mean TSTR ratio over \(ratios.count) seeds \(mean) (SDV \(sdvRatio))")
        #expect(mean >= sdvRatio - 0.02, "\(name): mean TSTR ratio \(mean) vs SDV \(sdvRatio)")
    }
}
