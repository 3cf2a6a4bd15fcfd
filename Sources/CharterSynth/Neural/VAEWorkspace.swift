/// Every activation and gradient buffer one training step of a ``TabularVAE`` needs, allocated once
/// per fit for the largest batch seen and reused by every step: a step then allocates nothing (a
/// 500-row step of the 2×128 network used to allocate and zero about 8 MB).
///
/// Buffers hold `capacity` rows; a step uses the first `rows` of them. The batch's inputs are
/// written into `encoded[0]` (x), `present` and `noise` before ``TabularVAE/lossAndGradient(rows:clipNorm:needNorms:workspace:)``.
struct VAEWorkspace {
    /// Rows every buffer holds.
    private(set) var capacity = 0
    /// The encoder's input (the batch) and every layer's output; the last is (μ, log σ²).
    var encoded: [[Double]] = []
    /// The decoder's input (z) and every layer's output; the last is x̂.
    var decoded: [[Double]] = []
    /// The encoder's and decoder's pre-activation gradients, layer by layer.
    var encoderDeltas: [[Double]] = []
    var decoderDeltas: [[Double]] = []
    /// The presence of each numeric value (`rows` × numeric columns).
    var present: [Double] = []
    /// The reparameterisation ε (`rows` × latent).
    var noise: [Double] = []
    var std: [Double] = []
    var probabilities: [Double] = []
    /// ∂ℓᵣ/∂ log σⱼ per row.
    var scaleGradient: [Double] = []
    /// ∂ℓ/∂z.
    var latentGradient: [Double] = []
    /// Each row's gradient norm (clipping or `needNorms`) and clipping factor.
    var norms: [Double] = []
    var clipping: [Double] = []
    /// The gradient of the batch's (clipped) summed loss, one entry per parameter.
    var gradient: [Double] = []

    /// Buffers for `rows` rows of `model`.
    init(model: TabularVAE, rows: Int) {
        gradient = [Double](repeating: 0, count: model.parameterCount)
        reserve(model: model, rows: rows)
    }

    /// Grows every buffer to `rows` rows when it holds fewer (a Poisson batch may exceed the last).
    mutating func reserve(model: TabularVAE, rows: Int) {
        guard rows > capacity else { return }
        let grown = max(rows, capacity + capacity / 4)
        func matrices(_ widths: [Int]) -> [[Double]] { widths.map { [Double](repeating: 0, count: grown * $0) } }
        let encoderWidths = model.encoder.widths
        let decoderWidths = model.decoder.widths
        encoded = matrices(encoderWidths)
        decoded = matrices(decoderWidths)
        encoderDeltas = matrices(Array(encoderWidths.dropFirst()))
        decoderDeltas = matrices(Array(decoderWidths.dropFirst()))
        let numeric = model.layout.numericIndices.count
        present = [Double](repeating: 0, count: grown * numeric)
        noise = [Double](repeating: 0, count: grown * model.latent)
        std = [Double](repeating: 0, count: grown * model.latent)
        probabilities = [Double](repeating: 0, count: grown * model.layout.width)
        scaleGradient = [Double](repeating: 0, count: grown * numeric)
        latentGradient = [Double](repeating: 0, count: grown * model.latent)
        norms = [Double](repeating: 0, count: grown)
        clipping = [Double](repeating: 0, count: grown)
        capacity = grown
    }
}
