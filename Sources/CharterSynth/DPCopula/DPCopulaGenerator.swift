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
/// 3. With a `target` column t (the plan passes the request's target), step 2 covers the other
///    columns only, and t's own correlations are one more vector: Σᵢ sᵢₜ·sᵢₖ for each other column
///    k, with sᵢₜ unclipped and the others' scores clipped to norm R as in step 2. A record's vector
///    is sₜ times a vector of norm at most R, so its L2 sensitivity is T·R with T the largest |sₜ|
///    of a bin the released marginal gives mass (a record's sₜ is held to ±T; a missing value
///    scores 0). For a binary
///    target T is about 1–2 against R ≈ √d, so at equal ρ these correlations carry about
///    T·√2/R of step 2's noise (a third on ACTG 175's 24 columns): the TSTR gate measures how
///    the other columns predict the target, and that is where the budget buys most. Discrete
///    Gaussian noise with ρ_t.
///
/// **Budget**: ρ = the largest ρ whose CKS20 conversion gives at most the requested ε at the
/// requested δ (`ZeroConcentratedDP.rho`); `marginal_share` (default 0.5) of it goes to the d
/// histograms in equal parts, the rest to the correlation, of which `target_share` (default 0.5)
/// goes to the target's vector when there is a target. zCDP composes by adding ρ, and the spent
/// ε is the conversion of the sum of the ρ each mechanism recorded, so it never exceeds the
/// request. The split is recorded in the lineage.
///
/// **Post-processing** (free): negative counts clamped to 0; missing rates and bin probabilities
/// from the noisy counts; the correlation estimate Σ̃ⱼₖ / (n̂ⱼₖ·vⱼ·vₖ·√(κⱼκₖ)) (with n̂ⱼₖ the noisy
/// row count times both present shares, vⱼ the score variance under the noisy marginal, the same
/// attenuation correction as `gaussian-copula`, and κⱼ the share of column j's squared scores the
/// clipping kept, from the released square sums), shrunk by its noise, clamped and projected to
/// the nearest correlation matrix; a target pair likewise from step 3, with κₜ = 1. Sampled values
/// are inside the declared domains by construction.
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
        let target = try options.targetIndex(in: data.columns.map(\.name))
        let plan = BudgetPlan(
            epsilon: epsilon, delta: delta, columns: d, marginalShare: options.marginalShare,
            targetShare: target == nil ? 0 : options.targetShare)
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

        // 2. Noisy correlation of clipped normal scores; with a target, its row in a release of its own.
        var correlation = Matrix.identity(d)
        var correlationSD: Double?
        var targetSD: Double?
        var clipRadius: Double?
        if d >= 2 {
            let others = (0..<d).filter { $0 != target }
            let radius =
                options.clipRadius
                ?? ScoreClipping.defaultRadius(
                    others.map { marginals[$0] }, noisyRows: noisyRows, correlationRho: plan.correlationRho)
            let othersBinned = others.map { binned[$0] }
            let othersMarginals = others.map { marginals[$0] }
            let sensitivity = radius * radius / 2.0.squareRoot()
            let products = Self.scoreProducts(othersBinned, othersMarginals, rows: data.rowCount, radius: radius)
            let release = try Self.release(
                products, sensitivity: sensitivity, rho: plan.correlationRho, using: &random)
            var privacy = release.privacy
            privacy.subject =
                "the correlations of the \(others.count) columns\(target == nil ? "" : " other than the target"): "
                + "\(products.count - others.count) sums of clipped normal-score products and \(others.count) of their "
                + "squares"
            mechanisms.append(privacy)
            let productSD = sensitivity / (2 * plan.correlationRho).squareRoot()
            var correlationRelease = CorrelationRelease(
                products: release.value, productSD: productSD, target: nil, targetProducts: [], targetSD: 0)
            if let target {
                let bound = Self.targetScoreBound(marginals[target])
                let targetSensitivity = bound * radius
                let targetProducts = Self.targetProducts(
                    target: (binned[target], marginals[target]), others: (othersBinned, othersMarginals),
                    rows: data.rowCount, radius: radius, bound: bound)
                let targetRelease = try Self.release(
                    targetProducts, sensitivity: targetSensitivity, rho: plan.targetRho, using: &random)
                var privacy = targetRelease.privacy
                privacy.subject =
                    "the correlations of the target '\(binned[target].name)' with the \(others.count) other columns: "
                    + "sums of its normal score times each clipped normal score"
                mechanisms.append(privacy)
                correlationRelease.target = target
                correlationRelease.targetProducts = targetRelease.value
                correlationRelease.targetSD = targetSensitivity / (2 * plan.targetRho).squareRoot()
            }
            released.correlation = correlationRelease
            let (estimate, sds, targetSDs) = Self.correlationEstimate(
                correlationRelease, marginals: marginals, noisyRows: noisyRows)
            clipRadius = radius
            // A pair with a column that scores 0 (all missing, one bin) has no correlation to
            // estimate and an infinite sd: the typical noise is that of the pairs that have one.
            let finite = sds.filter(\.isFinite).sorted()
            let typical = finite.isEmpty ? 0 : finite[finite.count / 2]
            if !finite.isEmpty { correlationSD = typical }
            let finiteTarget = targetSDs.filter(\.isFinite).sorted()
            if !finiteTarget.isEmpty { targetSD = finiteTarget[finiteTarget.count / 2] }
            // With two columns and a target, the target's release holds the only correlation.
            let typicalNoise = max(typical, targetSD ?? 0)
            let (valid, usedIdentity) = CopulaModel.validCorrelation(estimate)
            correlation = valid
            if usedIdentity {
                warnings.append(
                    "the noisy correlation could not be made positive definite; columns are sampled independently")
            }
            if typicalNoise > 0.1 {
                warnings.append(
                    "the noise swamps the correlations: their typical noise standard deviation is about "
                        + "\(Self.rounded(typicalNoise)), so correlations below about "
                        + "\(Self.rounded(min(2 * typicalNoise, 1))) are "
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
                targetSD: targetSD, histogramSD: histogramSD
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
                let (value, sd) = shrunk(products[index], scale: scale, noiseSD: productSD)
                estimate[j, k] = value
                estimate[k, j] = value
                sds.append(sd)
                index += 1
            }
        }
        return (estimate, sds)
    }

    /// The released correlation statistics: the pairs and squares of the columns other than the
    /// target (all columns without one), and with a target, its products with each of them.
    struct CorrelationRelease: Sendable {
        /// ``scoreProducts(_:_:rows:radius:)`` of the columns other than the target, noisy.
        var products: [Double]
        /// The noise standard deviation of each of `products`.
        var productSD: Double
        /// The target's column index, or `nil` when every pair is in `products`.
        var target: Int?
        /// ``targetProducts(target:others:rows:radius:)``, noisy, in the other columns' order.
        var targetProducts: [Double]
        /// The noise standard deviation of each of `targetProducts`.
        var targetSD: Double
    }

    /// The correlation estimate of all `marginals.count` columns from the released statistics
    /// (post-processing): the other columns' pairs by ``correlationEstimate(products:marginals:noisyRows:productSD:)``,
    /// and each target pair (t, k) as Σ̃ₜₖ / (n̂ₜₖ·vₜ·vₖ·√κₖ), the target unclipped (κₜ = 1), shrunk
    /// the same way. Returns the matrix, the other pairs' noise standard deviations and the target
    /// pairs'.
    static func correlationEstimate(_ release: CorrelationRelease, marginals: [NoisyMarginal], noisyRows: Double)
        -> (estimate: Matrix, sds: [Double], targetSDs: [Double])
    {
        let d = marginals.count
        guard let t = release.target else {
            let (estimate, sds) = correlationEstimate(
                products: release.products, marginals: marginals, noisyRows: noisyRows, productSD: release.productSD)
            return (estimate, sds, [])
        }
        let others = (0..<d).filter { $0 != t }
        precondition(release.targetProducts.count == others.count, "one target product per other column")
        let otherMarginals = others.map { marginals[$0] }
        let (inner, sds) = correlationEstimate(
            products: release.products, marginals: otherMarginals, noisyRows: noisyRows, productSD: release.productSD)
        let kept = keptShares(products: release.products, marginals: otherMarginals, noisyRows: noisyRows)
        var estimate = Matrix.identity(d)
        for (a, j) in others.enumerated() {
            for (b, k) in others.enumerated() where b < a {
                estimate[j, k] = inner[a, b]
                estimate[k, j] = inner[a, b]
            }
        }
        var targetSDs: [Double] = []
        for (a, k) in others.enumerated() {
            let scale =
                max(noisyRows, 1) * (1 - marginals[t].missingRate) * (1 - marginals[k].missingRate)
                * marginals[t].scoreVariance * marginals[k].scoreVariance * kept[a].squareRoot()
            let (value, sd) = shrunk(release.targetProducts[a], scale: scale, noiseSD: release.targetSD)
            estimate[t, k] = value
            estimate[k, t] = value
            targetSDs.append(sd)
        }
        return (estimate, sds, targetSDs)
    }

    /// A noisy sum divided by its scale and shrunk towards 0 by positive-part James-Stein with its
    /// known noise variance; with its noise standard deviation (infinite where the scale is 0).
    static func shrunk(_ sum: Double, scale: Double, noiseSD: Double) -> (value: Double, sd: Double) {
        let raw = scale > 0 ? sum / scale : 0
        let sd = scale > 0 ? noiseSD / scale : .infinity
        let value = raw == 0 || !sd.isFinite ? 0 : raw * max(0, 1 - sd * sd / (raw * raw))
        return (value, sd)
    }

    /// The bound T on a record's target score in the target's release: the largest |score| of a bin
    /// the released marginal gives positive probability (a missing value scores 0), 1 when there is
    /// none. A bin the noisy marginal left empty scores at the normal's far tail (|s| up to about
    /// 8.8), which would multiply the noise for every record; ``targetProducts(target:others:rows:radius:bound:)``
    /// clamps a record's score to ±T instead, a function of the record and of released values only,
    /// so each record's vector has norm at most T·R.
    static func targetScoreBound(_ marginal: NoisyMarginal) -> Double {
        var bound = 0.0
        for (p, score) in zip(marginal.probabilities, marginal.binScores) where p > 0 {
            precondition(score.isFinite, "normal scores are finite")
            bound = max(bound, abs(score))
        }
        return bound > 0 ? bound : 1
    }

    /// Σᵢ sᵢₜ·sᵢₖ for each other column k, in their order: the target's normal score, held to
    /// [−`bound`, `bound`] (``targetScoreBound(_:)``), times the other columns' scores clipped to
    /// norm `radius` exactly as ``scoreProducts(_:_:rows:radius:)`` clips them.
    static func targetProducts(
        target: (column: BinnedColumn, marginal: NoisyMarginal),
        others: (binned: [BinnedColumn], marginals: [NoisyMarginal]), rows n: Int, radius: Double, bound: Double
    ) -> [Double] {
        let d = others.binned.count
        var sums = [Double](repeating: 0, count: d)
        var scores = [Double](repeating: 0, count: d)
        let levelScores = others.marginals.map(\.binScores)
        let targetScores = target.marginal.binScores
        for row in 0..<n {
            let targetBin = target.column.bins[row]
            let t = targetBin < 0 ? 0 : min(max(targetScores[Int(targetBin)], -bound), bound)
            guard t != 0 else { continue }
            clippedScores(others.binned, levelScores, row: row, radius: radius, into: &scores)
            for j in 0..<d { sums[j] += t * scores[j] }
        }
        return sums
    }

    /// One vector release with discrete Gaussian noise for ρ, its failures as generator errors.
    static func release<R: NoiseRandomness>(
        _ vector: [Double], sensitivity: Double, rho: Double, using random: inout R
    ) throws(GeneratorError) -> NoisyRelease<[Double]> {
        do {
            let mechanism = try GaussianVector(sensitivity: sensitivity, dimension: vector.count, rho: rho)
            return try mechanism.releaseWithAnySource(vector: vector, using: &random)
        } catch {
            throw GeneratorError(.generatorMechanismFailed, "the correlation release: \(error)")
        }
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
            clippedScores(binned, levelScores, row: row, radius: radius, into: &scores)
            addContribution(of: scores, to: &sums)
        }
        return sums
    }

    /// Writes record `row`'s normal scores into `scores` (each column's bin score under its released
    /// marginal, `levelScores`; 0 where missing), the vector scaled down to norm `radius` when it is
    /// longer: the one clipping both correlation releases use.
    static func clippedScores(
        _ binned: [BinnedColumn], _ levelScores: [[Double]], row: Int, radius: Double, into scores: inout [Double]
    ) {
        var norm = 0.0
        for j in binned.indices {
            let bin = binned[j].bins[row]
            let s = bin < 0 ? 0 : levelScores[j][Int(bin)]
            scores[j] = s
            norm += s * s
        }
        if norm > radius * radius {
            let factor = radius / norm.squareRoot()
            for j in binned.indices { scores[j] *= factor }
        }
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
        targetSD: Double?, histogramSD: Double
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
        if plan.targetRho > 0 {
            budget["target_share"] = .number(plan.targetShare)
            budget["rho_target"] = .number(plan.targetRho)
        }
        if let targetSD { budget["target_correlation_noise_sd_median"] = .number(targetSD) }
        var parameters: [String: JSONValue] = [
            "budget": .object(budget),
            "columns": .object(columns),
            "correlation": .string(
                "noisy sums of normal-score products and squares clipped at clip_radius; each pair divided by the "
                    + "share of its columns' squares the clipping kept, attenuation-corrected, projected to the nearest "
                    + "correlation matrix"
                    + (plan.targetRho > 0
                        ? "; the target's pairs from a release of their own (its score, held to the largest of a bin "
                            + "with released mass, times the clipped scores), the target unclipped" : "")),
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
        var marginalShare = DPCopulaBudgetSplit.marginalShare
        var bins = DPCopulaGenerator.defaultBins
        var clipRadius: Double?
        /// The column whose correlations with the others get a release of their own (`target`).
        var target: String?
        /// The share of the correlation budget that release gets (`target_share`).
        var targetShare = DPCopulaBudgetSplit.targetShare

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
            // `TrainingData.prepare` checks the target: a column name with at least two classes.
            target = parameters["target"]?.stringValue
            if let value = parameters["target_share"] {
                guard let share = value.doubleValue, share > 0, share < 1 else {
                    throw GeneratorError(
                        .generatorInvalidParameter, "parameter 'target_share' must be a number in (0, 1)")
                }
                targetShare = share
            }
        }

        /// The target's column index among `columns`, `nil` without a target.
        ///
        /// - Throws: ``GeneratorError`` when the target is not a column.
        func targetIndex(in columns: [String]) throws(GeneratorError) -> Int? {
            guard let target else { return nil }
            guard let index = columns.firstIndex(of: target) else {
                throw GeneratorError(
                    .generatorUnknownTarget,
                    "parameter 'target' names column '\(target)', which the training table lacks")
            }
            return index
        }
    }
}

extension DPCopulaGenerator {
    /// The split of the budget: ρ for each histogram, for the correlation of the columns other than
    /// the target (all columns without one) and for the target's correlations, whose sum converts
    /// to at most the requested ε.
    struct BudgetPlan {
        let epsilon: Double
        let delta: Double
        let rho: Double
        let marginalShare: Double
        let marginalRho: Double
        let correlationRho: Double
        /// The share of the correlation budget the target's release gets; 0 without one.
        let targetShare: Double
        /// ρ of the target's release; 0 without one.
        let targetRho: Double

        init(epsilon: Double, delta: Double, columns d: Int, marginalShare: Double, targetShare: Double = 0) {
            self.epsilon = epsilon
            self.delta = delta
            rho = ZeroConcentratedDP.rho(epsilon: epsilon, delta: delta)
            let share = d >= 2 ? marginalShare : 1
            self.marginalShare = share
            self.targetShare = d >= 2 ? targetShare : 0
            var marginal = rho * share / Double(d)
            var correlation = d >= 2 ? rho * (1 - share) * (1 - self.targetShare) : 0
            var target = d >= 2 ? rho * (1 - share) * self.targetShare : 0
            // Rounding in the split must not push the composed ρ over the converted ε.
            func total() -> Double { (0..<d).reduce(0.0) { sum, _ in sum + marginal } + correlation + target }
            while ZeroConcentratedDP.epsilon(rho: total(), delta: delta).epsilon > epsilon {
                marginal *= 1 - 0x1p-30
                correlation *= 1 - 0x1p-30
                target *= 1 - 0x1p-30
            }
            marginalRho = marginal
            correlationRho = correlation
            targetRho = target
        }
    }
}
