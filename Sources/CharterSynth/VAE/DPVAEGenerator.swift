internal import CharterAccounting
import CharterCore
public import CharterData
package import CharterPrivacy

/// `dp-vae`: the `vae` network trained with DP-SGD (Abadi et al. 2016) under Poisson subsampling,
/// accounted by CharterAccounting's subsampled-Gaussian RDP (Mironov, Talwar & Zhang 2019; the
/// accountant that matches Opacus and dp-accounting in the DP vectors) and converted to the
/// requested (ε, δ).
///
/// **What touches the data**: only the clipped, noised gradient sums. The encoding reads nothing
/// from the data: every column needs a declared domain, numeric columns use the declared domain's
/// quantile transform, and every column has a missing slot.
///
/// **The run's DP-SGD settings** (``DPSGDPlan``): q = `batch_size`/n, steps = `epochs`·⌈n/`batch_size`⌉
/// (Opacus's `make_private_with_epsilon`), clipping norm C = `clip_norm` (default 1), and σ = the
/// smallest noise multiplier whose ε at δ is at most the target (``NoiseCalibration``), unless the plan
/// fixed `noise_multiplier`, in which case its ε must be within the target. The row count n is
/// treated as public, as Opacus treats it. Validation refuses a σ above
/// ``DPSGDConfigurationCheck/maximumNoiseMultiplier`` before any training.
public struct DPVAEGenerator: SyntheticDataGenerator {
    public let name = "dp-vae"
    public let version = "1.0.0"
    public let isDifferentiallyPrivate = true

    /// The accountant, as the privacy spend records it.
    public static let accountant =
        "RDP of the Poisson-subsampled Gaussian (Mironov, Talwar & Zhang 2019) on dp-accounting's orders, "
        + "converted to (epsilon, delta) by Balle et al. 2020, Thm. 21"

    /// Creates the generator.
    public init() {}

    public func generate(training: Table, rowCount: Int, settings: GeneratorSettings) throws(GeneratorError)
        -> GeneratorOutput
    {
        var random = SecureRandomness()
        return try generate(training: training, rowCount: rowCount, settings: settings, noise: &random)
    }

    /// The same with any noise source (a seeded one in tests).
    package func generate<R: NoiseRandomness>(
        training: Table, rowCount: Int, settings: GeneratorSettings, noise secure: inout R
    ) throws(GeneratorError) -> GeneratorOutput {
        let (epsilon, delta) = try settings.privacyTarget(of: "dp-vae")
        let options = try VAEOptions(settings.parameters)
        let data = try TrainingData.prepare(
            training: training, rowCount: rowCount, settings: settings, requireDomains: true)
        let n = data.rowCount
        // Validate the configuration before anything reads the rows' values.
        let check = DPSGDConfigurationCheck(
            DPSGDConfiguration(
                rows: n, batchSize: options.batchSize, epochs: options.epochs, targetEpsilon: epsilon, delta: delta),
            recommend: false)
        if let error = check.findings.first(where: { $0.severity == .error }) {
            throw GeneratorError(.generatorInvalidPrivacyTarget, error.message)
        }
        let configuration = check.configuration
        let sigma = options.noiseMultiplier ?? check.noiseMultiplier
        let spent = DPSGDConfigurationCheck.epsilon(
            samplingRate: configuration.samplingRate, noiseMultiplier: sigma, steps: configuration.steps, delta: delta)
        guard spent.epsilon <= epsilon else {
            throw GeneratorError(
                .generatorInvalidPrivacyTarget,
                "noise multiplier \(sigma) spends epsilon \(spent.epsilon) over \(configuration.steps) steps at q = "
                    + "\(configuration.samplingRate); the target is \(epsilon)")
        }
        let dp = DPSGDSettings(
            samplingRate: configuration.samplingRate, noiseMultiplier: sigma, clipNorm: options.clipNorm,
            steps: configuration.steps, epochs: options.epochs, batchSize: options.batchSize)
        let layout = TabularLayout(data, empirical: false)
        var random = ModelRandomness(seed: settings.seed)
        var model = TabularVAE(layout: layout, hidden: options.hidden, latent: options.latent, random: &random)
        let (x, present) = layout.encode(data)
        model.trainPrivately(
            x: x, present: present, rows: n, options: options, dp: dp, random: &random, noise: &secure)
        // Sampling the trained network is post-processing: a class mix draws more rows, never more noise.
        let (table, mix) = try ClassMix.sampling(rowCount: rowCount, settings: settings) {
            (rows, _) throws(GeneratorError) in
            model.sample(rowCount: rows, random: &random)
        }

        var mechanism = PrivacyDescription(
            mechanism: "dp-sgd",
            guarantee: .approximate(epsilon: spent.epsilon, delta: delta),
            sensitivity: options.clipNorm, noise: [],
            randomness: R.provenance,
            implementation:
                "Poisson subsampling and floating-point Gaussian noise (Box-Muller on 53-bit uniforms) from the "
                + "noise source; per-example clipping by the factorised dense-layer gradient norm")
        mechanism.subject =
            "the model's training: every step's per-example gradients, clipped to norm \(options.clipNorm), "
            + "over \(dp.steps) steps"
        var parameters = options.lineage
        parameters["parameters"] = .integer(model.parameterCount)
        parameters["columns"] = VAEGenerator.columnLineage(layout)
        if let mix { parameters[ClassMix.parameter] = mix }
        parameters["dp_sgd"] = [
            "sampling_rate": .number(dp.samplingRate), "noise_multiplier": .number(dp.noiseMultiplier),
            "clip_norm": .number(dp.clipNorm), "steps": .integer(dp.steps), "epochs": .integer(dp.epochs),
            "batch_size": .integer(dp.batchSize), "epsilon": .number(spent.epsilon), "delta": .number(delta),
            "optimal_order": spent.order.map { .number($0) } ?? .null,
            "accountant": .string(Self.accountant),
        ]
        return GeneratorOutput(
            table: table,
            privacy: PrivacySpend(
                epsilon: spent.epsilon, delta: delta, accountant: Self.accountant, mechanisms: [mechanism]),
            lineage: GeneratorLineage(
                generator: name, version: version, seed: settings.seed, parameters: .object(parameters)),
            warnings: check.findings.filter { $0.severity == .warning }.map(\.message))
    }
}
