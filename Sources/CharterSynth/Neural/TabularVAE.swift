#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The network of a TVAE-style tabular VAE (Xu et al., "Modeling Tabular Data using Conditional
/// GAN", NeurIPS 2019, §4 and SDV's `TVAE`): an encoder x → (μ, log σ²) with ReLU hidden layers,
/// z = μ + σ·ε, a decoder z → x̂ with the mirrored hidden layers, and one learned output scale
/// log σⱼ per numeric value, clamped to [log 0.01, 0] after each update as SDV clamps σ.
///
/// Per-row loss (SDV's `_loss_function` with `loss_factor` 2):
/// ℓ = 2·[Σⱼ presentⱼ·((xⱼ − x̂ⱼ)²/(2σⱼ²) + log σⱼ) − Σ_blocks log softmax(x̂)[target]] + KL, with
/// KL = ½·Σ(μ² + σ² − 1 − log σ²).
struct TabularVAE: Sendable {
    var layout: TabularLayout
    var latent: Int
    var encoder: Perceptron
    var decoder: Perceptron
    /// Where the log σⱼ of the numeric values start.
    var scaleOffset: Int
    var parameters: [Double]
    static let lossFactor = 2.0
    static let minimumLogScale = log(0.01)

    init(layout: TabularLayout, hidden: [Int], latent: Int, random: inout ModelRandomness) {
        precondition(!hidden.isEmpty && latent >= 1, "a VAE needs hidden layers and a latent space")
        self.layout = layout
        self.latent = latent
        encoder = Perceptron(widths: [layout.width] + hidden + [2 * latent], last: .identity, offset: 0)
        decoder = Perceptron(
            widths: [latent] + hidden.reversed() + [layout.width], last: .identity, offset: encoder.end)
        scaleOffset = decoder.end
        parameters = [Double](repeating: 0, count: scaleOffset + layout.numericIndices.count)
        for layer in encoder.layers + decoder.layers { layer.initialise(&parameters, random: &random) }
        // SDV initialises σ at 0.1.
        for j in 0..<layout.numericIndices.count { parameters[scaleOffset + j] = log(0.1) }
    }

    var parameterCount: Int { parameters.count }

    /// One batch's summed loss, the gradient of Σᵣ cᵣ·ℓᵣ and each row's gradient norm ‖∇ℓᵣ‖, where
    /// cᵣ = 1 without clipping and min(1, C/‖∇ℓᵣ‖) with `clipNorm` C (DP-SGD's per-example clipping,
    /// Abadi et al. 2016, Algorithm 1).
    ///
    /// - Parameters:
    ///   - x: the batch, `rows` × `layout.width`.
    ///   - present: the presence of each numeric value, `rows` × numeric columns.
    ///   - noise: the reparameterisation ε, `rows` × `latent`.
    /// - Complexity: two passes through the network, O(rows · parameters).
    func lossAndGradient(
        x: [Double], present: [Double], noise: [Double], rows: Int, clipNorm: Double?, needNorms: Bool = false
    ) -> (loss: Double, gradient: [Double], norms: [Double]) {
        let width = layout.width
        let numeric = layout.numericIndices.count
        // Encoder and reparameterisation.
        let encoded = encoder.forward(x, rows: rows, parameters: parameters)
        let head = encoded[encoded.count - 1]
        var z = [Double](repeating: 0, count: rows * latent)
        var std = [Double](repeating: 0, count: rows * latent)
        var kl = 0.0
        for r in 0..<rows {
            for k in 0..<latent {
                let mu = head[r * 2 * latent + k]
                let logVar = head[r * 2 * latent + latent + k]
                let s = exp(0.5 * logVar)
                std[r * latent + k] = s
                z[r * latent + k] = mu + s * noise[r * latent + k]
                kl += 0.5 * (mu * mu + s * s - 1 - logVar)
            }
        }
        let decoded = decoder.forward(z, rows: rows, parameters: parameters)
        let out = decoded[decoded.count - 1]
        let probabilities = BlockSoftmax.apply(out, rows: rows, width: width, blocks: layout.blocks)
        // Reconstruction loss and its gradient with respect to the decoder output and log σ.
        var loss = kl
        var dOut = [Double](repeating: 0, count: rows * width)
        var dScale = [Double](repeating: 0, count: rows * numeric)
        let factor = Self.lossFactor
        for r in 0..<rows {
            let base = r * width
            for (j, index) in layout.numericIndices.enumerated() {
                guard present[r * numeric + j] != 0 else { continue }
                let logSigma = parameters[scaleOffset + j]
                let inverseVariance = exp(-2 * logSigma)
                let residual = out[base + index] - x[base + index]
                loss += factor * (0.5 * residual * residual * inverseVariance + logSigma)
                dOut[base + index] = factor * residual * inverseVariance
                dScale[r * numeric + j] = factor * (1 - residual * residual * inverseVariance)
            }
            for block in layout.blocks {
                for j in block {
                    let target = x[base + j]
                    if target != 0 { loss -= factor * target * log(max(probabilities[base + j], 1e-300)) }
                    dOut[base + j] = factor * (probabilities[base + j] - target)
                }
            }
        }
        // Backward through the decoder to z, then through the reparameterisation and the KL term.
        let decoderPass = decoder.backward(dOut, values: decoded, rows: rows, parameters: parameters)
        var dHead = [Double](repeating: 0, count: rows * 2 * latent)
        for r in 0..<rows {
            for k in 0..<latent {
                let dz = decoderPass.input[r * latent + k]
                let mu = head[r * 2 * latent + k]
                let s = std[r * latent + k]
                dHead[r * 2 * latent + k] = dz + mu
                dHead[r * 2 * latent + latent + k] = dz * noise[r * latent + k] * 0.5 * s + 0.5 * (s * s - 1)
            }
        }
        let encoderPass = encoder.backward(dHead, values: encoded, rows: rows, parameters: parameters)
        // Per-row norms and the (clipped) sum.
        var norms = [Double](repeating: 0, count: clipNorm != nil || needNorms ? rows : 0)
        var scale: [Double]?
        if clipNorm != nil || needNorms {
            encoder.accumulateSquaredNorms(values: encoded, deltas: encoderPass.deltas, rows: rows, into: &norms)
            decoder.accumulateSquaredNorms(values: decoded, deltas: decoderPass.deltas, rows: rows, into: &norms)
            for r in 0..<rows {
                for j in 0..<numeric { norms[r] += dScale[r * numeric + j] * dScale[r * numeric + j] }
                norms[r] = norms[r].squareRoot()
            }
            if let clipNorm {
                scale = norms.map { $0 > clipNorm ? clipNorm / $0 : 1 }
            }
        }
        var gradient = [Double](repeating: 0, count: parameters.count)
        encoder.accumulateGradient(
            values: encoded, deltas: encoderPass.deltas, rows: rows, scale: scale, into: &gradient)
        decoder.accumulateGradient(
            values: decoded, deltas: decoderPass.deltas, rows: rows, scale: scale, into: &gradient)
        for r in 0..<rows {
            let s = scale?[r] ?? 1
            for j in 0..<numeric { gradient[scaleOffset + j] += s * dScale[r * numeric + j] }
        }
        return (loss, gradient, norms)
    }

    /// Clamps each log σⱼ to [log 0.01, 0] (a projection: post-processing of the parameters).
    mutating func clampScales() {
        for i in scaleOffset..<parameters.count {
            parameters[i] = min(max(parameters[i], Self.minimumLogScale), 0)
        }
    }

    /// Decodes `rows` latent draws: the decoder's output with each numeric value's mean.
    func decode(_ z: [Double], rows: Int) -> [Double] {
        let decoded = decoder.forward(z, rows: rows, parameters: parameters)
        return decoded[decoded.count - 1]
    }
}
