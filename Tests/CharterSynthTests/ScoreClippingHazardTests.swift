import CharterCore
import CharterData
import CharterPrivacyTestSupport
import Foundation
import Testing

@testable import CharterSynth

/// Hostile but valid requests against dp-copula's data-chosen clip radius and its released
/// diagonal: degenerate columns, two columns, extreme budgets and radii give finite correlations,
/// and the diagonal carries the noise the release records.
@Suite struct ScoreClippingHazardTests {
    /// A standard normal column, an all-missing one, a constant one over a one-value domain, a
    /// constant one inside a wide domain, and a categorical one that takes a single category.
    static func degenerateTable(rows n: Int) -> (
        table: Table, types: [String: SemanticType], domains: [String: DeclaredDomain]
    ) {
        var random = TestLCG(state: 21)
        let normal: [Double?] = (0..<n).map { _ in random.normal() }
        let missing: [Double?] = Array(repeating: nil, count: n)
        let single: [Double?] = Array(repeating: 5, count: n)
        let pinned: [Double?] = Array(repeating: 50, count: n)
        let numeric = SynthFixtures.numericTable([
            ("normal", normal), ("missing", missing), ("single", single), ("pinned", pinned),
        ])
        let category = SynthFixtures.textColumn("category", Array(repeating: "a", count: n))
        let table = Table(columns: numeric.columns + [category], rowCount: n)
        let types: [String: SemanticType] = [
            "normal": .numerical, "missing": .numerical, "single": .numerical, "pinned": .numerical,
            "category": .categorical,
        ]
        let domains: [String: DeclaredDomain] = [
            "normal": .numeric(lower: -6, upper: 6, integral: false),
            "missing": .numeric(lower: 0, upper: 1, integral: false),
            "single": .numeric(lower: 5, upper: 5, integral: false),
            "pinned": .numeric(lower: 0, upper: 100, integral: false),
            "category": .categorical(["a", "b", "c"]),
        ]
        return (table, types, domains)
    }

    /// Runs dp-copula with seeded noise and checks the release and the refit: every released value
    /// finite, the vector shaped pairs-then-diagonal, the recorded radius positive and finite, and
    /// the estimate (before and after projection) finite with a valid correlation matrix.
    static func expectFiniteFit(
        _ table: Table, types: [String: SemanticType], domains: [String: DeclaredDomain], epsilon: Double,
        parameters: [String: JSONValue] = [:], noiseSeed: UInt64 = 5
    ) throws {
        var random = SeededTestRandomness(seed: noiseSeed)
        let output = try DPCopulaGenerator().generate(
            training: table, rowCount: 50,
            settings: GeneratorSettings(
                seed: 1, epsilon: epsilon, delta: 1e-6, schema: TableSchema(types: types), domains: domains,
                parameters: parameters),
            noise: &random)
        #expect(output.table.rowCount == 50)
        let spent = try #require(output.privacy?.epsilon)
        #expect(spent <= epsilon, "spent \(spent) of \(epsilon)")
        let release = try #require(output.released as? DPCopulaRelease)
        let d = release.columns.count
        let correlation = try #require(release.correlation)
        #expect(correlation.products.count == d * (d - 1) / 2 + d)
        #expect(correlation.products.allSatisfy { $0.isFinite }, "ε \(epsilon): \(correlation.products)")
        #expect(correlation.productSD.isFinite && correlation.productSD > 0)
        let radius = try #require(output.lineage.parameters["clip_radius"]?.doubleValue)
        #expect(radius.isFinite && radius > 0, "ε \(epsilon): radius \(radius)")
        if let median = output.lineage.parameters["budget"]?["correlation_noise_sd_median"]?.doubleValue {
            #expect(median.isFinite && median > 0, "ε \(epsilon): median correlation noise sd \(median)")
        }
        let marginals = zip(release.columns, release.histograms).map { column, counts in
            NoisyMarginal(counts: counts, column: column)
        }
        let noisyRows = NoisyMarginal.noisyRows(marginals)
        let kept = DPCopulaGenerator.keptShares(
            products: correlation.products, marginals: marginals, noisyRows: noisyRows)
        #expect(kept.allSatisfy { $0 >= DPCopulaGenerator.minimumKept && $0 <= 1 }, "ε \(epsilon): κ \(kept)")
        let (estimate, sds) = DPCopulaGenerator.correlationEstimate(
            products: correlation.products, marginals: marginals, noisyRows: noisyRows,
            productSD: correlation.productSD)
        #expect(sds.count == d * (d - 1) / 2)
        #expect(sds.allSatisfy { !$0.isNaN && $0 > 0 }, "ε \(epsilon): sds \(sds)")
        let (valid, _) = CopulaModel.validCorrelation(estimate)
        for j in 0..<d {
            #expect(valid[j, j] == 1)
            for k in 0..<d {
                #expect(estimate[j, k].isFinite, "ε \(epsilon): estimate[\(j), \(k)] = \(estimate[j, k])")
                #expect(valid[j, k].isFinite && abs(valid[j, k]) <= 1 + 1e-12)
            }
        }
        // The bootstrap refits from the re-noised release, diagonal included, without a trap.
        let tables = try ParametricBootstrap(replicates: 2, seed: 3).tables(from: release, rowCount: 20)
        #expect(tables.count == 2 && tables.allSatisfy { $0.rowCount == 20 })
    }

    /// ε = 10⁻³⁰⁰ included: ρ then bottoms out where δ alone covers it (spent ε 0), and the noise
    /// swamps every count.
    @Test(arguments: [1e-300, 0.01, 0.3, 1, 20, 10_000])
    func degenerateColumnsGiveFiniteCorrelations(_ epsilon: Double) throws {
        let (table, types, domains) = Self.degenerateTable(rows: 300)
        try Self.expectFiniteFit(table, types: types, domains: domains, epsilon: epsilon)
    }

    /// d = 2: one pair and two squares; with one column all missing and with both present.
    @Test(arguments: [0.01, 1, 10_000])
    func twoColumns(_ epsilon: Double) throws {
        let (table, types, domains) = Self.degenerateTable(rows: 300)
        for names in [["normal", "missing"], ["normal", "pinned"], ["missing", "single"]] {
            let pair = Table(columns: table.columns.filter { names.contains($0.name) }, rowCount: table.rowCount)
            try Self.expectFiniteFit(
                pair, types: types.filter { names.contains($0.key) },
                domains: domains.filter { names.contains($0.key) },
                epsilon: epsilon)
        }
    }

    /// As few rows as columns, where the noise makes every count (and noisyRows) whatever it
    /// likes, including all zeros.
    @Test(arguments: [0.01, 1, 10_000])
    func fewestRows(_ epsilon: Double) throws {
        let (table, types, domains) = Self.degenerateTable(rows: 5)
        for seed in UInt64(1)...4 {
            try Self.expectFiniteFit(table, types: types, domains: domains, epsilon: epsilon, noiseSeed: seed)
        }
    }

    /// The smallest and largest user radii the options accept.
    @Test(arguments: [1e-3, 0.01, 0.1, 100])
    func userRadii(_ radius: Double) throws {
        let (table, types, domains) = Self.degenerateTable(rows: 300)
        for epsilon in [0.01, 1, 10_000] {
            try Self.expectFiniteFit(
                table, types: types, domains: domains, epsilon: epsilon, parameters: ["clip_radius": .number(radius)])
        }
    }

    /// A radius whose square underflows (or nearly) is refused as a parameter, not handed to the
    /// mechanism as a zero or denormal sensitivity.
    @Test(arguments: [1e-300, 1e-160, 1e-9])
    func uselessRadiiAreRefused(_ radius: Double) throws {
        let (table, types, domains) = Self.degenerateTable(rows: 50)
        var random = SeededTestRandomness(seed: 1)
        let error = SynthFixtures.error { () throws(GeneratorError) in
            try DPCopulaGenerator().generate(
                training: table, rowCount: 10,
                settings: GeneratorSettings(
                    seed: 1, epsilon: 1, delta: 1e-6, schema: TableSchema(types: types), domains: domains,
                    parameters: ["clip_radius": .number(radius)]),
                noise: &random)
        }
        #expect(error?.code == "CH711", "radius \(radius): \(String(describing: error))")
    }

    /// The default radius is finite and positive for marginals the noise made degenerate: all
    /// counts zero, everything missing, a single bin, noisy row counts ≤ 0, ρ from 0 to huge.
    @Test func defaultRadiusOfDegenerateMarginals() throws {
        let (table, types, domains) = Self.degenerateTable(rows: 50)
        var random = SeededTestRandomness(seed: 2)
        let output = try DPCopulaGenerator().generate(
            training: table, rowCount: 10,
            settings: GeneratorSettings(
                seed: 1, epsilon: 1, delta: 1e-6, schema: TableSchema(types: types), domains: domains),
            noise: &random)
        let columns = try #require(output.released as? DPCopulaRelease).columns
        let shapes: [(String, (Int) -> [Int64])] = [
            ("all zero", { [Int64](repeating: 0, count: $0) }),
            ("all negative", { [Int64](repeating: -5, count: $0) }),
            ("all missing", { [Int64](repeating: 0, count: $0 - 1) + [1000] }),
            ("one bin", { [1000] + [Int64](repeating: 0, count: $0 - 1) }),
            ("last present bin", { [Int64](repeating: 0, count: $0 - 2) + [1000, 0] }),
        ]
        for (label, shape) in shapes {
            let marginals = columns.map { NoisyMarginal(counts: shape($0.labels.count), column: $0) }
            for noisyRows in [-1e6, 0, 1, 1e9] {
                for rho in [0, 1e-12, 1, 1e4] {
                    let radius = ScoreClipping.defaultRadius(marginals, noisyRows: noisyRows, correlationRho: rho)
                    #expect(
                        radius.isFinite && radius > 0 && radius * radius <= max(3 * Double(columns.count), 81 * 5),
                        "\(label), rows \(noisyRows), ρ \(rho): radius \(radius)")
                }
            }
            // Two columns only.
            let radius = ScoreClipping.defaultRadius(Array(marginals.prefix(2)), noisyRows: 0, correlationRho: 1)
            #expect(radius.isFinite && radius > 0, "\(label), d = 2: radius \(radius)")
        }
    }

    /// The released vector minus the true clipped sums (recomputed from the rows) is noise of the
    /// recorded standard deviation on the squares as on the pairs, centred on 0: the diagonal is
    /// released with the same mechanism and weighted as the generator says.
    @Test func diagonalNoiseHasTheRecordedScale() throws {
        let d = 10
        var pairNoise: [Double] = []
        var diagonalNoise: [Double] = []
        var recorded: [Double] = []
        for seed in UInt64(1)...12 {
            let fit = try ScoreClippingTests.fit(rows: 2000, epsilon: 1, noiseSeed: seed)
            let release = try #require(fit.release.correlation)
            var types: [String: SemanticType] = [:]
            var domains: [String: DeclaredDomain] = [:]
            for j in 0..<d {
                types["c\(j)"] = .numerical
                domains["c\(j)"] = .numeric(lower: -6, upper: 6, integral: false)
            }
            let settings = GeneratorSettings(
                seed: 1, epsilon: 1, delta: 1e-6, schema: TableSchema(types: types), domains: domains)
            let data = try TrainingData.prepare(
                training: ScoreClippingTests.equicorrelated(rows: 2000, columns: d), rowCount: 100,
                settings: settings, requireDomains: true)
            let binned = data.columns.map { BinnedColumn($0, bins: DPCopulaGenerator.defaultBins) }
            let radius = try #require(fit.output.lineage.parameters["clip_radius"]?.doubleValue)
            let truth = DPCopulaGenerator.scoreProducts(binned, fit.marginals, rows: data.rowCount, radius: radius)
            #expect(truth.count == release.products.count)
            let pairs = d * (d - 1) / 2
            for (index, (noisy, exact)) in zip(release.products, truth).enumerated() {
                if index < pairs { pairNoise.append(noisy - exact) } else { diagonalNoise.append(noisy - exact) }
            }
            recorded.append(release.productSD)
            // What the mechanism itself says it added: Δ_grid·2^k/√(2ρ).
            let mechanism = try #require(fit.output.privacy?.mechanisms.last)
            let component = try #require(mechanism.noise.first)
            guard case .zeroConcentrated(let rho) = mechanism.guarantee else {
                Issue.record("the correlation release is zCDP")
                continue
            }
            let actual =
                component.gridSensitivity * Double(sign: .plus, exponent: component.gridExponent, significand: 1)
                / (2 * rho).squareRoot()
            #expect(abs(release.productSD / actual - 1) < 1e-3, "recorded \(release.productSD), used \(actual)")
        }
        let sd = recorded.reduce(0, +) / Double(recorded.count)
        func rms(_ values: [Double]) -> Double {
            (values.map { $0 * $0 }.reduce(0, +) / Double(values.count)).squareRoot()
        }
        func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }
        #expect(diagonalNoise.count == 120)
        // 120 draws: the rms is within ±20% of σ with probability far above 99.9%.
        #expect(abs(rms(diagonalNoise) / sd - 1) < 0.2, "diagonal noise rms \(rms(diagonalNoise)), recorded \(sd)")
        #expect(abs(rms(pairNoise) / sd - 1) < 0.1, "pair noise rms \(rms(pairNoise)), recorded \(sd)")
        #expect(abs(mean(diagonalNoise)) < 0.4 * sd, "diagonal noise mean \(mean(diagonalNoise)), σ \(sd)")
    }
}
