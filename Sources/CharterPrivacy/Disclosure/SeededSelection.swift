/// Which records a disclosure measurement looks at, drawn reproducibly from an explicit seed.
///
/// This chooses rows to evaluate (the balanced sample and the folds of the membership-inference
/// attack); it never touches a released value, so it is not privacy noise and does not need the secure
/// generator. SplitMix64 (Steele, Lea and Flood 2014) with Lemire's unbiased bounded draw.
struct SeededSelection {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<bound (bound > 0), without modulo bias.
    mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "a bounded draw needs a positive bound")
        let limit = UInt64(bound)
        var product = next().multipliedFullWidth(by: limit)
        if product.low < limit {
            let threshold = (0 &- limit) % limit
            while product.low < threshold { product = next().multipliedFullWidth(by: limit) }
        }
        return Int(product.high)
    }

    /// The first `count` entries of a uniformly random permutation of 0..<n (partial Fisher–Yates).
    mutating func sample(_ count: Int, from n: Int) -> [Int] {
        precondition(count >= 0 && count <= n, "cannot sample \(count) of \(n)")
        var indices = Array(0..<n)
        for i in 0..<count {
            let j = i + below(n - i)
            indices.swapAt(i, j)
        }
        return Array(indices[0..<count])
    }
}
