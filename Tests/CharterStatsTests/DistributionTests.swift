import CharterCore
import CharterTestSupport
import Foundation
import Testing

@testable import CharterStats

/// Values scipy 1.17.1 gives (`Fixtures/scipy-vectors.json`, generated once with the script in its
/// `generator` field), covering every branch of the KS distributions and both KS modes.
enum ScipyVectors {
    static let value: JSONValue = {
        let url = Fixtures.url("Tests/CharterStatsTests/Fixtures/scipy-vectors.json")
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? "{}"
        return (try? JSONParser().parse(text)) ?? .null
    }()

    static func rows(_ key: String) -> [[Double]] {
        (value[key]?.arrayValue ?? []).map { ($0.arrayValue ?? []).compactMap(\.doubleValue) }
    }
}

func relativeError(_ a: Double, _ e: Double) -> Double {
    e == 0 ? abs(a) : abs(a - e) / abs(e)
}

@Suite struct DistributionTests {
    @Test func kolmogorovTwoSidedMatchesScipy() {
        let sf = ScipyVectors.rows("kstwo_sf")
        let cdf = ScipyVectors.rows("kstwo_cdf")
        #expect(sf.count > 20)
        for row in sf {
            let value = Kolmogorov.twoSided(Int(row[0]), row[1], cdf: false)
            #expect(
                relativeError(value, row[2]) <= 1e-9 || abs(value - row[2]) <= 1e-15,
                "sf n=\(row[0]) x=\(row[1]): \(value) vs \(row[2])")
        }
        for row in cdf {
            let value = Kolmogorov.twoSided(Int(row[0]), row[1], cdf: true)
            #expect(
                relativeError(value, row[2]) <= 1e-9 || abs(value - row[2]) <= 1e-15,
                "cdf n=\(row[0]) x=\(row[1]): \(value) vs \(row[2])")
        }
    }

    @Test func smirnovMatchesScipy() {
        for row in ScipyVectors.rows("smirnov") {
            #expect(relativeError(Kolmogorov.smirnov(Int(row[0]), row[1]), row[2]) <= 1e-10, "\(row)")
        }
    }

    @Test func twoSampleKSMatchesScipy() throws {
        let cases = try #require(ScipyVectors.value["ks_2samp"]?.arrayValue)
        #expect(cases.count >= 8)
        for item in cases {
            let x = try #require(item["x"]?.arrayValue).compactMap(\.doubleValue)
            let y = try #require(item["y"]?.arrayValue).compactMap(\.doubleValue)
            let method = try #require(KolmogorovSmirnovTest.Method(rawValue: item["method"]?.stringValue ?? ""))
            let test = try KolmogorovSmirnovTest(x, y, method: method)
            let label = "n=\(x.count),\(y.count) \(method)"
            #expect(abs(test.statistic - (item["statistic"]?.doubleValue ?? .nan)) <= 1e-12, "\(label)")
            #expect(relativeError(test.pValue, item["pvalue"]?.doubleValue ?? .nan) <= 1e-8, "\(label): \(test.pValue)")
            #expect(test.statisticLocation == item["location"]?.doubleValue, "\(label)")
            #expect(.integer(test.statisticSign) == item["sign"], "\(label)")
        }
    }

    @Test func ksRejectsEmptyAndNonFinite() {
        #expect(throws: KolmogorovSmirnovTest.Failure.emptySample) { try KolmogorovSmirnovTest([], [1]) }
        #expect(throws: KolmogorovSmirnovTest.Failure.nonFiniteValue) { try KolmogorovSmirnovTest([.nan], [1]) }
    }

    @Test func normalMatchesScipy() throws {
        let rows = try #require(ScipyVectors.value["norm"]?.arrayValue)
        for row in rows {
            let kind = row.arrayValue?[0].stringValue
            let x = try #require(row.arrayValue?[1].doubleValue)
            let expected = try #require(row.arrayValue?[2].doubleValue)
            let value = kind == "ppf" ? Normal.quantile(x) : Normal.cdf(x)
            #expect(
                relativeError(value, expected) <= 4e-16 || abs(value - expected) <= 1e-300,
                "\(kind ?? "") \(x): \(value) vs \(expected)")
        }
        #expect(Normal.quantile(0) == -.infinity && Normal.quantile(1) == .infinity)
        #expect(Normal.quantile(1.5).isNaN)
    }

    /// scipy 1.17 `t.ppf(p, ν)` to ten digits (the textbook table values); the expansion's stated
    /// error bounds, and exact ν = 1, 2 and ∞.
    @Test func studentTQuantileMatchesScipy() {
        let rows: [(p: Double, nu: Double, value: Double, tolerance: Double)] = [
            (0.975, 3, 3.182446305, 4e-3), (0.975, 5, 2.570581836, 3e-4), (0.975, 8, 2.306004135, 1e-4),
            (0.975, 15, 2.131449546, 1e-5), (0.975, 30, 2.042272456, 1e-6), (0.95, 7, 1.894578605, 1e-4),
            (0.995, 10, 3.169272673, 1e-4), (0.025, 15, -2.131449546, 1e-5), (0.975, 1, 12.70620474, 1e-8),
            (0.975, 2, 4.302652730, 1e-8), (0.5, 12, 0, 1e-15),
        ]
        for row in rows {
            let value = StudentT.quantile(row.p, degreesOfFreedom: row.nu)
            #expect(abs(value - row.value) <= row.tolerance, "t(\(row.p), \(row.nu)) = \(value), want \(row.value)")
        }
        #expect(StudentT.quantile(0.975, degreesOfFreedom: .infinity) == Normal.quantile(0.975))
        #expect(StudentT.quantile(0, degreesOfFreedom: 5).isNaN && StudentT.quantile(0.5, degreesOfFreedom: 0).isNaN)
    }

    /// Satterthwaite's degrees of freedom: one estimated component gives its own t, two equal ones
    /// twice the degrees of freedom, a known component pulls towards z, and nothing estimated is z.
    @Test func satterthwaiteCriticalValue() {
        let z = Normal.quantile(0.975)
        #expect(StudentT.critical(level: 0.95, components: [(1, .infinity)]) == z)
        #expect(StudentT.critical(level: 0.95, components: []) == z)
        #expect(StudentT.critical(level: 0.95, components: [(0, 5), (2, .infinity)]) == z)
        #expect(StudentT.critical(level: 0.95, components: [(1, 10)]) == StudentT.quantile(0.975, degreesOfFreedom: 10))
        #expect(
            StudentT.critical(level: 0.95, components: [(1, 10), (1, 10)])
                == StudentT.quantile(0.975, degreesOfFreedom: 20))
        // Rubin's ν = (D − 1)(1 + Ū/((1 + 1/D)B))² with Ū = 3, (1 + 1/D)B = 1, D = 3: 2 · 16 = 32.
        #expect(
            abs(
                StudentT.critical(level: 0.95, components: [(3, .infinity), (1, 2)])
                    - StudentT.quantile(0.975, degreesOfFreedom: 32)) < 1e-12)
    }

    @Test func chiSquaredMatchesScipy() {
        for row in ScipyVectors.rows("chi2_sf") {
            let value = ChiSquared.sf(row[0], degreesOfFreedom: row[1])
            #expect(relativeError(value, row[2]) <= 1e-10, "\(row): \(value)")
        }
    }

    @Test func contingencyEdgeCases() throws {
        #expect(throws: ChiSquaredContingencyTest.Failure.zeroExpectedCount) {
            try ChiSquaredContingencyTest([[1, 0], [2, 0]])
        }
        #expect(throws: ChiSquaredContingencyTest.Failure.malformedTable) { try ChiSquaredContingencyTest([]) }
        let single = try ChiSquaredContingencyTest([[3], [4]])
        #expect(single.degreesOfFreedom == 0 && single.statistic == 0 && single.pValue == 1)
        #expect(ChiSquaredContingencyTest.cramersV([[5, 5]]) == nil)
        // Perfect association: V = 1.
        let v = try #require(ChiSquaredContingencyTest.cramersV([[10, 0], [0, 10]]))
        #expect(abs(v - 1) < 1e-12)
    }
}
