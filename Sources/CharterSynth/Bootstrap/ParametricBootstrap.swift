import CharterCore
package import CharterData

/// The parametric bootstrap of a differentially private fit (Ferrando, Wang & Sheldon,
/// "Parametric Bootstrap for Differentially Private Confidence Intervals", AISTATS 2022).
///
/// The released statistics θ̂ are θ + noise with a known noise distribution. Each replicate adds
/// fresh noise of that distribution to θ̂ (θ̂* = θ̂ + noise*), refits the model from θ̂* exactly as the
/// generator post-processes θ̂, and samples a synthetic table from it. The spread of a measure over
/// the replicates stands in for the spread the privacy noise gives it over fits of the same data,
/// which one fit cannot show.
///
/// Only released values are read, so this is post-processing: it spends no privacy budget. Its
/// randomness is **not** privacy noise: it is seeded (``ModelRandomness`` from `seed`, never the
/// secure generator), so the same release and seed give the same replicates, byte for byte.
///
/// Re-noising uses continuous Gaussian noise of the released noise's standard deviation, rounded
/// for integer statistics, in place of the discrete Gaussian: for σ of a few units or more (a
/// `dp-copula` histogram at ε = 1 over ten columns has σ ≈ 24) the two are indistinguishable at the
/// bootstrap's own Monte Carlo error; for small σ rounding adds at most 1/12 to the variance, which
/// only widens the interval. Sampling the discrete Gaussian exactly would need the privacy
/// samplers, whose only release source is the secure generator.
package struct ParametricBootstrap: Sendable {
    /// The replicates a gate asks for: enough for a variance to within about ±45% (a χ² with 11
    /// degrees of freedom), few enough that a run refits and measures at most 12 more tables.
    package static let defaultReplicates = 12
    /// The replicate counts allowed.
    package static let replicateRange = 2...20

    /// The number of replicates.
    package let replicates: Int
    /// The seed of the re-noising and of each replicate's sampling.
    package let seed: UInt64

    /// A bootstrap of `replicates` replicates (clamped to ``replicateRange``) from `seed`.
    package init(replicates: Int = ParametricBootstrap.defaultReplicates, seed: UInt64) {
        self.replicates = min(max(replicates, Self.replicateRange.lowerBound), Self.replicateRange.upperBound)
        self.seed = seed
    }

    /// Replicate `replicate`'s statistics: each value plus independent N(0, σ²) noise with its
    /// block's σ, rounded where the block is integral. Replicate b does not depend on how many
    /// replicates there are.
    package func renoised(_ blocks: [ReleasedBlock], replicate: Int) -> [ReleasedBlock] {
        var random = ModelRandomness(seed: SplitMix64.value(seed: seed ^ 0x5042_4F4F_544E_4F49, call: replicate + 1))
        return blocks.map { block in
            var next = block
            guard !block.values.isEmpty else { return next }
            var normals = [Double](repeating: 0, count: block.values.count)
            normals.withUnsafeMutableBufferPointer { random.fillNormals($0) }
            for index in block.values.indices {
                let value = block.values[index] + block.noiseSD * normals[index]
                next.values[index] = block.integral ? value.rounded(.toNearestOrEven) : value
            }
            return next
        }
    }

    /// One synthetic table of `rowCount` rows per replicate, each sampled from the model refitted on
    /// that replicate's statistics.
    ///
    /// - Complexity: `replicates` refits and samples.
    package func tables(from release: any ReleasedStatistics, rowCount: Int) throws(GeneratorError) -> [Table] {
        let blocks = release.blocks
        var tables: [Table] = []
        for b in 0..<replicates {
            tables.append(
                try release.sample(
                    refittedFrom: renoised(blocks, replicate: b), rowCount: rowCount,
                    seed: SplitMix64.value(seed: seed ^ 0x5042_4F4F_5453_4D50, call: b + 1)))
        }
        return tables
    }
}
