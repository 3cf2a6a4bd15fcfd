/// SplitMix64 (Steele, Lea & Flood 2014): a small seeded generator for deterministic choices that
/// must replay from their seed (a holdout split, test data, a stress run). Never for privacy noise,
/// which comes from the system's secure generator.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The generator's state; the seed is the first state.
    public var state: UInt64

    /// The generator for `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// The constant the state advances by on every call (the golden ratio's 64-bit fraction).
    public static let increment: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// What the generator seeded with `seed` returns on its `call`-th call (from 1), without the calls
    /// before it: after n calls the state is seed + n·``increment``. Seeds of many independent
    /// streams, one per call number.
    public static func value(seed: UInt64, call: Int) -> UInt64 {
        var generator = SplitMix64(seed: seed &+ UInt64(truncatingIfNeeded: call - 1) &* increment)
        return generator.next()
    }

    public mutating func next() -> UInt64 {
        state &+= Self.increment
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
