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
        var workspace = VAEWorkspace(model: self, rows: rows)
        workspace.encoded[0].replaceSubrange(0..<x.count, with: x)
        workspace.present.replaceSubrange(0..<present.count, with: present)
        workspace.noise.replaceSubrange(0..<noise.count, with: noise)
        let loss = lossAndGradient(rows: rows, clipNorm: clipNorm, needNorms: needNorms, workspace: &workspace)
        let norms = clipNorm != nil || needNorms ? Array(workspace.norms[0..<rows]) : []
        return (loss, workspace.gradient, norms)
    }

    /// The same on a batch already written into `workspace` (`encoded[0]`, `present`, `noise`): returns
    /// the summed loss and leaves the gradient in `workspace.gradient` and, with clipping or
    /// `needNorms`, each row's norm in `workspace.norms`. Allocates nothing. The matrix products use at
    /// most `threads` threads (the bits do not depend on it).
    func lossAndGradient(
        rows: Int, clipNorm: Double?, needNorms: Bool = false, threads: Int = MatrixKernels.activeCores,
        workspace w: inout VAEWorkspace
    ) -> Double {
        precondition(rows <= w.capacity, "the workspace holds fewer rows than the batch")
        let width = layout.width
        let numeric = layout.numericIndices.count
        let latent = self.latent
        return parameters.withUnsafeBufferPointer { parameterBuffer in
            let p = parameterBuffer.baseAddress!
            // Encoder and reparameterisation: z into the decoder's input.
            encoder.forward(values: &w.encoded, rows: rows, parameters: p, threads: threads)
            let head = w.encoded[w.encoded.count - 1]
            var z: [Double] = []
            swap(&z, &w.decoded[0])
            var kl = 0.0
            precondition(
                head.count >= rows * 2 * latent && z.count >= rows * latent && w.noise.count >= rows * latent
                    && w.std.count >= rows * latent, "a workspace matrix is too small")
            head.withUnsafeBufferPointer { head in
                w.noise.withUnsafeBufferPointer { noise in
                    w.std.withUnsafeMutableBufferPointer { std in
                        z.withUnsafeMutableBufferPointer { z in
                            for r in 0..<rows {
                                let h = r * 2 * latent
                                let o = r * latent
                                for k in 0..<latent {
                                    let mu = head[h + k]
                                    let logVar = head[h + latent + k]
                                    let s = exp(0.5 * logVar)
                                    std[o + k] = s
                                    z[o + k] = mu + s * noise[o + k]
                                    kl += 0.5 * (mu * mu + s * s - 1 - logVar)
                                }
                            }
                        }
                    }
                }
            }
            swap(&z, &w.decoded[0])
            decoder.forward(values: &w.decoded, rows: rows, parameters: p, threads: threads)
            let out = w.decoded[w.decoded.count - 1]
            out.withUnsafeBufferPointer { out in
                w.probabilities.withUnsafeMutableBufferPointer { probabilities in
                    BlockSoftmax.apply(
                        out.baseAddress!, rows: rows, width: width, blocks: layout.blocks,
                        into: probabilities.baseAddress!)
                }
            }
            // Reconstruction loss and its gradient with respect to the decoder output and log σ.
            var loss = kl
            var dOut: [Double] = []
            swap(&dOut, &w.decoderDeltas[w.decoderDeltas.count - 1])
            let factor = Self.lossFactor
            let numericIndices = layout.numericIndices
            let blocks = layout.blocks
            precondition(
                dOut.count >= rows * width && w.encoded[0].count >= rows * width && w.present.count >= rows * numeric
                    && w.scaleGradient.count >= rows * numeric && numericIndices.allSatisfy { $0 < width }
                    && blocks.allSatisfy { $0.lowerBound >= 0 && $0.upperBound <= width },
                "a workspace matrix is too small")
            out.withUnsafeBufferPointer { out in
                w.encoded[0].withUnsafeBufferPointer { x in
                    w.probabilities.withUnsafeBufferPointer { probabilities in
                        w.present.withUnsafeBufferPointer { present in
                            w.scaleGradient.withUnsafeMutableBufferPointer { scaleGradient in
                                dOut.withUnsafeMutableBufferPointer { dOut in
                                    for r in 0..<rows {
                                        let base = r * width
                                        for (j, index) in numericIndices.enumerated() {
                                            guard present[r * numeric + j] != 0 else {
                                                dOut[base + index] = 0
                                                scaleGradient[r * numeric + j] = 0
                                                continue
                                            }
                                            let logSigma = parameterBuffer[scaleOffset + j]
                                            let inverseVariance = exp(-2 * logSigma)
                                            let residual = out[base + index] - x[base + index]
                                            loss += factor * (0.5 * residual * residual * inverseVariance + logSigma)
                                            dOut[base + index] = factor * residual * inverseVariance
                                            scaleGradient[r * numeric + j] =
                                                factor * (1 - residual * residual * inverseVariance)
                                        }
                                        for block in blocks {
                                            for j in block {
                                                let target = x[base + j]
                                                let probability = probabilities[base + j]
                                                if target != 0 {
                                                    loss -= factor * target * log(max(probability, 1e-300))
                                                }
                                                dOut[base + j] = factor * (probability - target)
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            swap(&dOut, &w.decoderDeltas[w.decoderDeltas.count - 1])
            // Backward through the decoder to z, then through the reparameterisation and the KL term.
            var latentGradient: [Double] = []
            swap(&latentGradient, &w.latentGradient)
            latentGradient.withUnsafeMutableBufferPointer { dz in
                decoder.backward(
                    deltas: &w.decoderDeltas, values: w.decoded, rows: rows, parameters: p, input: dz.baseAddress!,
                    threads: threads)
            }
            swap(&latentGradient, &w.latentGradient)
            var dHead: [Double] = []
            swap(&dHead, &w.encoderDeltas[w.encoderDeltas.count - 1])
            precondition(dHead.count >= rows * 2 * latent, "a workspace matrix is too small")
            head.withUnsafeBufferPointer { head in
                w.latentGradient.withUnsafeBufferPointer { latentGradient in
                    w.std.withUnsafeBufferPointer { std in
                        w.noise.withUnsafeBufferPointer { noise in
                            dHead.withUnsafeMutableBufferPointer { dHead in
                                for r in 0..<rows {
                                    let h = r * 2 * latent
                                    let o = r * latent
                                    for k in 0..<latent {
                                        let dz = latentGradient[o + k]
                                        let s = std[o + k]
                                        dHead[h + k] = dz + head[h + k]
                                        dHead[h + latent + k] = dz * noise[o + k] * 0.5 * s + 0.5 * (s * s - 1)
                                    }
                                }
                            }
                        }
                    }
                }
            }
            swap(&dHead, &w.encoderDeltas[w.encoderDeltas.count - 1])
            // The encoder's input gradient is never used.
            encoder.backward(
                deltas: &w.encoderDeltas, values: w.encoded, rows: rows, parameters: p, input: nil, threads: threads)
            // Per-row norms and the (clipped) sum.
            let clipped = clipNorm != nil
            if clipped || needNorms {
                var norms: [Double] = []
                swap(&norms, &w.norms)
                norms.withUnsafeMutableBufferPointer { norms in
                    let n = norms.baseAddress!
                    n.update(repeating: 0, count: rows)
                    encoder.accumulateSquaredNorms(values: w.encoded, deltas: w.encoderDeltas, rows: rows, into: n)
                    decoder.accumulateSquaredNorms(values: w.decoded, deltas: w.decoderDeltas, rows: rows, into: n)
                }
                for r in 0..<rows {
                    for j in 0..<numeric {
                        norms[r] += w.scaleGradient[r * numeric + j] * w.scaleGradient[r * numeric + j]
                    }
                    norms[r] = norms[r].squareRoot()
                }
                if let clipNorm {
                    for r in 0..<rows { w.clipping[r] = norms[r] > clipNorm ? clipNorm / norms[r] : 1 }
                }
                swap(&norms, &w.norms)
            }
            var gradient: [Double] = []
            swap(&gradient, &w.gradient)
            gradient.withUnsafeMutableBufferPointer { g in
                let g = g.baseAddress!
                g.update(repeating: 0, count: parameters.count)
                let clipping = w.clipping
                clipping.withUnsafeBufferPointer { clipping in
                    let scale = clipped ? clipping.baseAddress : nil
                    encoder.accumulateGradient(
                        values: w.encoded, deltas: w.encoderDeltas, rows: rows, scale: scale, into: g, threads: threads)
                    decoder.accumulateGradient(
                        values: w.decoded, deltas: w.decoderDeltas, rows: rows, scale: scale, into: g, threads: threads)
                }
            }
            for r in 0..<rows {
                let s = clipped ? w.clipping[r] : 1
                for j in 0..<numeric { gradient[scaleOffset + j] += s * w.scaleGradient[r * numeric + j] }
            }
            swap(&gradient, &w.gradient)
            return loss
        }
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
