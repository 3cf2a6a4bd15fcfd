#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The model's own randomness: which rows a copula samples. Seeded and deterministic, so the same
/// seed gives the same synthetic table. Privacy noise never comes from here (it comes from
/// CharterPrivacy's secure generator).
///
/// Reference: D. Blackman and S. Vigna, "Scrambled linear pseudorandom number generators" (2021),
/// xoshiro256**, seeded through SplitMix64 as the authors recommend.
struct ModelRandomness: Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// The generator for a seed.
    init(seed: UInt64) {
        var state = seed
        func splitMix() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix()
        s1 = splitMix()
        s2 = splitMix()
        s3 = splitMix()
    }

    /// The next 64 random bits.
    @inline(__always)
    mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// A uniform double in [0, 1) with 53 random bits.
    @inline(__always)
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Fills `buffer` with independent standard normal draws (Marsaglia's polar method, which
    /// needs no trigonometry: one logarithm and one square root per pair).
    mutating func fillNormals(_ buffer: UnsafeMutableBufferPointer<Double>) {
        var i = 0
        let n = buffer.count
        while i < n {
            let u = unit() * 2 - 1
            let v = unit() * 2 - 1
            let s = u * u + v * v
            if s >= 1 || s == 0 { continue }
            let factor = (-2 * log(s) / s).squareRoot()
            buffer[i] = u * factor
            if i + 1 < n { buffer[i + 1] = v * factor }
            i += 2
        }
    }
}
