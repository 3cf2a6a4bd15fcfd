package import CharterPrivacy

/// A deterministic, seeded generator (xoshiro256**, seeded through SplitMix64) so that the sampler
/// tests cannot flake. Its provenance is ``RandomnessProvenance/deterministicTestOnly``; no public
/// mechanism accepts it, and no library or executable target depends on this module.
package struct SeededTestRandomness: NoiseRandomness {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// The generator for a seed.
    package init(seed: UInt64) {
        var splitMix = seed
        func nextSplitMix() -> UInt64 {
            splitMix &+= 0x9E37_79B9_7F4A_7C15
            var z = splitMix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (nextSplitMix(), nextSplitMix(), nextSplitMix(), nextSplitMix())
    }

    package static var provenance: RandomnessProvenance { .deterministicTestOnly }

    package mutating func next() -> UInt64 {
        let result = ((state.1 &* 5) << 7 | (state.1 &* 5) >> 57) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = state.3 << 45 | state.3 >> 19
        return result
    }
}
