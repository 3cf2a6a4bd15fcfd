import CharterCore
public import CharterData

/// `vae`: a TVAE-style tabular variational autoencoder (Xu et al. 2019; SDV's `TVAE`), without
/// differential privacy, on Charter's own small network core.
///
/// - **Encoding** (``TabularLayout``): numeric columns through their empirical quantile function to
///   normal scores (the `gaussian-copula` marginal; or the declared domain's quantile transform when
///   `transform: declared`), categoricals one-hot, a missing indicator for every column.
/// - **Network**: encoder and decoder with `hidden` ReLU layers (default 128, 128), `latent` 128,
///   Gaussian output per numeric score with a learned σ in [0.01, 1], softmax per categorical block;
///   Adam, `epochs` (default 100), `batch_size` (default 500), `learning_rate` (default 1e-3),
///   `weight_decay` (default 1e-5). Weights initialised from `settings.seed`.
/// - **Sampling**: z ~ N(0, I) decoded; numeric scores mapped back through the transform (bounds,
///   integrality, rounding as the copulas do), categories drawn from their softmax.
/// - **Determinism**: the same table, settings and seed give the same rows.
public struct VAEGenerator: SyntheticDataGenerator {
    public let name = "vae"
    public let version = "1.0.0"
    public let isDifferentiallyPrivate = false

    /// Creates the generator.
    public init() {}

    public func generate(training: Table, rowCount: Int, settings: GeneratorSettings) throws(GeneratorError)
        -> GeneratorOutput
    {
        let options = try VAEOptions(settings.parameters)
        var empirical = true
        if let value = settings.parameters["transform"] {
            switch value.stringValue {
            case "empirical": empirical = true
            case "declared": empirical = false
            default:
                throw GeneratorError(
                    .generatorInvalidParameter, "parameter 'transform' must be 'empirical' or 'declared'")
            }
        }
        let data = try TrainingData.prepare(
            training: training, rowCount: rowCount, settings: settings, requireDomains: !empirical)
        let layout = TabularLayout(data, empirical: empirical)
        var random = ModelRandomness(seed: settings.seed)
        var model = TabularVAE(layout: layout, hidden: options.hidden, latent: options.latent, random: &random)
        let (x, present) = layout.encode(data)
        model.train(x: x, present: present, rows: data.rowCount, options: options, random: &random)
        let (table, mix) = try ClassMix.sampling(rowCount: rowCount, settings: settings) {
            (rows, _) throws(GeneratorError) in
            model.sample(rowCount: rows, random: &random)
        }
        var parameters = options.lineage
        if let mix { parameters[ClassMix.parameter] = mix }
        parameters["parameters"] = .integer(model.parameterCount)
        parameters["columns"] = Self.columnLineage(layout)
        parameters["missing_values"] = "a missing slot per column, learned and sampled with the row"
        return GeneratorOutput(
            table: table, privacy: nil,
            lineage: GeneratorLineage(
                generator: name, version: version, seed: settings.seed, parameters: .object(parameters)))
    }

    /// How each column was encoded (no data values).
    static func columnLineage(_ layout: TabularLayout) -> JSONValue {
        var columns: [String: JSONValue] = [:]
        for slot in layout.slots {
            switch slot {
            case .numeric(let name, _, _, let transform):
                columns[name] = ["encoding": .string(transform.name)]
            case .categorical(let name, _, let labels, _):
                columns[name] = ["encoding": "one-hot", "categories": .integer(labels.count)]
            }
        }
        return .object(columns)
    }
}
