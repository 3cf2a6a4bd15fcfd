import CharterCore
import CharterTestSupport
import Foundation
import Testing

@testable import CharterStats

/// DeLong and Wilson intervals against `scripts/delong-reference.py` (numpy's O(mn) placements,
/// scipy's Wilson), and the ratio interval's coverage in a seeded simulation with known truth.
@Suite struct UncertaintyTests {
    static let reference: JSONValue = {
        let url = Fixtures.url("Tests/CharterStatsTests/Fixtures/delong/reference.json")
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? "{}"
        return (try? JSONParser().parse(text)) ?? .null
    }()

    @Test(arguments: ["gbsg2-holdout", "seeded-imbalanced-ties"])
    func deLongMatchesTheDefinition(_ name: String) throws {
        let cases = Self.reference["cases"]?.arrayValue ?? []
        let c = try #require(cases.first { $0["name"]?.stringValue == name })
        let labels = (c["labels"]?.arrayValue ?? []).compactMap { if case .bool(let b) = $0 { b } else { nil } }
        let scores = (c["scores"]?.arrayValue ?? []).map { ($0.arrayValue ?? []).compactMap(\.doubleValue) }
        let result = try #require(DeLong(scores: scores, labels: labels))
        let aucs = (c["aucs"]?.arrayValue ?? []).compactMap(\.doubleValue)
        #expect(aucs.count == scores.count && aucs.count >= 2)
        for (k, expected) in aucs.enumerated() {
            #expect(abs(result.aucs[k] - expected) <= 1e-12, "AUC \(k): \(result.aucs[k]) vs \(expected)")
        }
        let covariance = (c["covariance"]?.arrayValue ?? []).map { ($0.arrayValue ?? []).compactMap(\.doubleValue) }
        for a in covariance.indices {
            for b in covariance[a].indices {
                let e = covariance[a][b]
                #expect(abs(result.covariance[a][b] - e) <= 1e-12 + 1e-9 * abs(e), "cov[\(a)][\(b)]")
            }
        }
        let auc0 = (c["auc0_interval_95"]?.arrayValue ?? []).compactMap(\.doubleValue)
        let interval = result.interval(0, level: 0.95)
        #expect(abs(interval.lower - auc0[0]) <= 1e-9 && abs(interval.upper - auc0[1]) <= 1e-9)
        for (key, level) in [("ratio_1_over_0_interval_90", 0.90), ("ratio_1_over_0_interval_95", 0.95)] {
            let expected = (c[key]?.arrayValue ?? []).compactMap(\.doubleValue)
            let ratio = try #require(result.ratioInterval(numerator: 1, denominator: 0, level: level))
            #expect(abs(ratio.lower - expected[0]) <= 1e-9, "\(key) lower \(ratio.lower) vs \(expected[0])")
            #expect(abs(ratio.upper - expected[1]) <= 1e-9, "\(key) upper \(ratio.upper) vs \(expected[1])")
            #expect(ratio.lower < ratio.estimate && ratio.estimate < ratio.upper)
        }
    }

    @Test func wilsonMatchesScipy() {
        let rows = Self.reference["wilson"]?.arrayValue ?? []
        #expect(rows.count == 10)
        for row in rows {
            let k = row["successes"]?.doubleValue ?? -1
            let n = Int(row["trials"]?.doubleValue ?? 0)
            let level = row["level"]?.doubleValue ?? 0
            let w = Uncertainty.wilson(successes: k, trials: n, level: level)
            let lower = row["lower"]?.doubleValue ?? .nan
            let upper = row["upper"]?.doubleValue ?? .nan
            #expect(abs(w.lower - lower) <= 1e-12, "\(k)/\(n) at \(level): lower \(w.lower) vs \(lower)")
            #expect(abs(w.upper - upper) <= 1e-12, "\(k)/\(n) at \(level): upper \(w.upper) vs \(upper)")
        }
    }

    @Test func noIntervalWithoutBothClasses() {
        #expect(DeLong(scores: [[0.1, 0.2]], labels: [true, true]) == nil)
    }

    /// Binormal scorers with known AUCs, Φ(μ/√2), correlated through shared noise: the paired
    /// ratio interval must cover the true ratio at its level. 2,000 replications with seed
    /// 20261203; the binomial standard error of a 95% coverage is 0.0049, so the bound allows
    /// about three of them either side.
    @Test func ratioIntervalCoversTheTruth() {
        var random = SplitMix64(seed: 20_261_203)
        func normal() -> Double {
            let u = (Double(random.next() >> 11) + 0.5) / 9_007_199_254_740_992
            let v = Double(random.next() >> 11) / 9_007_199_254_740_992
            return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
        }
        let (mu0, mu1, rho) = (1.2, 0.9, 0.6)
        let truth = Normal.cdf(mu1 / 2.0.squareRoot()) / Normal.cdf(mu0 / 2.0.squareRoot())
        let labels = (0..<150).map { $0 < 40 }
        var covered95 = 0
        var covered80 = 0
        let replications = 2_000
        for _ in 0..<replications {
            var s0: [Double] = []
            var s1: [Double] = []
            for label in labels {
                let e0 = normal()
                s0.append((label ? mu0 : 0) + e0)
                s1.append((label ? mu1 : 0) + rho * e0 + (1 - rho * rho).squareRoot() * normal())
            }
            guard let d = DeLong(scores: [s0, s1], labels: labels) else { continue }
            if d.ratioInterval(numerator: 1, denominator: 0, level: 0.95)?.covers(truth) == true { covered95 += 1 }
            if d.ratioInterval(numerator: 1, denominator: 0, level: 0.80)?.covers(truth) == true { covered80 += 1 }
        }
        let c95 = Double(covered95) / Double(replications)
        let c80 = Double(covered80) / Double(replications)
        #expect(abs(c95 - 0.95) <= 0.015, "95% interval covered \(c95)")
        #expect(abs(c80 - 0.80) <= 0.027, "80% interval covered \(c80)")
    }
}
