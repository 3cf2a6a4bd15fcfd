import CharterCore
import CharterStats
import Foundation
import Testing

@testable import CharterEngine

/// A gate check under each decision rule: the estimate, the interval's conservative end, or failing
/// only when the whole interval misses, for minimum and maximum bounds.
@Suite("gate decision rules")
struct GateRuleTests {
    static func interval(_ estimate: Double, _ lower: Double, _ upper: Double) -> Uncertainty {
        Uncertainty(estimate: estimate, lower: lower, upper: upper, level: 0.95, method: "test")
    }

    static func check(
        _ rule: GateCheck.Rule, _ u: Uncertainty?, threshold: Double, bound: GateCheck.Bound = .minimum
    ) -> GateCheck {
        GateCheck(
            gate: .utility, check: "tstr.ratio_min", measured: u?.estimate ?? 0.93, threshold: threshold,
            bound: bound, rule: rule, uncertainty: u)
    }

    @Test func minimumBound() {
        // Estimate above, interval straddling the threshold.
        let straddle = Self.interval(0.93, 0.85, 1.01)
        #expect(Self.check(.estimate, straddle, threshold: 0.9).passed)
        #expect(!Self.check(.lowerBound, straddle, threshold: 0.9).passed)
        #expect(Self.check(.notWorse, straddle, threshold: 0.9).passed)
        // Estimate below, interval straddling: only not-worse passes.
        let below = Self.interval(0.88, 0.80, 0.96)
        #expect(!Self.check(.estimate, below, threshold: 0.9).passed)
        #expect(!Self.check(.lowerBound, below, threshold: 0.9).passed)
        #expect(Self.check(.notWorse, below, threshold: 0.9).passed)
        // The whole interval below: every rule fails.
        let clearlyBelow = Self.interval(0.7, 0.6, 0.8)
        for rule in GateCheck.Rule.allCases { #expect(!Self.check(rule, clearlyBelow, threshold: 0.9).passed) }
        let failed = Self.check(.notWorse, clearlyBelow, threshold: 0.9)
        #expect(abs((failed.shortfall ?? 0) - 0.1) < 1e-12)
        #expect(failed.summary == "tstr.ratio_min: upper end 0.8 of [0.6, 0.8] 95% around 0.7 < 0.9 (short by 0.1)")
    }

    @Test func maximumBound() {
        // A privacy measure: accuracy ≤ 0.55; the conservative end is the upper end.
        let straddle = Self.interval(0.53, 0.49, 0.57)
        #expect(Self.check(.estimate, straddle, threshold: 0.55, bound: .maximum).passed)
        let conservative = Self.check(.lowerBound, straddle, threshold: 0.55, bound: .maximum)
        #expect(!conservative.passed)
        #expect(abs((conservative.shortfall ?? 0) - 0.02) < 1e-12)
        #expect(conservative.summary.hasPrefix("tstr.ratio_min: upper end 0.57 of [0.49, 0.57] 95% around 0.53 >"))
        #expect(Self.check(.notWorse, Self.interval(0.58, 0.54, 0.62), threshold: 0.55, bound: .maximum).passed)
        #expect(!Self.check(.notWorse, Self.interval(0.6, 0.56, 0.64), threshold: 0.55, bound: .maximum).passed)
    }

    @Test func withoutAnIntervalTheRuleDecidesOnTheEstimateAndSaysSo() {
        let k = GateCheck(
            gate: .privacy, check: "k_anonymity.k_min", measured: 12, threshold: 10, bound: .minimum, rule: .lowerBound)
        #expect(k.passed)
        #expect(k.note?.contains("no interval, so 'lower-bound' decided on the estimate") == true)
        let missing = Self.check(.notWorse, nil, threshold: 0.9)
        #expect(missing.passed == (0.93 >= 0.9))
        let absent = GateCheck(
            gate: .utility, check: "tstr.ratio_min", measured: nil, threshold: 0.9, bound: .minimum, rule: .notWorse,
            uncertainty: Self.interval(0.9, 0.8, 1))
        #expect(!absent.passed)
    }

    @Test func encodesRuleAndIntervalAndReadsOldChecks() throws {
        let check = Self.check(.lowerBound, Self.interval(0.93, 0.91, 0.95), threshold: 0.9)
        let data = try JSONEncoder().encode(check)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"rule\":\"lower-bound\""))
        #expect(text.contains("\"method\":\"test\""))
        #expect(try JSONDecoder().decode(GateCheck.self, from: data) == check)
        let old = #"{"gate":"utility","check":"tstr.ratio_min","measured":0.95,"threshold":0.9,"bound":"min","passed":true}"#
        let decoded = try JSONDecoder().decode(GateCheck.self, from: Data(old.utf8))
        #expect(decoded.rule == .estimate && decoded.uncertainty == nil && decoded.passed)
    }
}

/// The fidelity bootstrap's interval is centred on the estimate even when every replicate is
/// shifted (resampling with replacement duplicates rows and lowers the scores together).
@Suite("fidelity bootstrap interval")
struct FidelityBootstrapIntervalTests {
    @Test func fidelityBootstrapIntervalIsCentredOnTheEstimate() throws {
        // Replicates all about 0.012 below the estimate, spread 0.004: a percentile interval
        // would be [0.934, 0.942] and miss 0.95.
        let offsets: [Double] = [-0.004, -0.002, 0, 0.002, 0.004]
        let replicates: [Double] = (0..<100).map { (i: Int) -> Double in 0.938 + offsets[i % 5] }
        let found: (lower: Double, upper: Double)? = GateDraws.centredBounds(0.95, replicates, level: 0.95)
        let bounds = try #require(found)
        #expect(bounds.lower < 0.95 && 0.95 < bounds.upper)
        #expect(abs((0.95 - bounds.lower) - (bounds.upper - 0.95)) < 1e-12)
        let mean: Double = replicates.reduce(0, +) / 100
        let squares: Double = replicates.map { ($0 - mean) * ($0 - mean) }.reduce(0, +)
        let sd = (squares / 99).squareRoot()
        #expect(abs((bounds.upper - bounds.lower) - 2 * StudentT.quantile(0.975, degreesOfFreedom: 99) * sd) < 1e-12)
    }

    @Test func boundsStayWithinTheScoreRangeAndNeedTwoReplicates() throws {
        let wide = try #require(GateDraws.centredBounds(0.99, [0.5, 0.9, 1.0], level: 0.95))
        #expect(wide.upper == 1 && wide.lower >= 0)
        #expect(GateDraws.centredBounds(0.9, [0.9], level: 0.95) == nil)
    }

    /// Rubin's within variance reads each draw's interval; one clipped at 0 (a fairness gap of 0.02
    /// ± 0.1) keeps its unclipped side, where half its width would be about 0.06 and understate it.
    @Test func aClippedIntervalImpliesItsUnclippedHalfWidth() {
        let z = Uncertainty.z(level: 0.95)
        let clipped = Uncertainty(estimate: 0.02, lower: 0, upper: 0.12, level: 0.95, method: "gap")
        #expect(abs(GateDraws.impliedVariance(clipped, z: z) - (0.1 / z) * (0.1 / z)) < 1e-15)
        let atOne = Uncertainty(estimate: 0.97, lower: 0.87, upper: 1, level: 0.95, method: "score")
        #expect(abs(GateDraws.impliedVariance(atOne, z: z) - (0.1 / z) * (0.1 / z)) < 1e-15)
        // A log-scale ratio interval, asymmetric and not clipped: half its width, as before.
        let ratio = Uncertainty(estimate: 0.95, lower: 0.85, upper: 1.07, level: 0.95, method: "ratio")
        #expect(abs(GateDraws.impliedVariance(ratio, z: z) - (0.11 / z) * (0.11 / z)) < 1e-15)
    }
}
