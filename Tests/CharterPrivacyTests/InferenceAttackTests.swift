import CharterCore
import CharterData
import CharterTestSupport
import Foundation
import Testing

@testable import CharterPrivacy

/// The membership-inference and attribute-inference attacks: their statistics against brute force,
/// their behaviour on leaking and non-leaking synthetic data, and bad input.
@Suite struct InferenceAttackTests {
    /// A small linear congruential generator for the random tables of these tests.
    struct Draws {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        mutating func uniform() -> Double { Double(next(1 << 30)) / Double(1 << 30) }
    }

    // MARK: statistics

    @Test("Φ⁻¹ matches known quantiles")
    func normalQuantile() {
        for (p, z) in [
            (0.975, 1.959963984540054), (0.5, 0.0), (0.995, 2.5758293035489004), (0.9, 1.2815515655446004),
            (0.025, -1.9599639845400545), (1e-10, -6.361340902404056),
        ] {
            #expect(abs(NormalDistribution.quantile(p) - z) <= 1e-12 * max(1, abs(z)), "p = \(p)")
        }
    }

    @Test("Wilson: anonymeter's centre and half-width")
    func wilson() {
        // k = 250 of n = 500 at 95%: centre ½, half-width z/(n+z²)·√(125 + z²/4).
        let z = 1.959963984540054
        let w = ConfidenceInterval.wilson(successes: 250, trials: 500, level: 0.95)
        #expect(abs(w.centre - 0.5) <= 1e-15)
        #expect(abs(w.halfWidth - z / (500 + z * z) * (125 + z * z / 4).squareRoot()) <= 1e-15)
        // No successes: the centre is pulled above 0 and the interval starts at 0.
        let none = ConfidenceInterval.wilson(successes: 0, trials: 10, level: 0.95)
        #expect(none.centre > 0 && abs(none.interval.lower) <= 1e-15 && none.interval.upper < 0.35)
    }

    @Test("the Mann–Whitney AUC and DeLong's variance equal their pairwise definitions", arguments: [1, 2, 3])
    func aucAgainstPairs(seed: UInt64) {
        var draws = Draws(state: seed)
        let positives = (0..<37).map { _ in Double(draws.next(12)) / 3 }  // many ties
        let negatives = (0..<23).map { _ in Double(draws.next(10)) / 3 }
        func psi(_ x: Double, _ y: Double) -> Double { x > y ? 1 : x == y ? 0.5 : 0 }
        let m = Double(positives.count)
        let n = Double(negatives.count)
        let v10 = positives.map { x in negatives.reduce(0) { $0 + psi(x, $1) } / n }
        let v01 = negatives.map { y in positives.reduce(0) { $0 + psi($1, y) } / m }
        let auc = v10.reduce(0, +) / m
        let s10 = v10.reduce(0) { $0 + ($1 - auc) * ($1 - auc) } / (m - 1)
        let s01 = v01.reduce(0) { $0 + ($1 - auc) * ($1 - auc) } / (n - 1)
        let measured = MannWhitneyAUC(positives: positives, negatives: negatives)
        #expect(abs(measured.auc - auc) <= 1e-14)
        #expect(abs(measured.variance - (s10 / m + s01 / n)) <= 1e-14)
        let interval = measured.interval(level: 0.95)
        #expect(interval.lower <= measured.auc && measured.auc <= interval.upper)
    }

    @Test("perfect separation: AUC 1 (and 0 reversed), all ties: ½")
    func aucEdges() {
        #expect(MannWhitneyAUC(positives: [3, 4], negatives: [1, 2]).auc == 1)
        #expect(MannWhitneyAUC(positives: [1, 2], negatives: [3, 4]).auc == 0)
        #expect(MannWhitneyAUC(positives: [1, 1, 1], negatives: [1, 1]).auc == 0.5)
    }

    @Test("the cross-validated threshold: the best split of a fold, at the midpoint, smallest on ties")
    func bestThreshold() {
        let records: [(distance: Double, member: Bool)] = [(0, true), (0.1, true), (0.2, false), (0.4, false)]
        #expect(abs(MembershipInference.bestThreshold(records) - 0.15) <= 1e-15)
        // Members are the far ones: guessing "nobody" is best.
        #expect(MembershipInference.bestThreshold([(0, false), (1, true)]) == -.infinity)
        // Everyone a member at the largest distance.
        #expect(MembershipInference.bestThreshold([(0, true), (1, true)]) == 1)
    }

    @Test("seeded selection is a reproducible uniform sample without repeats")
    func selection() {
        var a = SeededSelection(seed: 7)
        var b = SeededSelection(seed: 7)
        let first = a.sample(50, from: 80)
        #expect(first == b.sample(50, from: 80))
        #expect(Set(first).count == 50 && first.allSatisfy { $0 < 80 })
        var counts = [Int](repeating: 0, count: 6)
        var c = SeededSelection(seed: 1)
        for _ in 0..<60_000 { counts[c.below(6)] += 1 }
        #expect(counts.allSatisfy { abs($0 - 10_000) < 400 })
    }

    // MARK: membership inference

    static func table(_ x: [Double], _ c: [String?]) -> Table {
        Table(columns: [
            Column(name: "x", values: .numeric(NumericValues(x))),
            Column(name: "c", values: .categorical(CategoricalValues(c))),
        ])
    }
    static let schema = TableSchema(types: ["x": .numerical, "c": .categorical])

    static func randomTable(_ rows: Int, _ draws: inout Draws) -> Table {
        table((0..<rows).map { _ in draws.uniform() * 100 }, (0..<rows).map { _ in ["a", "b", "c"][draws.next(3)] })
    }

    @Test("a synthetic table that copies train is caught: AUC and accuracy near 1")
    func copiedTrainLeaks() throws {
        var draws = Draws(state: 3)
        let train = Self.randomTable(400, &draws)
        let holdout = Self.randomTable(300, &draws)
        let result = try MembershipInference().measure(
            train: train, holdout: holdout, synthetic: train, schema: Self.schema)
        #expect(result.auc > 0.95 && result.aucInterval.lower > 0.9)
        #expect(result.accuracy > 0.9 && result.accuracyInterval.lower > 0.85)
        #expect(result.medianMemberDistance == 0)
        #expect(result.memberCount == 400 && result.nonMemberCount == 300 && result.balancedRecordCount == 600)
        #expect(result.columnsUsed == ["x", "c"])
    }

    @Test("an independent synthetic table is not: both intervals cover ½", arguments: [11, 12, 13] as [UInt64])
    func independentDoesNotLeak(seed: UInt64) throws {
        var draws = Draws(state: seed)
        let train = Self.randomTable(500, &draws)
        let holdout = Self.randomTable(500, &draws)
        let synthetic = Self.randomTable(500, &draws)
        let result = try MembershipInference(seed: seed).measure(
            train: train, holdout: holdout, synthetic: synthetic, schema: Self.schema)
        #expect(result.aucInterval.lower < 0.5 && 0.5 < result.aucInterval.upper, "AUC \(result.auc)")
        #expect(result.accuracyInterval.lower < 0.5 && 0.5 < result.accuracyInterval.upper, "acc \(result.accuracy)")
        #expect(result.aucInterval.level == 0.95)
    }

    @Test("the same seed gives the same result; the AUC does not depend on the seed")
    func deterministic() throws {
        var draws = Draws(state: 5)
        let train = Self.randomTable(120, &draws)
        let holdout = Self.randomTable(70, &draws)
        let synthetic = Self.randomTable(90, &draws)
        let a = try MembershipInference(seed: 1).measure(
            train: train, holdout: holdout, synthetic: synthetic, schema: Self.schema)
        let b = try MembershipInference(seed: 1).measure(
            train: train, holdout: holdout, synthetic: synthetic, schema: Self.schema)
        let c = try MembershipInference(seed: 2).measure(
            train: train, holdout: holdout, synthetic: synthetic, schema: Self.schema)
        #expect(a == b)
        #expect(a.auc == c.auc && a.aucInterval == c.aucInterval)
        #expect(a.balancedRecordCount == 140)
    }

    @Test("repetitions give the results of consecutive seeds, with the distances measured once")
    func repetitionsAreConsecutiveSeeds() throws {
        var draws = Draws(state: 7)
        let train = Self.randomTable(150, &draws)
        let holdout = Self.randomTable(40, &draws)
        let synthetic = Self.randomTable(90, &draws)
        let results = try MembershipInference(seed: 41).measure(
            train: train, holdout: holdout, synthetic: synthetic, schema: Self.schema, repetitions: 3)
        let singles = try (41...43 as ClosedRange<UInt64>).map { seed in
            try MembershipInference(seed: seed).measure(
                train: train, holdout: holdout, synthetic: synthetic, schema: Self.schema)
        }
        #expect(results == singles)
        #expect(results.map(\.seed) == [41, 42, 43])
        for bad in [0, -1, 65_537] {
            #expect(throws: DisclosureInputError.self) {
                try MembershipInference().measure(
                    train: train, holdout: holdout, synthetic: synthetic, schema: Self.schema, repetitions: bad)
            }
        }
    }

    @Test("membership inference rejects unusable input")
    func membershipBadInput() {
        let two = Self.table([1, 2], ["a", "b"])
        let one = Self.table([1], ["a"])
        let empty = Self.table([], [])
        #expect(throws: DisclosureInputError.self) {
            try MembershipInference().measure(train: one, holdout: two, synthetic: two, schema: Self.schema)
        }
        #expect(throws: DisclosureInputError.self) {
            try MembershipInference().measure(train: two, holdout: two, synthetic: empty, schema: Self.schema)
        }
        #expect(throws: DisclosureInputError.self) {
            try MembershipInference().measure(
                train: two, holdout: two, synthetic: two, schema: TableSchema(types: ["x": .ordinal]))
        }
        #expect(throws: DisclosureInputError.self) {
            try MembershipInference(confidenceLevel: 1).measure(
                train: two, holdout: two, synthetic: two, schema: Self.schema)
        }
        let other = Table(columns: [Column(name: "y", values: .numeric(NumericValues([1, 2])))])
        #expect(throws: DisclosureInputError.self) {
            try MembershipInference().measure(train: other, holdout: two, synthetic: two, schema: Self.schema)
        }
    }

    // MARK: attribute inference

    @Test(
        "the nearest synthetic record equals a brute-force argmin (lowest index on ties)",
        arguments: [21, 22, 23] as [UInt64])
    func nearestAgainstBruteForce(seed: UInt64) throws {
        var draws = Draws(state: seed)
        func table(_ rows: Int) -> Table {
            Table(columns: [
                Column(
                    name: "c",
                    values: .categorical(CategoricalValues((0..<rows).map { _ in ["a", "b", nil][draws.next(3)] }))),
                Column(
                    name: "x",
                    values: .numeric(
                        NumericValues(
                            values: (0..<rows).map { _ in Double(draws.next(15)) },
                            isMissing: (0..<rows).map { _ in draws.next(7) == 0 }))),
                Column(
                    name: "y",
                    values: .numeric(
                        NumericValues(
                            values: (0..<rows).map { _ in Double(draws.next(300)) - 150 },
                            isMissing: (0..<rows).map { _ in draws.next(9) == 0 }))),
            ])
        }
        let schema = TableSchema(types: ["c": .categorical, "x": .numerical, "y": .numerical])
        let synthetic = table(80)
        let targets = table(70)
        let fast = try NearestAuxiliaryRecord(
            synthetic: synthetic, targets: targets, columns: ["c", "x", "y"], schema: schema
        ).nearest()
        func values(_ table: Table, _ name: String) -> ColumnValues? { table.column(named: name)?.values }
        func range(_ name: String) -> Double {
            guard case .numeric(let s)? = values(synthetic, name), case .numeric(let t)? = values(targets, name) else {
                return 0
            }
            let all = s.present + t.present
            let width = (all.max() ?? 0) - (all.min() ?? 0)
            return width > 0 ? width : 1
        }
        func term(_ name: String, _ i: Int, _ j: Int) -> Double {
            guard let t = values(targets, name), let s = values(synthetic, name) else { return .nan }
            if t.isMissing(i) || s.isMissing(j) { return 1 }
            if case .numeric(let tn) = t, case .numeric(let sn) = s {
                return abs(tn.values[i] / range(name) - sn.values[j] / range(name))
            }
            return t.text(at: i) == s.text(at: j) ? 0 : 1
        }
        for i in 0..<targets.rowCount {
            var best = Double.infinity
            var bestRow = -1
            for j in 0..<synthetic.rowCount {
                // anonymeter's order: numerical columns by name, then the others.
                let d = term("x", i, j) + term("y", i, j) + term("c", i, j)
                if d < best {
                    best = d
                    bestRow = j
                }
            }
            #expect(fast[i] == bestRow, "target \(i)")
        }
    }

    @Test("a categorical secret by hand: attack, control, baseline and risk")
    func categoricalByHand() throws {
        // Synthetic rows: (age 20, m) → yes, (age 60, f) → no, (age 40, f) → no.
        let synthetic = Table(columns: [
            Column(name: "age", values: .numeric(NumericValues([20, 60, 40]))),
            Column(name: "sex", values: .categorical(CategoricalValues(["m", "f", "f"]))),
            Column(name: "sick", values: .categorical(CategoricalValues(["yes", "no", "no"]))),
        ])
        // Train: nearest rows 0, 1, 0, 2 → guesses yes, no, yes, no; truths yes, no, no, no → 3 hits.
        let train = Table(columns: [
            Column(name: "age", values: .numeric(NumericValues([21, 58, 30, 45]))),
            Column(name: "sex", values: .categorical(CategoricalValues(["m", "f", "m", "f"]))),
            Column(name: "sick", values: .categorical(CategoricalValues(["yes", "no", "no", "no"]))),
        ])
        // Holdout: nearest rows 0 and 1 → guesses yes, no; truths no, yes → 0 hits.
        let holdout = Table(columns: [
            Column(name: "age", values: .numeric(NumericValues([22, 61]))),
            Column(name: "sex", values: .categorical(CategoricalValues(["m", "f"]))),
            Column(name: "sick", values: .categorical(CategoricalValues(["no", "yes"]))),
        ])
        let schema = TableSchema(types: ["age": .numerical, "sex": .categorical, "sick": .categorical])
        let result = try AttributeInference(auxiliaryColumns: ["age", "sex"], secret: "sick").measure(
            train: train, holdout: holdout, synthetic: synthetic, schema: schema)
        #expect(result.attack.successes == 3 && result.attack.trials == 4)
        #expect(result.control.successes == 0 && result.control.trials == 2)
        // Baseline: p(yes) = ⅓ for the one "yes" truth, p(no) = ⅔ for three → (⅓ + 3·⅔) = 7/3 hits.
        #expect(abs(result.baseline.successes - 7.0 / 3) <= 1e-15)
        #expect(!result.secretIsNumerical)
        let z = 1.959963984540054
        let rate = { (k: Double, n: Double) in (k + z * z / 2) / (n + z * z) }
        #expect(abs(result.attack.rate - rate(3, 4)) <= 1e-12)
        #expect(abs(result.control.rate - rate(0, 2)) <= 1e-12)
        let residual = (rate(3, 4) - rate(0, 2)) / (1 - rate(0, 2))
        #expect(abs(result.unclippedRisk - residual) <= 1e-12)
        #expect(abs(result.risk - residual) <= 1e-12)
        #expect(result.riskInterval.lower <= result.risk && result.risk <= result.riskInterval.upper)
        #expect(result.riskInterval.lower >= 0 && result.riskInterval.upper <= 1)
    }

    @Test("a numerical secret counts a guess within 5% of the guess; missing matches missing")
    func numericalTolerance() {
        #expect(
            AttributeInference.numericalHit(
                guess: 100, guessMissing: false, truth: 105, truthMissing: false, tolerance: 0.05))
        #expect(
            !AttributeInference.numericalHit(
                guess: 100, guessMissing: false, truth: 105.01, truthMissing: false, tolerance: 0.05))
        #expect(
            AttributeInference.numericalHit(
                guess: -100, guessMissing: false, truth: -96, truthMissing: false, tolerance: 0.05))
        #expect(
            !AttributeInference.numericalHit(
                guess: -100, guessMissing: false, truth: 50, truthMissing: false, tolerance: 0.05))
        #expect(
            AttributeInference.numericalHit(guess: 0, guessMissing: true, truth: 1, truthMissing: true, tolerance: 0.05)
        )
        #expect(
            !AttributeInference.numericalHit(
                guess: 0, guessMissing: true, truth: 0, truthMissing: false, tolerance: 0.05))
        #expect(
            AttributeInference.numericalHit(guess: 0, guessMissing: false, truth: 0, truthMissing: false, tolerance: 0))
    }

    @Test("the expected baseline hits of a numerical secret equal the pairwise count", arguments: [31, 32] as [UInt64])
    func numericalBaseline(seed: UInt64) {
        var draws = Draws(state: seed)
        func values(_ count: Int) -> NumericValues {
            NumericValues(
                values: (0..<count).map { _ in Double(draws.next(400) - 200) / 4 },
                isMissing: (0..<count).map { _ in draws.next(10) == 0 })
        }
        let guesses = values(300)
        let truths = values(200)
        for tolerance in [0.0, 0.05, 0.3] {
            var pairs = 0
            for i in truths.values.indices {
                for j in guesses.values.indices
                where AttributeInference.numericalHit(
                    guess: guesses.values[j], guessMissing: guesses.isMissing[j], truth: truths.values[i],
                    truthMissing: truths.isMissing[i], tolerance: tolerance)
                {
                    pairs += 1
                }
            }
            let fast = AttributeInference.expectedNumericalHits(guesses: guesses, truths: truths, tolerance: tolerance)
            #expect(abs(fast - Double(pairs) / 300) <= 1e-12, "tolerance \(tolerance)")
        }
    }

    @Test("a synthetic table that copies train leaks its secrets: risk well above 0")
    func copiedTrainRisk() throws {
        var draws = Draws(state: 9)
        func table(_ rows: Int) -> Table {
            Table(columns: [
                Column(name: "age", values: .numeric(NumericValues((0..<rows).map { _ in draws.uniform() * 80 }))),
                Column(
                    name: "zip", values: .categorical(CategoricalValues((0..<rows).map { _ in "z\(draws.next(20))" }))),
                Column(
                    name: "income",
                    values: .numeric(NumericValues((0..<rows).map { _ in 1000 + draws.uniform() * 9000 }))),
            ])
        }
        let train = table(400)
        let holdout = table(300)
        let schema = TableSchema(types: ["age": .numerical, "zip": .categorical, "income": .numerical])
        let leaky = try AttributeInference(auxiliaryColumns: ["age", "zip"], secret: "income").measure(
            train: train, holdout: holdout, synthetic: train, schema: schema)
        #expect(leaky.secretIsNumerical)
        #expect(leaky.attack.successes == 400)
        #expect(leaky.risk > 0.8 && leaky.riskInterval.lower > 0.7)
        #expect(leaky.baseline.rate < 0.2)
        let independent = try AttributeInference(auxiliaryColumns: ["age", "zip"], secret: "income").measure(
            train: train, holdout: holdout, synthetic: table(400), schema: schema)
        #expect(independent.riskInterval.lower == 0, "risk \(independent.risk)")
    }

    @Test("attribute inference rejects unusable input")
    func attributeBadInput() {
        let t = Self.table([1, 2], ["a", "b"])
        let empty = Self.table([], [])
        for attack in [
            AttributeInference(auxiliaryColumns: [], secret: "c"),
            AttributeInference(auxiliaryColumns: ["x", "c"], secret: "c"),
            AttributeInference(auxiliaryColumns: ["x", "x"], secret: "c"),
            AttributeInference(auxiliaryColumns: ["x"], secret: "nope"),
            AttributeInference(auxiliaryColumns: ["x"], secret: "c", tolerance: 1),
            AttributeInference(auxiliaryColumns: ["x"], secret: "c", tolerance: -0.1),
            AttributeInference(auxiliaryColumns: ["x"], secret: "c", confidenceLevel: 0),
        ] {
            #expect(throws: DisclosureInputError.self) {
                try attack.measure(train: t, holdout: t, synthetic: t, schema: Self.schema)
            }
        }
        #expect(throws: DisclosureInputError.self) {
            try AttributeInference(auxiliaryColumns: ["x"], secret: "c").measure(
                train: t, holdout: empty, synthetic: t, schema: Self.schema)
        }
    }

    // MARK: reference fixtures

    /// No reference numbers exist for these attacks (metrics.json carries none); the fixtures check
    /// that the attacks run on real shapes and give coherent, reproducible numbers.
    @Test(arguments: DisclosureFixture.names)
    func fixtures(_ name: String) throws {
        let fixture = try DisclosureFixture(name: name)
        let mia = try MembershipInference().measure(
            train: fixture.train, holdout: fixture.holdout, synthetic: fixture.synthetic, schema: fixture.schema)
        #expect(mia.memberCount == fixture.train.rowCount && mia.nonMemberCount == fixture.holdout.rowCount)
        #expect(mia.balancedRecordCount == 2 * min(fixture.train.rowCount, fixture.holdout.rowCount))
        #expect(mia.aucInterval.lower <= mia.auc && mia.auc <= mia.aucInterval.upper)
        #expect(mia.accuracyInterval.lower <= mia.accuracy && mia.accuracy <= mia.accuracyInterval.upper)
        // A Gaussian copula does not copy rows: the attack should be weak.
        #expect(mia.auc > 0.4 && mia.auc < 0.65, "\(name): AUC \(mia.auc)")
        let expected = try #require(fixture.value("k_anonymity"))
        let qi = try #require(expected["quasi_identifiers"]?.arrayValue).compactMap(\.stringValue)
        let secret = try #require(expected["sensitive"]?.stringValue)
        let inference = try AttributeInference(auxiliaryColumns: qi, secret: secret).measure(
            train: fixture.train, holdout: fixture.holdout, synthetic: fixture.synthetic, schema: fixture.schema)
        #expect(inference.attack.trials == fixture.train.rowCount)
        #expect(inference.control.trials == fixture.holdout.rowCount)
        #expect(inference.riskInterval.lower <= inference.risk && inference.risk <= inference.riskInterval.upper)
        #expect(inference.risk < 0.2, "\(name): risk \(inference.risk)")
    }

    /// anonymeter 1.1.0 itself on the reference fixtures, every train record attacked and every holdout
    /// record a control: its `mixed_types_transform` and numba `gower_distance` for the distances
    /// (first minimum on ties, i.e. np.argmin), `evaluate_inference_guesses` for the hits, and
    /// `EvaluationResults(n_attacks=(n_train, n_train, n_holdout), …).risk()` for the risk; the baseline
    /// is the mean over train targets of `evaluate_inference_guesses` against every synthetic secret.
    /// CSV columns read as float for numerical sdtypes and as str otherwise.
    @Test(
        arguments: [
            (
                "gbsg2", ["age", "menostat"], "cens", 239, 101, 246.40416666666718, 0.014649181793299318,
                0.17198361050658428
            ),
            ("gbsg2", ["age", "menostat", "tgrade"], "tsize", 38, 16, 31.60208333333328, 0, 0.045363555274078204),
            (
                "actg175", ["age", "gender", "race"], "cens", 926, 378, 947.5564462257938, 0.0728853467704557,
                0.17712342834146472
            ),
            ("actg175", ["age", "wtkg", "gender"], "cd40", 104, 48, 121.01937207748848, 0, 0.019054622143337037),
        ] as [(String, [String], String, Int, Int, Double, Double, Double)])
    func agreesWithAnonymeter(
        name: String, auxiliary: [String], secret: String, attack: Int, control: Int, baseline: Double, risk: Double,
        upper: Double
    ) throws {
        let fixture = try DisclosureFixture(name: name)
        let result = try AttributeInference(auxiliaryColumns: auxiliary, secret: secret).measure(
            train: fixture.train, holdout: fixture.holdout, synthetic: fixture.synthetic, schema: fixture.schema)
        #expect(result.attack.successes == Double(attack))
        #expect(result.control.successes == Double(control))
        #expect(abs(result.baseline.successes - baseline) <= 1e-9)
        #expect(abs(result.risk - risk) <= 1e-12)
        #expect(result.riskInterval.lower == 0)
        #expect(abs(result.riskInterval.upper - upper) <= 1e-12)
    }

    /// The AUC and its DeLong interval from an independent numpy/scipy implementation (per-column SDMetrics
    /// DCR terms of every train and holdout record to the synthetic table, `scipy.stats.rankdata`
    /// midranks for the placements, `norm.ppf(0.975)`).
    @Test(
        arguments: [
            (
                "gbsg2", 0.4657766990291262, 0.41884253754219336, 0.5127108605160591, 0.04311596450043443,
                0.03965886761933182
            ),
            (
                "actg175", 0.4884337730497339, 0.4621672758346953, 0.5147002702647725, 0.05215142664717968,
                0.05154581336791308
            ),
        ] as [(String, Double, Double, Double, Double, Double)])
    func membershipAgreesWithNumpy(
        name: String, auc: Double, lower: Double, upper: Double, medianMember: Double, medianNonMember: Double
    ) throws {
        let fixture = try DisclosureFixture(name: name)
        let result = try MembershipInference().measure(
            train: fixture.train, holdout: fixture.holdout, synthetic: fixture.synthetic, schema: fixture.schema)
        for (ours, theirs) in [
            (result.auc, auc), (result.aucInterval.lower, lower), (result.aucInterval.upper, upper),
            (result.medianMemberDistance, medianMember), (result.medianNonMemberDistance, medianNonMember),
        ] {
            #expect(abs(ours - theirs) <= 1e-12, "\(name): \(ours) vs \(theirs)")
        }
    }
}
