import CharterAccounting
import CharterPrivacyTestSupport
import Foundation
import Testing

@testable import CharterPrivacy

/// Black-box auditing (DP notes §5): run a mechanism on neighbouring inputs many times and bound ε
/// from below with one-sided confidence bounds on event probabilities. An audit can only expose a
/// violation: ours must stay under its claim, and deliberately broken mechanisms must be flagged.
@Suite("empirical audit")
struct AuditTests {
    static let runs = 100_000

    /// The largest p with n·KL(p̂ ‖ p) ≤ ln(1/α) (upper) or the smallest (lower): the Chernoff–Hoeffding
    /// confidence bound, valid at level α without approximation.
    static func chernoffBound(successes: Int, trials: Int, alpha: Double, upper: Bool) -> Double {
        let observed = Double(successes) / Double(trials)
        let budget = log(1 / alpha) / Double(trials)
        func kl(_ p: Double) -> Double {
            var value = 0.0
            if observed > 0 { value += observed * log(observed / p) }
            if observed < 1 { value += (1 - observed) * log((1 - observed) / (1 - p)) }
            return value
        }
        var low = upper ? observed : 0
        var high = upper ? 1 : observed
        for _ in 0..<200 {
            let middle = (low + high) / 2
            let inside = kl(middle) <= budget
            if upper {
                if inside { low = middle } else { high = middle }
            } else {
                if inside { high = middle } else { low = middle }
            }
        }
        return upper ? low : high
    }

    /// ε_LB = max over threshold events S of ln((P₁(S)_low − δ)/P₀(S)_high), both directions, with a
    /// Bonferroni split of α = 1e−6 over all events.
    static func epsilonLowerBound(_ first: [Int64], _ second: [Int64], delta: Double = 0) -> Double {
        let range: ClosedRange<Int64> = -30...30
        let alpha = 1e-6 / Double(4 * range.count)
        // How many samples are ≥ t and ≤ t, for every threshold t, from one pass over each sample.
        func tails(_ samples: [Int64]) -> (atLeast: [Int], atMost: [Int]) {
            var histogram = [Int](repeating: 0, count: range.count + 2)  // below, range…, above
            for sample in samples {
                let slot =
                    sample < range.lowerBound
                    ? 0 : sample > range.upperBound ? range.count + 1 : Int(sample - range.lowerBound) + 1
                histogram[slot] += 1
            }
            var atMost = [Int](repeating: 0, count: range.count)
            var atLeast = [Int](repeating: 0, count: range.count)
            var running = histogram[0]
            for index in 0..<range.count {
                running += histogram[index + 1]
                atMost[index] = running
            }
            running = histogram[range.count + 1]
            for index in stride(from: range.count - 1, through: 0, by: -1) {
                running += histogram[index + 1]
                atLeast[index] = running
            }
            return (atLeast, atMost)
        }
        var best = 0.0
        for (a, b) in [(first, second), (second, first)] {
            let (tailsA, tailsB) = (tails(a), tails(b))
            for index in 0..<range.count {
                for (inA, inB) in [
                    (tailsA.atLeast[index], tailsB.atLeast[index]), (tailsA.atMost[index], tailsB.atMost[index]),
                ] {
                    let low = chernoffBound(successes: inB, trials: b.count, alpha: alpha, upper: false) - delta
                    let high = chernoffBound(successes: inA, trials: a.count, alpha: alpha, upper: true)
                    if low > 0 && high > 0 { best = max(best, log(low / high)) }
                }
            }
        }
        return best
    }

    @Test("a Laplace count with ε = 1 audits below 1, and close to it; scale/10 is flagged")
    func laplace() throws {
        let mechanism = try NoisyCount(budget: .laplace(epsilon: 1))
        var random = SeededTestRandomness(seed: 11)
        let onZero = (0..<Self.runs).map { _ in mechanism.releaseWithAnySource(count: 0, using: &random).value }
        let onOne = (0..<Self.runs).map { _ in mechanism.releaseWithAnySource(count: 1, using: &random).value }
        let bound = Self.epsilonLowerBound(onZero, onOne)
        #expect(bound <= 1 && bound > 0.85, "ε_LB = \(bound)")

        // Positive control: a count whose noise is ten times too small for the ε = 1 it claims.
        let broken = DiscreteLaplace(scaleNumerator: 1, scaleDenominator: 10)
        let brokenZero = (0..<Self.runs).map { _ in broken.sample(using: &random) }
        let brokenOne = (0..<Self.runs).map { _ in 1 + broken.sample(using: &random) }
        #expect(Self.epsilonLowerBound(brokenZero, brokenOne) > 1, "σ/10 must be flagged")
    }

    @Test("a Gaussian count with ρ = 0.5 audits below its (ε, δ) = (4.73, 1e-5); σ/10 is flagged")
    func gaussian() throws {
        let delta = 1e-5
        let claimed = ZeroConcentratedDP.epsilon(rho: 0.5, delta: delta).epsilon
        let mechanism = try NoisyCount(budget: .gaussian(rho: 0.5))
        var random = SeededTestRandomness(seed: 12)
        let onZero = (0..<Self.runs).map { _ in mechanism.releaseWithAnySource(count: 0, using: &random).value }
        let onOne = (0..<Self.runs).map { _ in mechanism.releaseWithAnySource(count: 1, using: &random).value }
        let bound = Self.epsilonLowerBound(onZero, onOne, delta: delta)
        #expect(bound <= claimed, "ε_LB = \(bound) > \(claimed)")

        let broken = DiscreteGaussian(variance: ExactRational(1, 100))
        let brokenZero = (0..<Self.runs).map { _ in broken.sample(using: &random) }
        let brokenOne = (0..<Self.runs).map { _ in 1 + broken.sample(using: &random) }
        #expect(Self.epsilonLowerBound(brokenZero, brokenOne, delta: delta) > claimed, "σ/10 must be flagged")
    }
}
