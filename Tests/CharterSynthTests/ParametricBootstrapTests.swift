import CharterCore
import CharterData
import CharterPrivacyTestSupport
import Testing

@testable import CharterSynth

/// The parametric bootstrap of a `dp-copula` fit (issue 21): re-noised statistics carry the
/// released noise's scale, and the bootstrap is seeded post-processing.
@Suite struct ParametricBootstrapTests {
    /// A dp-copula fit of GBSG2 at ε = 1 with seeded (test-only) privacy noise.
    static func fit(noiseSeed: UInt64 = 99) throws -> (output: GeneratorOutput, table: Table) {
        let dataset = DPCopulaTests.gbsg2
        let table = try DPCopulaTests.load(dataset)
        var random = SeededTestRandomness(seed: noiseSeed)
        let output = try DPCopulaGenerator().generate(
            training: table, rowCount: 200, settings: DPCopulaTests.settings(dataset), noise: &random)
        return (output, table)
    }

    static func sd(_ values: [Double]) -> Double {
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        return (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (n - 1)).squareRoot()
    }

    @Test func releasedNoiseScalesAreTheMechanismsOwn() throws {
        let (output, table) = try Self.fit()
        let released = try #require(output.released)
        let blocks = released.blocks
        let d = table.columns.count
        #expect(blocks.count == d + 1)
        let budget = try #require(output.lineage.parameters["budget"])
        let marginalRho = try #require(budget["rho_per_marginal"]?.doubleValue)
        let correlationRho = try #require(budget["rho_correlation"]?.doubleValue)
        let clip = try #require(output.lineage.parameters["clip_radius"]?.doubleValue)
        for block in blocks.prefix(d) {
            #expect(block.integral)
            #expect(abs(block.noiseSD - (1 / (2 * marginalRho)).squareRoot()) < 1e-9)
        }
        let products = try #require(blocks.last)
        #expect(!products.integral)
        #expect(products.values.count == d * (d - 1) / 2 + d, "the pairs, then each column's squares")
        #expect(
            abs(products.noiseSD / ((clip * clip / 2.0.squareRoot()) / (2 * correlationRho).squareRoot()) - 1) < 1e-12)

        // The histograms as released differ from the true counts by noise of the stated scale.
        let data = try TrainingData.prepare(
            training: table, rowCount: 200, settings: DPCopulaTests.settings(DPCopulaTests.gbsg2), requireDomains: true)
        var errors: [Double] = []
        for (column, block) in zip(data.columns, blocks) {
            let binned = BinnedColumn(column, bins: 16)
            var truth = [Double](repeating: 0, count: binned.labels.count)
            for bin in binned.bins { truth[bin < 0 ? binned.binCount : Int(bin)] += 1 }
            errors += zip(block.values, truth).map { $0 - $1 }
        }
        let stated = blocks[0].noiseSD
        #expect(abs(Self.sd(errors) / stated - 1) < 0.2, "release noise sd \(Self.sd(errors)), stated \(stated)")
    }

    @Test func renoisedStatisticsHaveTheStatedNoiseScale() throws {
        let (output, _) = try Self.fit()
        let blocks = try #require(output.released).blocks
        let bootstrap = ParametricBootstrap(replicates: 20, seed: 11)
        var histogramNoise: [Double] = []
        var productNoise: [Double] = []
        for b in 0..<bootstrap.replicates {
            let renoised = bootstrap.renoised(blocks, replicate: b)
            #expect(renoised.count == blocks.count)
            for (fresh, released) in zip(renoised, blocks) {
                #expect(fresh.values.count == released.values.count)
                #expect(fresh.noiseSD == released.noiseSD)
                let noise = zip(fresh.values, released.values).map { $0 - $1 }
                if released.integral {
                    #expect(noise.allSatisfy { $0 == $0.rounded() }, "integral statistics stay integers")
                    histogramNoise += noise
                } else {
                    productNoise += noise
                }
            }
        }
        // About 2,000 histogram and 900 product deviations: one standard error of their sample sds is
        // about 1.6% and 2.4% of σ; the tolerances are three to four standard errors.
        let histogramSD = blocks[0].noiseSD
        let productSD = try #require(blocks.last).noiseSD
        #expect(abs(Self.sd(histogramNoise) / histogramSD - 1) < 0.05, "\(Self.sd(histogramNoise)) vs \(histogramSD)")
        #expect(abs(Self.sd(productNoise) / productSD - 1) < 0.1, "\(Self.sd(productNoise)) vs \(productSD)")
        let histogramMean = histogramNoise.reduce(0, +) / Double(histogramNoise.count)
        #expect(abs(histogramMean) < 4 * histogramSD / Double(histogramNoise.count).squareRoot())
        let productMean = productNoise.reduce(0, +) / Double(productNoise.count)
        #expect(abs(productMean) < 4 * productSD / Double(productNoise.count).squareRoot())
    }

    @Test func bootstrapIsSeededPostProcessing() throws {
        // Two fits with the same test-only privacy noise release the same statistics; the bootstrap
        // of each then gives the same tables byte for byte. Had any of its randomness come from the
        // secure generator, the tables would differ.
        let first = try #require(try Self.fit().output.released)
        let again = try #require(try Self.fit().output.released)
        #expect(first.blocks == again.blocks)
        let tables = try ParametricBootstrap(replicates: 3, seed: 7).tables(from: first, rowCount: 150)
        let repeated = try ParametricBootstrap(replicates: 3, seed: 7).tables(from: again, rowCount: 150)
        #expect(tables.count == 3)
        #expect(tables == repeated)
        #expect(tables.allSatisfy { $0.rowCount == 150 })
        #expect(CSVWriter().write(tables[0]) == CSVWriter().write(repeated[0]))
        // Replicates differ from each other and with the seed; replicate b does not depend on B.
        #expect(tables[0] != tables[1])
        let other = try ParametricBootstrap(replicates: 3, seed: 8).tables(from: first, rowCount: 150)
        #expect(other[0] != tables[0])
        let more = try ParametricBootstrap(replicates: 5, seed: 7).tables(from: first, rowCount: 150)
        #expect(Array(more.prefix(3)) == tables)
        // Bootstrapping reads the release; it never changes it.
        #expect(first.blocks == again.blocks)
        for table in tables { DPCopulaTests.expectInsideDomains(table, DPCopulaTests.gbsg2.domains) }
    }

    @Test func replicateCountIsBounded() {
        #expect(ParametricBootstrap(replicates: 0, seed: 1).replicates == ParametricBootstrap.replicateRange.lowerBound)
        #expect(
            ParametricBootstrap(replicates: 500, seed: 1).replicates == ParametricBootstrap.replicateRange.upperBound)
        #expect(ParametricBootstrap(seed: 1).replicates == ParametricBootstrap.defaultReplicates)
    }

    @Test func onlyGeneratorsThatReleaseStatisticsReportThem() throws {
        let dataset = DPCopulaTests.gbsg2
        let table = try DPCopulaTests.load(dataset)
        let output = try GaussianCopulaGenerator().generate(
            training: table, rowCount: 50, settings: DPCopulaTests.settings(dataset))
        #expect(output.released == nil)
    }
}
