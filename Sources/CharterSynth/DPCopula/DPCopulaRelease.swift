import CharterData
import CharterStats

/// What `dp-copula` released: the raw noisy histogram of every column and the raw noisy vectors of
/// score products (the target's on their own when it has a release), with their noise standard
/// deviations, and the post-processing that turns them into a copula (the parametric bootstrap's
/// refit, ``ParametricBootstrap``).
///
/// It holds no training rows: the columns keep their declared bins and labels, not the rows' bins.
/// The score products were computed with the *released* marginals' scores; a refit from re-noised
/// statistics keeps those products' meaning and recomputes everything downstream (marginals, their
/// score variances, the attenuation correction, shrinkage and projection) from the re-noised values,
/// as the generator does from its own.
struct DPCopulaRelease: ReleasedStatistics {
    /// The columns' declared bins (without the rows' bins).
    var columns: [BinnedColumn]
    /// Each column's raw noisy counts, the missing bin last (before the projection to the simplex).
    var histograms: [[Int64]]
    /// The standard deviation of each count's discrete Gaussian noise, √(1/(2ρ_m)).
    var histogramSD: Double
    /// The raw noisy correlation statistics with their noise standard deviations: the sums of score
    /// products and squares (``DPCopulaGenerator/scoreProducts(_:_:rows:radius:)``, of the columns
    /// other than the target when it has a release of its own) and the target's products; `nil`
    /// with fewer than two columns. The 2^k grid's √(dimension) charge makes the noise drawn larger
    /// than the standard deviations say by up to √(dimension)·2⁻²⁰/√(2ρ) of them: 5·10⁻⁵ for ten
    /// columns at ε = 1, 4·10⁻⁴ at ε = 0.1 (`ScoreClippingHazardTests`).
    var correlation: DPCopulaGenerator.CorrelationRelease?
    /// The generator's settings (seed replaced per replicate; a class mix is kept).
    var settings: GeneratorSettings

    init(columns: [BinnedColumn], histograms: [[Int64]], histogramSD: Double, settings: GeneratorSettings) {
        self.columns = columns.map { column in
            var declared = column
            declared.bins = []
            return declared
        }
        self.histograms = histograms
        self.histogramSD = histogramSD
        self.settings = settings
    }

    var blocks: [ReleasedBlock] {
        var blocks = zip(columns, histograms).map { column, counts in
            ReleasedBlock(
                subject: "the counts of '\(column.name)'", values: counts.map { Double($0) }, noiseSD: histogramSD,
                integral: true)
        }
        if let correlation {
            blocks.append(
                ReleasedBlock(
                    subject: "the sums of clipped normal-score products and squares", values: correlation.products,
                    noiseSD: correlation.productSD, integral: false))
            if correlation.target != nil {
                blocks.append(
                    ReleasedBlock(
                        subject: "the sums of the target's normal score times each clipped normal score",
                        values: correlation.targetProducts, noiseSD: correlation.targetSD, integral: false))
            }
        }
        return blocks
    }

    func sample(refittedFrom blocks: [ReleasedBlock], rowCount: Int, seed: UInt64) throws(GeneratorError) -> Table {
        precondition(
            blocks.count == self.blocks.count
                && zip(blocks, self.blocks).allSatisfy { $0.values.count == $1.values.count },
            "re-noised statistics are shaped like the release")
        let d = columns.count
        let marginals = zip(columns, blocks).map { column, block in
            NoisyMarginal(counts: block.values.map { Self.count($0) }, column: column)
        }
        var correlation = Matrix.identity(d)
        if var release = self.correlation {
            release.products = blocks[d].values
            if release.target != nil { release.targetProducts = blocks[d + 1].values }
            let (estimate, _, _) = DPCopulaGenerator.correlationEstimate(
                release, marginals: marginals, noisyRows: NoisyMarginal.noisyRows(marginals))
            correlation = CopulaModel.validCorrelation(estimate).0
        }
        let model = DPCopulaGenerator.model(columns, marginals, correlation: correlation)
        var replicate = settings
        replicate.seed = seed
        replicate.drawRows = nil
        let (table, _) = try ClassMix.sampling(rowCount: rowCount, settings: replicate) {
            (rows, attempt) throws(GeneratorError) in
            model.sample(rowCount: rows, seed: ClassMix.seed(seed, attempt: attempt))
        }
        return table
    }

    /// A re-noised count as the histogram type holds it (finite and within Int64).
    static func count(_ value: Double) -> Int64 {
        guard value.isFinite else { return 0 }
        return Int64(min(max(value.rounded(), -0x1p62), 0x1p62))
    }
}
