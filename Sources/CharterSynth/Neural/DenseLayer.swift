#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A fully connected layer y = f(x·W + b) whose weights live in a network's flat parameter vector:
/// W (`inputs` × `outputs`, row-major) at `offset`, then b (`outputs`).
struct DenseLayer: Sendable, Hashable {
    var inputs: Int
    var outputs: Int
    var activation: Activation
    /// Where W starts in the parameter vector; b follows it.
    var offset: Int

    /// The number of parameters: inputs·outputs weights and outputs biases.
    var parameterCount: Int { inputs * outputs + outputs }
    var biasOffset: Int { offset + inputs * outputs }

    /// Writes PyTorch's default initialisation (`nn.Linear`: W and b uniform in ±1/√inputs) from the
    /// model's seeded randomness.
    func initialise(_ parameters: inout [Double], random: inout ModelRandomness) {
        let bound = 1 / Double(inputs).squareRoot()
        for i in offset..<(offset + parameterCount) { parameters[i] = (2 * random.unit() - 1) * bound }
    }

    /// y = f(x·W + b) for `rows` rows of x.
    /// - Complexity: O(rows · inputs · outputs).
    func forward(_ x: [Double], rows: Int, parameters: [Double]) -> [Double] {
        precondition(x.count == rows * inputs, "x must be rows × inputs")
        var y = [Double](repeating: 0, count: rows * outputs)
        parameters.withUnsafeBufferPointer { p in
            let bias = p.baseAddress! + biasOffset
            y.withUnsafeMutableBufferPointer { y in
                for r in 0..<rows {
                    (y.baseAddress! + r * outputs).update(from: bias, count: outputs)
                }
                x.withUnsafeBufferPointer { x in
                    MatrixKernels.multiply(
                        x.baseAddress!, p.baseAddress! + offset, into: y.baseAddress!, m: rows, k: inputs, n: outputs,
                        accumulate: true)
                }
            }
        }
        activation.apply(&y)
        return y
    }

    /// The gradient with respect to x, δ·Wᵀ, for the pre-activation gradient δ (`rows` × `outputs`).
    func inputGradient(_ delta: [Double], rows: Int, parameters: [Double]) -> [Double] {
        var dx = [Double](repeating: 0, count: rows * inputs)
        parameters.withUnsafeBufferPointer { p in
            delta.withUnsafeBufferPointer { d in
                dx.withUnsafeMutableBufferPointer { dx in
                    MatrixKernels.multiplyTransposedB(
                        d.baseAddress!, p.baseAddress! + offset, into: dx.baseAddress!, m: rows, k: inputs, n: outputs)
                }
            }
        }
        return dx
    }

    /// Adds Σᵣ sᵣ·(xᵣ ⊗ δᵣ) to W's gradient and Σᵣ sᵣ·δᵣ to b's (`scale` nil: sᵣ = 1).
    func accumulateGradient(
        input x: [Double], delta: [Double], rows: Int, scale: [Double]?, into gradient: inout [Double]
    ) {
        gradient.withUnsafeMutableBufferPointer { g in
            x.withUnsafeBufferPointer { x in
                delta.withUnsafeBufferPointer { d in
                    if let scale {
                        scale.withUnsafeBufferPointer { s in
                            MatrixKernels.multiplyTransposedA(
                                x.baseAddress!, d.baseAddress!, rowScale: s.baseAddress!,
                                into: g.baseAddress! + offset, m: rows, k: inputs, n: outputs, accumulate: true)
                        }
                    } else {
                        MatrixKernels.multiplyTransposedA(
                            x.baseAddress!, d.baseAddress!, rowScale: nil, into: g.baseAddress! + offset, m: rows,
                            k: inputs, n: outputs, accumulate: true)
                    }
                }
            }
            let b = g.baseAddress! + biasOffset
            for r in 0..<rows {
                let s = scale?[r] ?? 1
                if s == 0 { continue }
                for j in 0..<outputs { b[j] += s * delta[r * outputs + j] }
            }
        }
    }

    /// ‖∂ℓᵣ/∂(W, b)‖² of each row's own gradient: (‖xᵣ‖² + 1)·‖δᵣ‖², added to `norms` (Goodfellow 2015,
    /// "Efficient per-example gradient computations": a dense layer's per-example gradient is the
    /// outer product xᵣ ⊗ δᵣ, whose Frobenius norm factorises).
    func accumulateSquaredNorms(input x: [Double], delta: [Double], rows: Int, into norms: inout [Double]) {
        for r in 0..<rows {
            var xx = 1.0
            for j in 0..<inputs { xx += x[r * inputs + j] * x[r * inputs + j] }
            var dd = 0.0
            for j in 0..<outputs { dd += delta[r * outputs + j] * delta[r * outputs + j] }
            norms[r] += xx * dd
        }
    }
}

/// A stack of dense layers over one flat parameter vector, with the activations a backward pass needs.
struct Perceptron: Sendable, Hashable {
    var layers: [DenseLayer]

    /// Layers of the given widths, ReLU between them and `last` after the final one, placed at
    /// `offset` in the parameter vector.
    init(widths: [Int], last: Activation, offset: Int) {
        precondition(widths.count >= 2, "a perceptron needs an input and an output width")
        var layers: [DenseLayer] = []
        var position = offset
        for index in 0..<(widths.count - 1) {
            let layer = DenseLayer(
                inputs: widths[index], outputs: widths[index + 1],
                activation: index == widths.count - 2 ? last : .relu, offset: position)
            position += layer.parameterCount
            layers.append(layer)
        }
        self.layers = layers
    }

    var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }
    var end: Int { layers.last.map { $0.offset + $0.parameterCount } ?? 0 }

    /// The input of every layer followed by the final output (`layers.count + 1` matrices).
    func forward(_ x: [Double], rows: Int, parameters: [Double]) -> [[Double]] {
        var values = [x]
        values.reserveCapacity(layers.count + 1)
        for layer in layers {
            values.append(layer.forward(values[values.count - 1], rows: rows, parameters: parameters))
        }
        return values
    }

    /// The pre-activation gradient of every layer (δ, in layer order) and the gradient with respect to
    /// the input, given ∂ℓ/∂(output) and the values `forward` returned.
    func backward(_ outputGradient: [Double], values: [[Double]], rows: Int, parameters: [Double]) -> (
        deltas: [[Double]], input: [Double]
    ) {
        var deltas = [[Double]](repeating: [], count: layers.count)
        var gradient = outputGradient
        for index in stride(from: layers.count - 1, through: 0, by: -1) {
            layers[index].activation.backward(output: values[index + 1], gradient: &gradient)
            deltas[index] = gradient
            gradient = layers[index].inputGradient(gradient, rows: rows, parameters: parameters)
        }
        return (deltas, gradient)
    }

    /// Adds each row's squared gradient norm over all layers to `norms`.
    func accumulateSquaredNorms(values: [[Double]], deltas: [[Double]], rows: Int, into norms: inout [Double]) {
        for (index, layer) in layers.enumerated() {
            layer.accumulateSquaredNorms(input: values[index], delta: deltas[index], rows: rows, into: &norms)
        }
    }

    /// Adds the row-scaled gradients of every layer to `gradient`.
    func accumulateGradient(
        values: [[Double]], deltas: [[Double]], rows: Int, scale: [Double]?, into gradient: inout [Double]
    ) {
        for (index, layer) in layers.enumerated() {
            layer.accumulateGradient(
                input: values[index], delta: deltas[index], rows: rows, scale: scale, into: &gradient)
        }
    }
}
