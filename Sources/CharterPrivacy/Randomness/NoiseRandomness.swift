/// Where a mechanism's randomness came from, recorded in every privacy description.
public enum RandomnessProvenance: String, Sendable, Hashable, Codable {
    /// The operating system's cryptographically secure generator (`getrandom` on Linux,
    /// `arc4random_buf` on Apple platforms), through `SystemRandomNumberGenerator`.
    case systemSecure = "system-csprng"
    /// A seeded deterministic generator: for tests only; an output made with it must never be released.
    case deterministicTestOnly = "deterministic-test-only"
}

/// A source of independent, uniformly distributed 64-bit words for the exact samplers.
///
/// Only ``SecureRandomness`` is meant for release. The public mechanisms take a
/// `SecureRandomness` and nothing else; the generic entry points that accept any source are
/// `package`, and the only other conformance lives in the `CharterPrivacyTestSupport` target, which
/// no library or executable depends on. Each source names its provenance, and every privacy
/// description records it.
package protocol NoiseRandomness {
    /// What the privacy description records about this source.
    static var provenance: RandomnessProvenance { get }

    /// The next 64 uniformly random bits.
    mutating func next() -> UInt64

    /// Fills `words` with the next `words.count` words: the words that many calls of ``next()``
    /// would return, in the same order, in one call (a source may hand them out in bulk).
    mutating func fill(_ words: UnsafeMutableBufferPointer<UInt64>)
}

/// The operating system's secure generator: the only randomness a release path accepts.
///
/// Words come from a ``SecureRandomPool``: 4 KiB of operating-system randomness per system call
/// rather than one call per 64 bits. Copies of a `SecureRandomness` share their pool, so no word is
/// ever handed out twice.
public struct SecureRandomness: NoiseRandomness, Sendable {
    private let pool: SecureRandomPool

    /// A generator over a fresh pool.
    public init() { pool = SecureRandomPool() }

    package static var provenance: RandomnessProvenance { .systemSecure }

    package mutating func next() -> UInt64 { pool.next() }

    /// The next words under one lock of the pool rather than one per word.
    package mutating func fill(_ words: UnsafeMutableBufferPointer<UInt64>) { pool.fill(words) }
}

extension NoiseRandomness {
    /// One call of ``next()`` per word.
    package mutating func fill(_ words: UnsafeMutableBufferPointer<UInt64>) {
        for index in words.indices { words[index] = next() }
    }

    /// A uniform integer in 0..<bound, without modulo bias.
    ///
    /// Lemire's multiply-and-reject method ("Fast Random Integer Generation in an Interval", 2019):
    /// the product's high word is uniform once the low word is outside the biased zone.
    ///
    /// - Precondition: bound > 0.
    @inline(__always)
    package mutating func uniform(below bound: UInt64) -> UInt64 {
        precondition(bound > 0, "the bound must be positive")
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = next().multipliedFullWidth(by: bound)
            }
        }
        return product.high
    }

    /// A uniform integer in 0..<bound for 128-bit bounds, by masked rejection (fewer than two tries
    /// on average).
    package mutating func uniform(below bound: UInt128) -> UInt128 {
        precondition(bound > 0, "the bound must be positive")
        if bound <= UInt128(UInt64.max) { return UInt128(uniform(below: UInt64(bound))) }
        let mask = UInt128.max >> (bound - 1).leadingZeroBitCount
        while true {
            let candidate = (UInt128(next()) << 64 | UInt128(next())) & mask
            if candidate < bound { return candidate }
        }
    }

    /// Bernoulli(numerator/denominator), exactly: `uniform(0..<denominator) < numerator`.
    @inline(__always)
    package mutating func bernoulli(_ numerator: UInt128, over denominator: UInt128) -> Bool {
        precondition(numerator <= denominator && denominator > 0, "a probability lies in [0, 1]")
        if numerator == denominator { return true }
        return uniform(below: denominator) < numerator
    }

    /// A fair coin.
    @inline(__always)
    package mutating func fairBit() -> Bool { next() >> 63 == 1 }
}
