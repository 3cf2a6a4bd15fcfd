import CharterAccounting
import CharterCore
import CharterData
import CharterPrivacyTestSupport
import Testing

@testable import CharterSynth

/// `vae` and `dp-vae` on a small table, with a tiny network and few epochs.
@Suite struct VAEGeneratorTests {
    /// 200 rows: an integral age that drives a binary outcome, a bounded lab value and a category.
    static func table() -> Table {
        var random = ModelRandomness(seed: 5)
        var age: [Double?] = []
        var lab: [Double?] = []
        var group: [String?] = []
        var outcome: [String?] = []
        for row in 0..<200 {
            let a = (30 + 40 * random.unit()).rounded()
            age.append(a)
            lab.append(row % 17 == 0 ? nil : (a / 70 + 0.2 * random.unit()))
            group.append(["A", "B", "C"][Int(random.next() % 3)])
            outcome.append(a > 50 ? "yes" : "no")
        }
        var columns = SynthFixtures.numericTable([("age", age), ("lab", lab)]).columns
        columns.append(SynthFixtures.textColumn("group", group))
        columns.append(SynthFixtures.textColumn("outcome", outcome))
        return Table(columns: columns)
    }

    static let domains: [String: DeclaredDomain] = [
        "age": .numeric(lower: 18, upper: 90, integral: true), "lab": .numeric(lower: 0, upper: 2, integral: false),
        "group": .categorical(["A", "B", "C"]), "outcome": .categorical(["no", "yes"]),
    ]

    static let tiny: [String: JSONValue] = [
        "epochs": 30, "batch_size": 20, "hidden": [16], "latent": 4, "learning_rate": 0.01,
    ]

    static func settings(epsilon: Double? = nil, parameters: [String: JSONValue] = tiny) -> GeneratorSettings {
        GeneratorSettings(
            seed: 42, epsilon: epsilon, delta: epsilon == nil ? nil : 1e-5, schema: TableSchema(types: [:]),
            domains: domains, parameters: parameters)
    }

    @Test func vaeIsDeterministicInsideTheDomainsAndLearnsTheMarginals() throws {
        let generator = VAEGenerator()
        let first = try generator.generate(training: Self.table(), rowCount: 400, settings: Self.settings())
        let second = try generator.generate(training: Self.table(), rowCount: 400, settings: Self.settings())
        #expect(first.table == second.table, "the same seed gives the same rows")
        #expect(first.privacy == nil)
        let ages = try #require(first.table.column(named: "age")?.values)
        guard case .numeric(let values) = ages else {
            Issue.record("age is numeric")
            return
        }
        let present = values.values.indices.filter { !values.isMissing[$0] }.map { values.values[$0] }
        #expect(present.allSatisfy { $0 >= 30 && $0 <= 70 && $0 == $0.rounded() }, "empirical quantiles stay in range")
        let mean = present.reduce(0, +) / Double(present.count)
        #expect(abs(mean - 50) < 6, "mean age \(mean)")
        // The outcome tracks age (the relation the network must learn).
        let outcome = try #require(first.table.column(named: "outcome"))
        var agree = 0
        for row in 0..<400 where !values.isMissing[row] {
            if (values.values[row] > 50) == (outcome.values.text(at: row) == "yes") { agree += 1 }
        }
        #expect(Double(agree) / Double(present.count) > 0.7, "age–outcome agreement \(agree)/\(present.count)")
        #expect(first.lineage.generator == "vae")
        #expect(first.lineage.parameters["epochs"] == 30)
        #expect(first.lineage.parameters["batch_size"] == 20)
        #expect(first.lineage.parameters["learning_rate"] == .number(0.01))
    }

    @Test func dpVAESpendsWhatTheAccountantSaysAndStaysInTheDeclaredDomains() throws {
        var noise = SeededTestRandomness(seed: 9)
        let parameters: [String: JSONValue] = ["epochs": 2, "batch_size": 20, "hidden": [16], "latent": 4]
        let output = try DPVAEGenerator().generate(
            training: Self.table(), rowCount: 300, settings: Self.settings(epsilon: 3, parameters: parameters),
            noise: &noise)
        let privacy = try #require(output.privacy)
        let dp = try #require(output.lineage.parameters["dp_sgd"])
        #expect(dp["sampling_rate"] == .number(0.1))
        #expect(dp["steps"] == 20)
        let sigma = try #require(dp["noise_multiplier"]?.doubleValue)
        var accountant = RDPAccountant()
        accountant.composePoissonSubsampledGaussian(samplingRate: 0.1, noiseMultiplier: sigma, steps: 20)
        #expect(privacy.epsilon == accountant.epsilon(delta: 1e-5).epsilon, "what charter privacy epsilon prints")
        #expect(privacy.epsilon <= 3 && privacy.epsilon > 2.99)
        #expect(privacy.delta == 1e-5)
        let expected = NoiseCalibration.noiseMultiplier(
            targetEpsilon: 3, samplingRate: 0.1, steps: 20, delta: 1e-5)
        #expect(sigma == expected)
        guard case .numeric(let ages) = try #require(output.table.column(named: "age")?.values) else {
            Issue.record("age is numeric")
            return
        }
        for row in 0..<300 where !ages.isMissing[row] {
            #expect(ages.values[row] >= 18 && ages.values[row] <= 90 && ages.values[row] == ages.values[row].rounded())
        }
        let groups = try #require(output.table.column(named: "group"))
        for row in 0..<300 {
            if let text = groups.values.text(at: row) { #expect(["A", "B", "C"].contains(text)) }
        }
    }

    @Test func dpVAERefusesUndeclaredDomainsAndAbsurdNoise() {
        var settings = Self.settings(epsilon: 1)
        settings.domains["lab"] = nil
        #expect(
            SynthFixtures.error { () throws(GeneratorError) in
                try DPVAEGenerator().generate(training: Self.table(), rowCount: 10, settings: settings)
            }?.code == "CH707")
        // ε = 0.01 over 300 steps at q = 0.1 needs σ far beyond the bound: refused before training.
        let absurd = Self.settings(epsilon: 0.01, parameters: ["epochs": 30, "batch_size": 20])
        let error = SynthFixtures.error { () throws(GeneratorError) in
            try DPVAEGenerator().generate(training: Self.table(), rowCount: 10, settings: absurd)
        }
        #expect(error?.code == "CH710")
        #expect(error?.message.contains("raise the batch size") == true)
    }

    @Test("DP-SGD's bulk Gaussian draws equal one draw at a time, across odd counts that leave a spare")
    func bulkGaussianMatchesSingleDraws() {
        var single = SeededTestRandomness(seed: 12)
        var bulk = SeededTestRandomness(seed: 12)
        var one = SecureGaussian()
        var many = SecureGaussian()
        var words: [UInt64] = []
        for count in [5, 1, 4, 0, 7, 2] {
            let expected = (0..<count).map { _ in one.next(&single) }
            var draws = [Double](repeating: .nan, count: count)
            draws.withUnsafeMutableBufferPointer { many.fill($0, from: &bulk, words: &words) }
            #expect(draws == expected, "\(count) draws")
        }
        #expect(words.allSatisfy { $0 == 0 }, "used words are wiped")
        #expect(one.next(&single) == many.next(&bulk))
    }

    @Test("DP-SGD's Gaussian draws split between threads (taken first, transformed in two parts) equal one at a time")
    func splitGaussianMatchesSingleDraws() {
        var single = SeededTestRandomness(seed: 13)
        var split = SeededTestRandomness(seed: 13)
        var one = SecureGaussian()
        var parts = SecureGaussian()
        for count in [5, 1, 4, 0, 7, 2, 9] {
            let expected = (0..<count).map { _ in one.next(&single) }
            var draws = [Double](repeating: .nan, count: count)
            var words = [UInt64](repeating: 0, count: SecureGaussian.words(for: count))
            draws.withUnsafeMutableBufferPointer { draws in
                words.withUnsafeMutableBufferPointer { words in
                    let pending = parts.prepare(draws, from: &split, words: words)
                    guard let scratch = words.baseAddress, let out = draws.baseAddress else { return }
                    let middle = pending.pairs / 2
                    SecureGaussian.transform(middle..<pending.pairs, words: scratch, into: out + pending.offset)
                    SecureGaussian.transform(0..<middle, words: scratch, into: out + pending.offset)
                }
            }
            #expect(draws == expected, "\(count) draws")
            #expect(words.allSatisfy { $0 == 0 }, "used words are wiped")
        }
        #expect(one.next(&single) == parts.next(&split))
    }
}
