import CharterAccounting
import CharterCore
import CharterData
import CharterPrivacy
import CharterPrivacyTestSupport
import CharterStats
import Testing

@testable import CharterSynth

/// dp-copula's release of the target's correlations (`target`, `target_share`): its sensitivity
/// bound holds for every record, the split stays within the budget, the target's correlations
/// carry less noise than the pairs', and the bootstrap refits from it.
@Suite struct DPCopulaTargetTests {
    static func settings(epsilon: Double = 1, target: String? = "cens", share: Double? = nil) -> GeneratorSettings {
        var settings = DPCopulaTests.settings(DPCopulaTests.gbsg2, epsilon: epsilon)
        if let target { settings.parameters["target"] = .string(target) }
        if let share { settings.parameters["target_share"] = .number(share) }
        return settings
    }

    /// Removing any one record moves the target's vector by at most T·R in L2 (T the largest
    /// |score| of the target under the released marginal, R the clip radius), at several radii,
    /// and a record far out reaches close to the bound (the bound is not loose by construction).
    @Test(arguments: [0.5, 2, 4, 100])
    func everyRecordMovesTheTargetVectorByAtMostItsBound(_ radius: Double) throws {
        let table = try DPCopulaTests.load(DPCopulaTests.gbsg2)
        let data = try TrainingData.prepare(
            training: table, rowCount: 10, settings: Self.settings(), requireDomains: true)
        let binned = data.columns.map { BinnedColumn($0, bins: 16) }
        // Any released marginal will do: the bound must hold whatever the noise gave. These are
        // the true counts plus a skew, so the scores are not the data's own.
        let marginals = binned.enumerated().map { index, column in
            var counts = [Int64](repeating: 0, count: column.labels.count)
            for bin in column.bins { counts[bin < 0 ? column.binCount : Int(bin)] += 1 }
            counts[index % counts.count] += 40
            return NoisyMarginal(counts: counts, column: column)
        }
        let t = try #require(binned.firstIndex { $0.name == "cens" })
        let others = binned.indices.filter { $0 != t }
        func products(without removed: Int?) -> [Double] {
            func drop(_ column: BinnedColumn) -> BinnedColumn {
                var column = column
                if let removed { column.bins.remove(at: removed) }
                return column
            }
            return DPCopulaGenerator.targetProducts(
                target: (drop(binned[t]), marginals[t]),
                others: (others.map { drop(binned[$0]) }, others.map { marginals[$0] }),
                rows: data.rowCount - (removed == nil ? 0 : 1), radius: radius,
                bound: DPCopulaGenerator.targetScoreBound(marginals[t]))
        }
        let bound = DPCopulaGenerator.targetScoreBound(marginals[t]) * radius
        let all = products(without: nil)
        var largest = 0.0
        for row in stride(from: 0, to: data.rowCount, by: 7) {
            let change = zip(all, products(without: row)).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
                .squareRoot()
            #expect(change <= bound * (1 + 1e-12), "row \(row): moved \(change), bound \(bound)")
            largest = max(largest, change)
        }
        if radius <= 4 {  // where the radius clips, some record comes near the bound
            #expect(largest >= 0.3 * bound, "the largest move \(largest) against the bound \(bound)")
        }
    }

    /// A numeric target whose released marginal leaves bins empty: an empty end bin scores at the
    /// normal's far tail, so the bound takes the largest score of a bin with mass, and a record in an
    /// empty bin is held to it; the bound still holds for every record.
    @Test func emptyBinsDoNotInflateTheTargetsBound() throws {
        let table = try DPCopulaTests.load(DPCopulaTests.gbsg2)
        let data = try TrainingData.prepare(
            training: table, rowCount: 10, settings: Self.settings(target: "pnodes"), requireDomains: true)
        let binned = data.columns.map { BinnedColumn($0, bins: 16) }
        let t = try #require(binned.firstIndex { $0.name == "pnodes" })
        // The released counts: the true ones with the top bins emptied, as noise clamped to 0 leaves them.
        var counts = [Int64](repeating: 0, count: binned[t].labels.count)
        for bin in binned[t].bins { counts[bin < 0 ? binned[t].binCount : Int(bin)] += 1 }
        let highest = Int(try #require(binned[t].bins.max()))
        let emptied = max(highest - 1, 1)
        for b in emptied..<binned[t].binCount { counts[b] = 0 }
        let marginal = NoisyMarginal(counts: counts, column: binned[t])
        let largest = try #require(marginal.binScores.map(abs).max())
        let bound = DPCopulaGenerator.targetScoreBound(marginal)
        #expect(largest > 5, "an empty end bin scores far out: \(largest)")
        #expect(bound < 4 && bound < largest / 2, "the bound is that of a bin with mass: \(bound), not \(largest)")
        // The rows in emptied bins (they exist: the counts above were the rows') are held to it.
        let others = binned.indices.filter { $0 != t }
        let otherMarginals = others.map { j -> NoisyMarginal in
            var c = [Int64](repeating: 0, count: binned[j].labels.count)
            for bin in binned[j].bins { c[bin < 0 ? binned[j].binCount : Int(bin)] += 1 }
            return NoisyMarginal(counts: c, column: binned[j])
        }
        let radius = 2.0
        let all = DPCopulaGenerator.targetProducts(
            target: (binned[t], marginal), others: (others.map { binned[$0] }, otherMarginals),
            rows: data.rowCount, radius: radius, bound: bound)
        let inEmptied = (0..<data.rowCount).filter { binned[t].bins[$0] >= Int32(emptied) }
        #expect(!inEmptied.isEmpty)
        for row in inEmptied.prefix(5) {
            var dropped = binned
            for j in dropped.indices { dropped[j].bins.remove(at: row) }
            let without = DPCopulaGenerator.targetProducts(
                target: (dropped[t], marginal), others: (others.map { dropped[$0] }, otherMarginals),
                rows: data.rowCount - 1, radius: radius, bound: bound)
            let change = zip(all, without).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
            #expect(change <= bound * radius * (1 + 1e-12), "row \(row) moved \(change)")
        }
    }

    @Test(arguments: [0.1, 1, 5])
    func theSplitStaysWithinTheBudget(_ epsilon: Double) throws {
        let table = try DPCopulaTests.load(DPCopulaTests.gbsg2)
        var random = SeededTestRandomness(seed: 7)
        let output = try DPCopulaGenerator().generate(
            training: table, rowCount: 100, settings: Self.settings(epsilon: epsilon), noise: &random)
        let privacy = try #require(output.privacy)
        #expect(privacy.mechanisms.count == table.columns.count + 2, "d histograms, the pairs, the target's vector")
        var rho = 0.0
        for mechanism in privacy.mechanisms {
            guard case .zeroConcentrated(let r) = mechanism.guarantee else {
                Issue.record("not zCDP")
                continue
            }
            rho += r
        }
        #expect(privacy.epsilon <= epsilon)
        #expect(privacy.epsilon >= epsilon * 0.999)
        #expect(ZeroConcentratedDP.epsilon(rho: rho, delta: 1e-6).epsilon <= epsilon)
        let budget = try #require(output.lineage.parameters["budget"])
        let pairs = try #require(budget["rho_correlation"]?.doubleValue)
        let target = try #require(budget["rho_target"]?.doubleValue)
        let total = try #require(budget["rho_total"]?.doubleValue)
        #expect(abs(pairs - target) <= target * 1e-6, "target_share 0.5 halves the correlation's ρ")
        #expect(abs(pairs + target - total / 2) <= total * 1e-6)
        #expect(budget["target_share"]?.doubleValue == 0.5)
        #expect(privacy.mechanisms.last?.subject?.contains("target 'cens'") == true)
        // At equal ρ, the target's correlations carry less noise than the other columns' pairs.
        let pairsSD = try #require(budget["correlation_noise_sd_median"]?.doubleValue)
        let targetSD = try #require(budget["target_correlation_noise_sd_median"]?.doubleValue)
        #expect(targetSD < 0.75 * pairsSD, "target \(targetSD), pairs \(pairsSD)")
        DPCopulaTests.expectInsideDomains(output.table, DPCopulaTests.gbsg2.domains)
    }

    /// With little noise, the target's release recovers its correlations as the pairs' release does.
    @Test func recoversTheTargetsCorrelations() throws {
        let table = GaussianCopulaTests.training(rows: 20000)
        let domains: [String: DeclaredDomain] = [
            "x": .numeric(lower: -5, upper: 5, integral: false), "y": .numeric(lower: 0, upper: 100, integral: true),
            "flag": .categorical(["0", "1"]), "partial": .numeric(lower: 0, upper: 100, integral: true),
            "colour": .categorical(["blue", "green", "red"]),
        ]
        func correlations(target: String?) throws -> [Double] {
            var random = SeededTestRandomness(seed: 11)
            var parameters: [String: JSONValue] = ["bins": 64]
            if let target { parameters["target"] = .string(target) }
            let output = try DPCopulaGenerator().generate(
                training: table, rowCount: 20000,
                settings: GeneratorSettings(
                    seed: 2, epsilon: 20, delta: 1e-6, schema: GaussianCopulaTests.schema, domains: domains,
                    parameters: parameters),
                noise: &random)
            guard case .numeric(let x) = output.table.columns[0].values,
                case .numeric(let y) = output.table.columns[1].values
            else { return [] }
            let flag = (0..<output.table.rowCount).map { row in
                output.table.columns[2].values.text(at: row).flatMap(Double.init) == 1 ? 1.0 : 0
            }
            return [
                try #require(Correlation.pearson(x.values, y.values)),
                try #require(Correlation.pearson(x.values, flag)),
                try #require(Correlation.pearson(y.values, flag)),
            ]
        }
        let without = try correlations(target: nil)
        let with = try correlations(target: "flag")
        for (a, b) in zip(without, with) {
            #expect(abs(a - b) < 0.05, "without a target \(without), with 'flag' \(with)")
        }
    }

    @Test func theBootstrapRefitsFromTheTargetsRelease() throws {
        let table = try DPCopulaTests.load(DPCopulaTests.gbsg2)
        var random = SeededTestRandomness(seed: 5)
        let output = try DPCopulaGenerator().generate(
            training: table, rowCount: 200, settings: Self.settings(), noise: &random)
        let released = try #require(output.released)
        let blocks = released.blocks
        let d = table.columns.count
        #expect(blocks.count == d + 2)
        #expect(blocks[d].values.count == (d - 1) * (d - 2) / 2 + (d - 1), "the other columns' pairs and squares")
        #expect(blocks[d + 1].values.count == d - 1, "the target's product with each other column")
        let clip = try #require(output.lineage.parameters["clip_radius"]?.doubleValue)
        let targetRho = try #require(output.lineage.parameters["budget"]?["rho_target"]?.doubleValue)
        #expect(blocks[d + 1].noiseSD * (2 * targetRho).squareRoot() <= 3 * clip, "T·R with T ≤ 3 for a binary target")
        let tables = try ParametricBootstrap(replicates: 3, seed: 9).tables(from: released, rowCount: 100)
        #expect(tables.count == 3)
        #expect(tables.allSatisfy { $0.rowCount == 100 && $0.columnNames == table.columnNames })
    }

    /// Two columns, one of them the target: the pairs' release holds the other column's square
    /// alone (its clipping share), and the one correlation is the target's.
    @Test func twoColumnsWithATarget() throws {
        let full = try DPCopulaTests.load(DPCopulaTests.gbsg2)
        let table = Table(
            columns: full.columns.filter { ["pnodes", "cens"].contains($0.name) }, rowCount: full.rowCount)
        var settings = Self.settings(epsilon: 50)
        settings.domains = settings.domains.filter { ["pnodes", "cens"].contains($0.key) }
        var random = SeededTestRandomness(seed: 3)
        let output = try DPCopulaGenerator().generate(
            training: table, rowCount: 2000, settings: settings, noise: &random)
        #expect(output.privacy?.mechanisms.count == 4)
        #expect((output.privacy?.epsilon ?? 99) <= 50)
        let released = try #require(output.released)
        #expect(released.blocks.suffix(2).map(\.values.count) == [1, 1])
        func correlation(_ t: Table) throws -> Double {
            let x = (0..<t.rowCount).map { t.columns[0].values.text(at: $0).flatMap(Double.init) ?? .nan }
            let y = (0..<t.rowCount).map { t.columns[1].values.text(at: $0).flatMap(Double.init) ?? .nan }
            return try #require(Correlation.pearson(x, y))
        }
        let real = try correlation(table)
        let synthetic = try correlation(output.table)
        #expect(real > 0.1 && synthetic > 0.05, "real \(real), synthetic \(synthetic)")
    }

    @Test func badTargetParameters() throws {
        let table = try DPCopulaTests.load(DPCopulaTests.gbsg2)
        func code(_ settings: GeneratorSettings) -> String? {
            SynthFixtures.error { () throws(GeneratorError) in
                var random = SeededTestRandomness(seed: 1)
                return try DPCopulaGenerator().generate(
                    training: table, rowCount: 10, settings: settings, noise: &random)
            }?.code
        }
        for share in [0.0, 1, -0.5, .nan] {
            #expect(code(Self.settings(share: share)) == "CH711", "target_share \(share)")
        }
        var settings = Self.settings()
        settings.parameters["target_share"] = "half"
        #expect(code(settings) == "CH711")
        #expect(code(Self.settings(target: "nope")) == "CH709")
        settings = Self.settings(target: nil)
        settings.parameters["target"] = 3
        #expect(code(settings) == "CH711")
    }
}
