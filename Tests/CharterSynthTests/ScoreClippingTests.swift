import CharterCore
import CharterData
import CharterPrivacyTestSupport
import Foundation
import Testing

@testable import CharterSynth

/// dp-copula clips each record's score vector at a radius read from the released marginals, and
/// undoes the clipping's shrinkage with the released sums of squares.
@Suite struct ScoreClippingTests {
    /// The released vector's per-record L2 norm is ‖s‖²/√2, the bound the noise is calibrated to,
    /// whatever the scores: the diagonal costs no extra noise.
    @Test(arguments: [2, 5, 24])
    func diagonalCostsNoExtraNoise(_ d: Int) {
        var random = TestLCG(state: UInt64(d))
        for _ in 0..<50 {
            let scores = (0..<d).map { _ in 2 * random.normal() }
            var sums = [Double](repeating: 0, count: d * (d - 1) / 2 + d)
            DPCopulaGenerator.addContribution(of: scores, to: &sums)
            let squaredNorm = sums.reduce(0) { $0 + $1 * $1 }
            let bound = scores.reduce(0) { $0 + $1 * $1 }
            #expect(abs(squaredNorm / (bound * bound / 2) - 1) < 1e-12)
        }
    }

    /// Ten standard normal columns with every correlation 0.5.
    static func equicorrelated(rows n: Int, columns d: Int = 10, correlation: Double = 0.5) -> Table {
        var random = TestLCG(state: 7)
        var columns = [[Double?]](repeating: [], count: d)
        for _ in 0..<n {
            let common = random.normal()
            for j in 0..<d {
                columns[j].append(correlation.squareRoot() * common + (1 - correlation).squareRoot() * random.normal())
            }
        }
        return SynthFixtures.numericTable(columns.enumerated().map { ("c\($0.offset)", $0.element) })
    }

    /// dp-copula at `epsilon` on ten equicorrelated columns with declared domains [-6, 6].
    static func fit(rows: Int, epsilon: Double, parameters: [String: JSONValue] = [:], noiseSeed: UInt64 = 3) throws
        -> (output: GeneratorOutput, release: DPCopulaRelease, marginals: [NoisyMarginal], noisyRows: Double)
    {
        let d = 10
        var domains: [String: DeclaredDomain] = [:]
        var types: [String: SemanticType] = [:]
        for j in 0..<d {
            domains["c\(j)"] = .numeric(lower: -6, upper: 6, integral: false)
            types["c\(j)"] = .numerical
        }
        var random = SeededTestRandomness(seed: noiseSeed)
        let output = try DPCopulaGenerator().generate(
            training: Self.equicorrelated(rows: rows, columns: d), rowCount: 100,
            settings: GeneratorSettings(
                seed: 1, epsilon: epsilon, delta: 1e-6, schema: TableSchema(types: types), domains: domains,
                parameters: parameters),
            noise: &random)
        let release = try #require(output.released as? DPCopulaRelease)
        let marginals = zip(release.columns, release.histograms).map { column, counts in
            NoisyMarginal(counts: counts, column: column)
        }
        return (output, release, marginals, NoisyMarginal.noisyRows(marginals))
    }

    /// The mean off-diagonal correlation the fit estimates, and the same with the clipping's
    /// shrinkage left in (each pair times √(κⱼκₖ)).
    static func meanCorrelations(
        _ fit: (output: GeneratorOutput, release: DPCopulaRelease, marginals: [NoisyMarginal], noisyRows: Double)
    ) -> (corrected: Double, uncorrected: Double, kept: [Double]) {
        let kept = DPCopulaGenerator.keptShares(
            products: fit.release.correlation!.products, marginals: fit.marginals, noisyRows: fit.noisyRows)
        let (estimate, _) = DPCopulaGenerator.correlationEstimate(
            products: fit.release.correlation!.products, marginals: fit.marginals, noisyRows: fit.noisyRows,
            productSD: fit.release.correlation!.productSD)
        var corrected = 0.0
        var uncorrected = 0.0
        var pairs = 0.0
        for j in 1..<kept.count {
            for k in 0..<j {
                corrected += estimate[j, k]
                uncorrected += estimate[j, k] * (kept[j] * kept[k]).squareRoot()
                pairs += 1
            }
        }
        return (corrected / pairs, uncorrected / pairs, kept)
    }

    /// Where the noise is small (ε = 20, 20,000 rows) the default clips as little as the old √(3d),
    /// and the correlations come out unbiased.
    @Test func ampleBudgetClipsAsBefore() throws {
        let fit = try Self.fit(rows: 20000, epsilon: 20)
        let radius = try #require(fit.output.lineage.parameters["clip_radius"]?.doubleValue)
        #expect(abs(radius * radius - 30) < 1e-9, "radius² \(radius * radius), 3d = 30")
        let means = Self.meanCorrelations(fit)
        #expect(abs(means.corrected - 0.5) < 0.03, "corrected \(means.corrected)")
    }

    /// Where the noise limits the fit (ε = 1, 2,000 rows) the default clips at μ + σ of ‖s‖² under
    /// the released marginals, well under 3d, and the noise shrinks with it.
    @Test func smallBudgetClipsAtTheTypicalNorm() throws {
        let fit = try Self.fit(rows: 2000, epsilon: 1)
        var mean = 0.0
        var variance = 0.0
        for marginal in fit.marginals {
            let present = 1 - marginal.missingRate
            var second = 0.0
            var fourth = 0.0
            for (p, s) in zip(marginal.probabilities, marginal.binScores) {
                second += p * s * s
                fourth += p * s * s * s * s
            }
            mean += present * second
            variance += present * fourth - present * second * present * second
        }
        let radius = try #require(fit.output.lineage.parameters["clip_radius"]?.doubleValue)
        #expect(abs(radius * radius - (mean + variance.squareRoot())) < 1e-9)
        #expect(radius * radius < 0.6 * 30, "radius² \(radius * radius) against the old 3d = 30")
        let budget = try #require(fit.output.lineage.parameters["budget"])
        let rho = try #require(budget["rho_correlation"]?.doubleValue)
        #expect(
            abs(fit.release.correlation!.productSD - radius * radius / 2.0.squareRoot() / (2 * rho).squareRoot()) < 1e-9
        )
    }

    /// Clipped hard (R² = 9, under E‖s‖² ≈ 10) with little noise, the products alone under-state
    /// every correlation; divided by the shares of squares the clipping kept they come much closer.
    /// The rest is the bias the type's description owns up to: a strong common factor shrinks the
    /// pairs more than the squares.
    @Test func sharesOfSquaresUndoMostOfTheClipping() throws {
        let fit = try Self.fit(rows: 20000, epsilon: 20, parameters: ["clip_radius": 3])
        let means = Self.meanCorrelations(fit)
        #expect(means.kept.allSatisfy { $0 < 0.97 && $0 > 0.5 }, "the clipping bites: \(means.kept)")
        #expect(
            abs(means.uncorrected - 0.5) > abs(means.corrected - 0.5) + 0.03,
            "corrected \(means.corrected), uncorrected \(means.uncorrected)")
        #expect(means.corrected < 0.5, "the remaining bias shrinks: \(means.corrected)")
    }
}
