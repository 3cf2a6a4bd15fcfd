import CharterStats
import Testing

@testable import CharterSynth

/// The model's seeded normal generator (ziggurat): moments, tails and the distribution function.
@Suite struct ModelRandomnessTests {
    @Test func normalsAreStandardNormal() {
        var random = ModelRandomness(seed: 2026)
        let n = 400_000
        var values = [Double](repeating: 0, count: n)
        values.withUnsafeMutableBufferPointer { random.fillNormals($0) }
        let mean = values.reduce(0, +) / Double(n)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)
        let fourth = values.reduce(0) { $0 + $1 * $1 * $1 * $1 } / Double(n)
        #expect(abs(mean) < 0.006, "mean \(mean)")
        #expect(abs(variance - 1) < 0.01, "variance \(variance)")
        #expect(abs(fourth - 3) < 0.06, "fourth moment \(fourth)")
        // The tail beyond the ziggurat's base (r = 3.4426) and the wedges are sampled too.
        let beyond = values.filter { abs($0) > 3.5 }.count
        let expected = 2 * Normal.sf(3.5) * Double(n)
        #expect(abs(Double(beyond) - expected) < 4 * expected.squareRoot() + 1, "\(beyond) vs \(expected)")
        // Kolmogorov-Smirnov distance to Φ.
        let sorted = values.sorted()
        var d = 0.0
        for (i, x) in sorted.enumerated() {
            let f = Normal.cdf(x)
            d = max(d, abs(f - Double(i) / Double(n)), abs(f - Double(i + 1) / Double(n)))
        }
        #expect(d < 1.6 / Double(n).squareRoot(), "KS distance \(d)")
    }

    @Test func sameSeedSameStream() {
        var a = ModelRandomness(seed: 9)
        var b = ModelRandomness(seed: 9)
        var c = ModelRandomness(seed: 10)
        let x = (0..<16).map { _ in a.next() }
        #expect(x == (0..<16).map { _ in b.next() })
        #expect(x != (0..<16).map { _ in c.next() })
    }
}
