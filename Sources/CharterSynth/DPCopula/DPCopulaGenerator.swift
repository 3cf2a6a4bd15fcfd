import CharterAccounting
import CharterCore
public import CharterData
package import CharterPrivacy
import CharterStats

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// `dp-copula`: a Gaussian copula fitted with differential privacy, under zero-concentrated DP
/// converted to the (ε, δ) the request asked for.
///
/// **What touches the data** (and nothing else does):
/// 1. One noisy histogram per column over its **declared** domain (`settings.domains`; a missing
///    domain is an error, never read from the data): categories, `true`/`false`, or bins of a
///    numeric range (one bin per integer for an integral range of at most ``maximumIntegerBins``
///    values, otherwise `bins` equal-width bins, default 32), plus a bin for missing values.
///    Adding or removing one record moves one bin of each histogram by one: L2 sensitivity 1 per
///    column. Discrete Gaussian noise (CharterPrivacy's `NoisyHistogram`, exact CKS20 sampler,
///    secure randomness) with ρ_m each.
/// 2. One noisy vector of score products. Each record's normal scores s (the mean of a standard
///    normal over the record's bin of the *noisy* marginal: a function of the record and of
///    already released values only; 0 where missing) are clipped to Euclidean norm at most R,
///    chosen from the released marginals and the planned ρ_c (``ScoreClipping``: no row read):
///    near a typical record's norm where the noise limits the fit, up to √(3d) where the budget is
///    ample; `clip_radius` sets R instead. The vector of the d(d−1)/2 pair sums Σᵢ sᵢⱼ·sᵢₖ (j > k)
///    and the d weighted square sums Σᵢ sᵢⱼ²/√2 has L2 sensitivity
///    max √(((Σⱼsⱼ²)² − Σⱼsⱼ⁴)/2 + Σⱼsⱼ⁴/2) = ‖s‖²/√2 ≤ R²/√2, the pairs' bound alone. Discrete
///    Gaussian noise (`GaussianVector`) with ρ_c.
///
/// **Budget**: ρ = the largest ρ whose CKS20 conversion gives at most the requested ε at the
/// requested δ (`ZeroConcentratedDP.rho`); `marginal_share` (default 0.5) of it goes to the d
/// histograms in equal parts, the rest to the correlation. zCDP composes by adding ρ, and the
/// spent ε is the conversion of the sum of the ρ each mechanism recorded, so it never exceeds the
/// request. The split is recorded in the lineage.
///
/// **Post-processing** (free): negative counts clamped to 0; missing rates and bin probabilities
/// from the noisy counts; the correlation estimate Σ̃ⱼₖ / (n̂ⱼₖ·vⱼ·vₖ·√(κⱼκₖ)) (with n̂ⱼₖ the noisy
/// row count times both present shares, vⱼ the score variance under the noisy marginal, the same
/// attenuation correction as `gaussian-copula`, and κⱼ the share of column j's squared scores the
/// clipping kept, from the released square sums), shrunk by its noise, clamped and projected to
/// the nearest correlation matrix. Sampled values are inside the declared domains by construction.
///
/// Warnings are raised when the noise is large against the signal (a histogram whose expected
/// noise mass exceeds half the rows, or a correlation noise standard deviation above 0.1).
public struct DPCopulaGenerator: SyntheticDataGenerator {
    public let name = "dp-copula"
    public let version = "1.0.0"
    public let isDifferentiallyPrivate = true

    /// An integral numeric domain with at most this many integers gets one bin per integer.
    public static let maximumIntegerBins = 64
    /// The default number of bins of any other numeric domain.
    public static let defaultBins = 32
    /// The accountant, as the privacy spend records it.
    public static let accountant =
        "zCDP (Bun & Steinke 2016): rho adds over the mechanisms; converted to (epsilon, delta) by "
        + "Canonne, Kamath & Steinke 2020, Cor. 13"

    /// Creates the generator.
    public init() {}

    public func generate(training: Table, rowCount: Int, settings: GeneratorSettings) throws(GeneratorError)
        -> GeneratorOutput
    {
        var random = SecureRandomness()
        return try generate(training: training, rowCount: rowCount, settings: settings, noise: &random)
    }

    /// The same with any noise source (a seeded one in tests; its provenance is recorded in every
    /// mechanism description).
    package func generate<R: NoiseRandomness>(
        training: Table, rowCount: Int, settings: GeneratorSettings, noise random: inout R
    ) throws(GeneratorError) -> GeneratorOutput {
        let (epsilon, delta) = try settings.privacyTarget(of: "dp-copula")
        let options = try Options(settings.parameters)
        let data = try TrainingData.prepare(
            training: training, rowCount: rowCount, settings: settings, requireDomains: true)
        let d = data.columns.count
        let plan = BudgetPlan(epsilon: epsilon, delta: delta, columns: d, marginalShare: options.marginalShare)
        var warnings: [String] = []
        var mechanisms: [PrivacyDescription] = []

        // 1. Noisy marginals over the declared domains.
        var binned: [BinnedColumn] = []
        for column in data.columns {
            binned.append(BinnedColumn(column, bins: options.bins))
        }
        var marginals: [NoisyMarginal] = []
        var histograms: [[Int64]] = []
        for column in binned {
            let histogram: NoisyHistogram
            do {
                histogram = try NoisyHistogram(domain: column.labels, budget: .gaussian(rho: plan.marginalRho))
            } catch {
                throw GeneratorError(.generatorMechanismFailed, "the histogram of '\(column.name)': \(error)")
            }
            let release = histogram.releaseWithAnySource(values: column.rowLabels(), using: &random)
            var privacy = release.privacy
            privacy.subject = "the counts of '\(column.name)' in \(column.labels.count) bins of its declared domain"
            mechanisms.append(privacy)
            marginals.append(NoisyMarginal(counts: release.value, column: column))
            histograms.append(release.value)
        }
        let noisyRows = NoisyMarginal.noisyRows(marginals)
        let histogramSD = (1 / (2 * plan.marginalRho)).squareRoot()
        var released = DPCopulaRelease(
            columns: binned, histograms: histograms, histogramSD: histogramSD, settings: settings)
        for (column, marginal) in zip(binned, marginals) {
            if marginal.total <= 0 {
                warnings.append(
                    "the noisy histogram of '\(column.name)' is all zeros: the noise swamps the data, so its values are "
                        + "sampled uniformly from the declared domain; use a larger epsilon")
            } else if 0.8 * histogramSD * Double(column.labels.count) > 0.5 * max(noisyRows, 1) {
                warnings.append(
                    "the noise swamps the histogram of '\(column.name)': expected noise mass "
                        + "\(Self.rounded(0.8 * histogramSD * Double(column.labels.count))) against about "
                        + "\(Self.rounded(max(noisyRows, 0))) rows over \(column.labels.count) bins; use a larger "
                        + "epsilon or a coarser domain")
            }
        }

        // 2. Noisy correlation of clipped normal scores.
        var correlation = Matrix.identity(d)
        var correlationSD: Double?
        var clipRadius: Double?
        if d >= 2 {
            let radius =
                options.clipRadius
                ?? ScoreClipping.defaultRadius(marginals, noisyRows: noisyRows, correlationRho: plan.correlationRho)
            let sensitivity = radius * radius / 2.0.squareRoot()
            let products = Self.scoreProducts(binned, marginals, rows: data.rowCount, radius: radius)
            let vector: GaussianVector
            do {
                vector = try GaussianVector(
                    sensitivity: sensitivity, dimension: products.count, rho: plan.correlationRho)
            } catch {
                throw GeneratorError(.generatorMechanismFailed, "the correlation release: \(error)")
            }
            let release: NoisyRelease<[Double]>
            do {
                release = try vector.releaseWithAnySource(vector: products, using: &random)
            } catch {
                throw GeneratorError(.generatorMechanismFailed, "the correlation release: \(error)")
            }
            var privacy = release.privacy
            privacy.subject =
                "the correlations of the \(d) columns: \(products.count - d) sums of clipped normal-score products and "
                + "\(d) of their squares"
            mechanisms.append(privacy)
            let productSD = sensitivity / (2 * plan.correlationRho).squareRoot()
            let (estimate, sds) = Self.correlationEstimate(
                products: release.value, marginals: marginals, noisyRows: noisyRows, productSD: productSD)
            released.products = release.value
            released.productSD = productSD
            clipRadius = radius
            // A pair with a column that scores 0 (all missing, one bin) has no correlation to
            // estimate and an infinite sd: the typical noise is that of the pairs that have one.
            let finite = sds.filter(\.isFinite).sorted()
            let typical = finite.isEmpty ? 0 : finite[finite.count / 2]
            if !finite.isEmpty { correlationSD = typical }
            let (valid, usedIdentity) = CopulaModel.validCorrelation(estimate)
            correlation = valid
            if usedIdentity {
                warnings.append(
                    "the noisy correlation could not be made positive definite; columns are sampled independently")
            }
            if typical > 0.1 {
                warnings.append(
                    "the noise swamps the correlations: their typical noise standard deviation is about "
                        + "\(Self.rounded(typical)), so correlations below about \(Self.rounded(min(2 * typical, 1))) are "
                        + "shrunk towards 0; use a larger epsilon, fewer columns or more rows")
            }
        }

        // 3. The spend, from what the mechanisms recorded.
        var totalRho = 0.0
        for mechanism in mechanisms {
            guard case .zeroConcentrated(let rho) = mechanism.guarantee else {
                preconditionFailure("dp-copula's mechanisms are zCDP")
            }
            totalRho += rho
        }
        let spent = ZeroConcentratedDP.epsilon(rho: totalRho, delta: delta).epsilon
        precondition(spent <= epsilon, "the budget plan keeps the spent epsilon within the request")

        let model = Self.model(binned, marginals, correlation: correlation)
        // Sampling the noisy model is post-processing: a class mix draws more rows, never more noise.
        let (table, mix) = try ClassMix.sampling(rowCount: rowCount, settings: settings) {
            (rows, attempt) throws(GeneratorError) in
            model.sample(rowCount: rows, seed: ClassMix.seed(settings.seed, attempt: attempt))
        }
        let lineage = GeneratorLineage(
            generator: name, version: version, seed: settings.seed,
            parameters: Self.lineageParameters(
                plan: plan, totalRho: totalRho, binned: binned, clipRadius: clipRadius, correlationSD: correlationSD,
                histogramSD: histogramSD
            ).addingClassMix(mix))
        var output = GeneratorOutput(
            table: table,
            privacy: PrivacySpend(
                epsilon: spent, delta: delta, accountant: Self.accountant, claimedByExternalTool: false,
                mechanisms: mechanisms),
            lineage: lineage, warnings: warnings)
        output.released = released
        return output
    }

    /// The copula of the post-processed marginals and correlation.
    static func model(_ binned: [BinnedColumn], _ marginals: [NoisyMarginal], correlation: Matrix) -> CopulaModel {
        let columns = zip(binned, marginals).map { column, marginal in
            CopulaModel.ModelColumn(
                name: column.name, marginal: marginal.copulaMarginal, missingRate: marginal.missingRate)
        }
        return CopulaModel(columns: columns, correlation: correlation)
    }

    /// The correlation estimate from the noisy score products (post-processing). Clipping keeps a
    /// share κⱼ of column j's squared scores, read from the released diagonal:
    /// κⱼ = (D̃ⱼ/w) / (n̂ⱼ·vⱼ), with n̂ⱼ the noisy row count times its present share and vⱼ its score
    /// variance under the noisy marginal, held to [``minimumKept``, 1]. Each product sum is divided
    /// by n̂ⱼₖ·vⱼ·vₖ·√(κⱼκₖ) (n̂ⱼₖ the noisy row count times both present shares: the attenuation
    /// correction of `gaussian-copula`, and the clipping's shrinkage of the pair), then shrunk
    /// towards 0 by positive-part James-Stein with its known noise variance, so that entries the
    /// noise dominates become ~0 rather than ±1. Returns the (not yet projected) matrix and each
    /// entry's noise standard deviation, in the pairs' order.
    static func correlationEstimate(
        products: [Double], marginals: [NoisyMarginal], noisyRows: Double, productSD: Double
    ) -> (estimate: Matrix, sds: [Double]) {
        let d = marginals.count
        let pairs = d * (d - 1) / 2
        precondition(products.count == pairs + d, "the released vector holds the pairs and the diagonal")
        let rows = max(noisyRows, 1)
        let kept = keptShares(products: products, marginals: marginals, noisyRows: noisyRows)
        var estimate = Matrix.identity(d)
        var sds: [Double] = []
        var index = 0
        for j in 1..<d {
            for k in 0..<j {
                let scale =
                    rows * (1 - marginals[j].missingRate) * (1 - marginals[k].missingRate)
                    * marginals[j].scoreVariance * marginals[k].scoreVariance * (kept[j] * kept[k]).squareRoot()
                let raw = scale > 0 ? products[index] / scale : 0
                let sd = scale > 0 ? productSD / scale : .infinity
                let value = raw == 0 || !sd.isFinite ? 0 : raw * max(0, 1 - sd * sd / (raw * raw))
                estimate[j, k] = value
                estimate[k, j] = value
                sds.append(sd)
                index += 1
            }
        }
        return (estimate, sds)
    }

    /// κⱼ for each column: the released (noisy) sum of its clipped squared scores over what it would
    /// be unclipped under the noisy marginal, n̂ⱼ·vⱼ, held to [``minimumKept``, 1]; 1 for a column
    /// that scores 0.
    static func keptShares(products: [Double], marginals: [NoisyMarginal], noisyRows: Double) -> [Double] {
        let d = marginals.count
        let pairs = d * (d - 1) / 2
        return (0..<d).map { j in
            let expected = max(noisyRows, 1) * (1 - marginals[j].missingRate) * marginals[j].scoreVariance
            guard expected > 0 else { return 1 }
            return min(max(products[pairs + j] / diagonalWeight / expected, minimumKept), 1)
        }
    }

    /// The least share of a column's squared scores the correlation estimate believes clipping
    /// kept: a noisy diagonal below it is noise, and dividing by it would inflate the column's
    /// correlations.
    static let minimumKept = 0.25

    /// Σᵢ sᵢⱼ·sᵢₖ for the pairs (j, k), j > k in row-major lower-triangle order, then
    /// Σᵢ sᵢⱼ²/√2 for each column j (``diagonalWeight``), each row's score vector clipped to norm
    /// `radius`. The weight keeps the whole vector's L2 norm per row at
    /// √(((Σⱼsⱼ²)² − Σⱼsⱼ⁴)/2 + Σⱼsⱼ⁴/2) = ‖s‖²/√2, the off-diagonal bound alone: the diagonal
    /// costs no extra noise.
    static func scoreProducts(_ binned: [BinnedColumn], _ marginals: [NoisyMarginal], rows n: Int, radius: Double)
        -> [Double]
    {
        let d = binned.count
        var sums = [Double](repeating: 0, count: d * (d - 1) / 2 + d)
        var scores = [Double](repeating: 0, count: d)
        let levelScores = marginals.map(\.binScores)
        for row in 0..<n {
            var norm = 0.0
            for j in 0..<d {
                let bin = binned[j].bins[row]
                let s = bin < 0 ? 0 : levelScores[j][Int(bin)]
                scores[j] = s
                norm += s * s
            }
            if norm > radius * radius {
                let factor = radius / norm.squareRoot()
                for j in 0..<d { scores[j] *= factor }
            }
            addContribution(of: scores, to: &sums)
        }
        return sums
    }

    /// Adds one record's (clipped) scores to the released vector: sⱼ·sₖ for j > k, then w·sⱼ².
    static func addContribution(of scores: [Double], to sums: inout [Double]) {
        let d = scores.count
        var index = 0
        for j in 1..<d {
            for k in 0..<j {
                sums[index] += scores[j] * scores[k]
                index += 1
            }
        }
        for j in 0..<d { sums[index + j] += diagonalWeight * scores[j] * scores[j] }
    }

    /// The weight 1/√2 of the squared scores in the released vector.
    static let diagonalWeight = 1 / 2.0.squareRoot()

    static func rounded(_ x: Double) -> String {
        NumberFormatting.shortest((x * 1000).rounded() / 1000)
    }

    static func lineageParameters(
        plan: BudgetPlan, totalRho: Double, binned: [BinnedColumn], clipRadius: Double?, correlationSD: Double?,
        histogramSD: Double
    ) -> JSONValue {
        var columns: [String: JSONValue] = [:]
        for column in binned {
            columns[column.name] = [
                "bins": .integer(column.labels.count - 1), "binning": .string(column.binning),
            ]
        }
        var budget: [String: JSONValue] = [
            "epsilon_target": .number(plan.epsilon), "delta": .number(plan.delta), "rho_total": .number(plan.rho),
            "rho_spent": .number(totalRho), "marginal_share": .number(plan.marginalShare),
            "rho_per_marginal": .number(plan.marginalRho), "rho_correlation": .number(plan.correlationRho),
            "histogram_noise_sd": .number(histogramSD),
        ]
        if let correlationSD { budget["correlation_noise_sd_median"] = .number(correlationSD) }
        var parameters: [String: JSONValue] = [
            "budget": .object(budget),
            "columns": .object(columns),
            "correlation": .string(
                "noisy sums of normal-score products and squares clipped at clip_radius; each pair divided by the "
                    + "share of its columns' squares the clipping kept, attenuation-corrected, projected to the nearest "
                    + "correlation matrix"),
            "missing_values": "a missing bin in each noisy histogram; independent rate per column",
            "noise": "discrete gaussian (CKS20), secure randomness",
        ]
        if let clipRadius { parameters["clip_radius"] = .number(clipRadius) }
        return .object(parameters)
    }
}

extension DPCopulaGenerator {
    /// The generator's parameters.
    struct Options {
        var marginalShare = 0.5
        var bins = DPCopulaGenerator.defaultBins
        var clipRadius: Double?

        init(_ parameters: [String: JSONValue]) throws(GeneratorError) {
            if let value = parameters["marginal_share"] {
                guard let share = value.doubleValue, share > 0, share < 1 else {
                    throw GeneratorError(
                        .generatorInvalidParameter, "parameter 'marginal_share' must be a number in (0, 1)")
                }
                marginalShare = share
            }
            if let value = parameters["bins"] {
                guard let bins = value.doubleValue, bins == bins.rounded(), bins >= 2, bins <= 4096 else {
                    throw GeneratorError(.generatorInvalidParameter, "parameter 'bins' must be an integer in [2, 4096]")
                }
                self.bins = Int(bins)
            }
            if let value = parameters["clip_radius"] {
                // Below 0.001 every record clips to almost nothing, and far below it R² underflows.
                guard let radius = value.doubleValue, radius >= 0.001, radius <= 100 else {
                    throw GeneratorError(
                        .generatorInvalidParameter, "parameter 'clip_radius' must be a number in [0.001, 100]")
                }
                clipRadius = radius
            }
        }
    }

    /// The split of the budget: ρ for each histogram and for the correlation, whose sum converts
    /// to at most the requested ε.
    struct BudgetPlan {
        let epsilon: Double
        let delta: Double
        let rho: Double
        let marginalShare: Double
        let marginalRho: Double
        let correlationRho: Double

        init(epsilon: Double, delta: Double, columns d: Int, marginalShare: Double) {
            self.epsilon = epsilon
            self.delta = delta
            rho = ZeroConcentratedDP.rho(epsilon: epsilon, delta: delta)
            let share = d >= 2 ? marginalShare : 1
            self.marginalShare = share
            var marginal = rho * share / Double(d)
            var correlation = d >= 2 ? rho * (1 - share) : 0
            // Rounding in the split must not push the composed ρ over the converted ε.
            func total() -> Double { (0..<d).reduce(0.0) { sum, _ in sum + marginal } + correlation }
            while ZeroConcentratedDP.epsilon(rho: total(), delta: delta).epsilon > epsilon {
                marginal *= 1 - 0x1p-30
                correlation *= 1 - 0x1p-30
            }
            marginalRho = marginal
            correlationRho = correlation
        }
    }
}
