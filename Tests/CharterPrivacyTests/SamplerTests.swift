import CharterPrivacyTestSupport
import Foundation
import Testing

@testable import CharterPrivacy

/// The exact samplers against their exact pmfs. A seeded generator makes every run identical, so
/// these cannot flake; the 0.1% critical value of χ² is the threshold, and a deliberately wrong pmf
/// must be rejected by the same test.
@Suite("exact samplers")
struct SamplerTests {
    static let sampleCount = 60_000

    @Test("uniform(below:) is unbiased over a bound that does not divide 2^64", arguments: [3, 7, 10, 1000])
    func uniform(bound: Int) {
        var random = SeededTestRandomness(seed: UInt64(bound))
        let samples = (0..<Self.sampleCount).map { _ in Int64(random.uniform(below: UInt64(bound))) }
        #expect(samples.allSatisfy { $0 >= 0 && $0 < bound })
        let fit = ChiSquareFit(samples: samples, pmf: { _ in 1 / Double(bound) }, support: 0...Int64(bound - 1))
        #expect(fit.passes, "χ² = \(fit.statistic) > \(fit.criticalValue)")
    }

    @Test("128-bit uniform stays below its bound and is balanced across halves")
    func uniform128() {
        var random = SeededTestRandomness(seed: 128)
        let bound = UInt128(3) << 100
        var low = 0
        for _ in 0..<20_000 {
            let value = random.uniform(below: bound)
            #expect(value < bound)
            if value < bound / 2 { low += 1 }
        }
        #expect(abs(low - 10_000) < 500)
    }

    @Test(
        "Bernoulli(exp(−γ)) matches exp(−γ) for rational γ",
        arguments: [(1, 3), (1, 1), (5, 2), (7, 3), (9, 2)] as [(UInt128, UInt128)])
    func bernoulliExp(numerator: UInt128, denominator: UInt128) {
        var random = SeededTestRandomness(seed: UInt64(numerator * 31 + denominator))
        let p = exp(-Double(numerator) / Double(denominator))
        let samples = (0..<Self.sampleCount).map { _ in
            BernoulliExp.sample(numerator, over: denominator, using: &random) ? Int64(1) : 0
        }
        let fit = ChiSquareFit(samples: samples, pmf: { $0 == 1 ? p : 1 - p }, support: 0...1)
        #expect(fit.passes, "γ = \(numerator)/\(denominator): χ² = \(fit.statistic)")
    }

    @Test("Bernoulli(exp(−0)) is always 1; Bernoulli(exp(−γ)) for γ beyond 2^128 is 0")
    func bernoulliExpEdges() {
        var random = SeededTestRandomness(seed: 5)
        #expect((0..<1000).allSatisfy { _ in BernoulliExp.sample(0, over: 1, using: &random) })
        #expect(
            (0..<1000).allSatisfy { _ in !BernoulliExp.sample(integerPart: nil, fraction: 0, over: 1, using: &random) })
        #expect((0..<1000).allSatisfy { _ in !BernoulliExp.sample(UInt128(1) << 100, over: 1, using: &random) })
    }

    static func laplacePMF(scale: Double) -> (Int64) -> Double {
        let r = exp(-1 / scale)
        return { y in (1 - r) / (1 + r) * pow(r, Double(y.magnitude)) }
    }

    @Test(
        "discrete Laplace matches its pmf (1−e^{−1/b})/(1+e^{−1/b})·e^{−|y|/b}",
        arguments: [(1, 1), (3, 1), (7, 2), (1, 3), (25, 1)] as [(UInt64, UInt64)])
    func discreteLaplace(t: UInt64, s: UInt64) {
        var random = SeededTestRandomness(seed: t * 1000 + s)
        let sampler = DiscreteLaplace(scaleNumerator: t, scaleDenominator: s)
        let samples = (0..<Self.sampleCount).map { _ in sampler.sample(using: &random) }
        let scale = Double(t) / Double(s)
        let fit = ChiSquareFit(samples: samples, pmf: Self.laplacePMF(scale: scale), support: -400...400)
        #expect(fit.passes, "scale \(t)/\(s): χ² = \(fit.statistic) > \(fit.criticalValue)")
        // Positive control: the same test rejects a pmf whose scale is 10% off.
        let wrong = ChiSquareFit(samples: samples, pmf: Self.laplacePMF(scale: scale * 1.1), support: -400...400)
        #expect(!wrong.passes, "a 10% scale error must be detected at scale \(scale)")
    }

    static func gaussianPMF(variance: Double) -> (Int64) -> Double {
        let limit = Int64((variance.squareRoot() * 40).rounded(.up)) + 1
        var normaliser = 0.0
        for y in -limit...limit { normaliser += exp(-Double(y * y) / (2 * variance)) }
        return { y in exp(-Double(y) * Double(y) / (2 * variance)) / normaliser }
    }

    @Test(
        "discrete Gaussian matches its pmf e^{−y²/(2σ²)}/Σ",
        arguments: [(1, 4), (1, 1), (9, 4), (10, 1), (400, 1), (100_000_007, 1_000_000)] as [(UInt64, UInt64)])
    func discreteGaussian(n: UInt64, d: UInt64) {
        var random = SeededTestRandomness(seed: n ^ (d << 20))
        let sampler = DiscreteGaussian(variance: ExactRational(n, d))
        let samples = (0..<Self.sampleCount).map { _ in sampler.sample(using: &random) }
        let variance = Double(n) / Double(d)
        let fit = ChiSquareFit(samples: samples, pmf: Self.gaussianPMF(variance: variance), support: -200...200)
        #expect(fit.passes, "σ² = \(n)/\(d): χ² = \(fit.statistic) > \(fit.criticalValue)")
        let wrong = ChiSquareFit(samples: samples, pmf: Self.gaussianPMF(variance: variance * 1.1), support: -200...200)
        #expect(!wrong.passes, "a 10% variance error must be detected at σ² = \(variance)")
    }

    @Test("a discrete Gaussian with a large σ keeps its variance and stays exact (128-bit path)")
    func largeGaussian() {
        var random = SeededTestRandomness(seed: 99)
        let variance = 0x1p40  // σ = 2^20, the size the real-valued mechanisms use
        let sampler = DiscreteGaussian(variance: ExactRational(1 << 40, 1))
        let samples = (0..<20_000).map { _ in Double(sampler.sample(using: &random)) }
        let mean = samples.reduce(0, +) / Double(samples.count)
        let sampleVariance = samples.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(samples.count - 1)
        #expect(abs(mean) < 5 * variance.squareRoot() / Double(samples.count).squareRoot())
        #expect(abs(sampleVariance / variance - 1) < 0.05)
    }

    @Test("the secure generator drives the same samplers (smoke test, loose bounds)")
    func secureSmoke() {
        var random = SecureRandomness()
        let laplace = DiscreteLaplace(scaleNumerator: 4, scaleDenominator: 1)
        let samples = (0..<20_000).map { _ in Double(laplace.sample(using: &random)) }
        let mean = samples.reduce(0, +) / Double(samples.count)
        let variance = samples.reduce(0) { $0 + $1 * $1 } / Double(samples.count)
        // Var = 2r/(1−r)² with r = e^{−1/4} ≈ 31.5.
        let r = exp(-0.25)
        #expect(abs(mean) < 0.5)
        #expect(abs(variance / (2 * r / ((1 - r) * (1 - r))) - 1) < 0.15)
        #expect(SecureRandomness.provenance == .systemSecure)
    }

    @Test(
        "secure randomness: copies share one pool (no word is handed out twice) and the bits are balanced across refills"
    )
    func securePool() {
        var first = SecureRandomness()
        var copy = first
        var seen = Set<UInt64>()
        var ones = 0
        for _ in 0..<3000 {
            let a = first.next()
            let b = copy.next()
            seen.insert(a)
            seen.insert(b)
            ones += a.nonzeroBitCount + b.nonzeroBitCount
        }
        #expect(seen.count == 6000)
        // 6000 words: 384,000 bits, standard deviation 310 around 192,000.
        #expect(abs(ones - 192_000) < 3000)
        var other = SecureRandomness()
        #expect(!seen.contains(other.next()))
    }

    @Test("bulk fill: a seeded source fills the words next() would give; the secure pool never repeats across pages")
    func bulkFill() {
        var one = SeededTestRandomness(seed: 4)
        var bulk = SeededTestRandomness(seed: 4)
        let expected = (0..<37).map { _ in one.next() }
        var words = [UInt64](repeating: 0, count: 37)
        words.withUnsafeMutableBufferPointer { bulk.fill($0) }
        #expect(words == expected)
        #expect(bulk.next() == one.next())

        var secure = SecureRandomness()
        var copy = secure
        var seen = Set<UInt64>()
        var ones = 0
        // 1,300 words span three pages of 510; interleaved single words come from the same pool.
        for size in [1, 509, 2, 1300, 7] {
            var chunk = [UInt64](repeating: 0, count: size)
            chunk.withUnsafeMutableBufferPointer { secure.fill($0) }
            let single = copy.next()
            for word in chunk + [single] {
                seen.insert(word)
                ones += word.nonzeroBitCount
            }
        }
        #expect(seen.count == 1819 + 5)
        // 1,824 words: 116,736 bits, standard deviation 171 around 58,368.
        #expect(abs(ones - 58_368) < 1500)
    }
}
