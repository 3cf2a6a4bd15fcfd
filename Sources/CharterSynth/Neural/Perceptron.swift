/// A stack of dense layers over one flat parameter vector, with the activations a backward pass needs.
///
/// The buffer forms read and write one matrix per layer boundary (`values[0]` the input,
/// `values[i + 1]` layer i's output; `deltas[i]` layer i's pre-activation gradient), each at least
/// `rows` × its width, so that a training loop reuses them from step to step.
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
    /// The width of every layer boundary, input first.
    var widths: [Int] { (layers.first.map { [$0.inputs] } ?? []) + layers.map(\.outputs) }

    /// Runs every layer on `values[0]`, writing layer i's output into `values[i + 1]`, on at most
    /// `threads` threads (as for every buffer form here).
    func forward(
        values: inout [[Double]], rows: Int, parameters: UnsafePointer<Double>,
        threads: Int = MatrixKernels.activeCores
    ) {
        for (index, layer) in layers.enumerated() {
            // Taken out of the array while written, so that reading the input is not an overlapping access.
            var output: [Double] = []
            swap(&output, &values[index + 1])
            precondition(output.count >= rows * layer.outputs, "a workspace matrix is too small")
            values[index].withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer { output in
                    layer.forward(
                        input.baseAddress!, rows: rows, parameters: parameters, into: output.baseAddress!,
                        threads: threads)
                }
            }
            swap(&output, &values[index + 1])
        }
    }

    /// The backward pass: on entry `deltas[last]` holds ∂ℓ/∂(output); on return `deltas[i]` holds
    /// layer i's pre-activation gradient and `input` (when given, `rows` × input width) ∂ℓ/∂(input).
    func backward(
        deltas: inout [[Double]], values: [[Double]], rows: Int, parameters: UnsafePointer<Double>,
        input: UnsafeMutablePointer<Double>?, threads: Int = MatrixKernels.activeCores
    ) {
        for index in stride(from: layers.count - 1, through: 0, by: -1) {
            let layer = layers[index]
            var delta: [Double] = []
            swap(&delta, &deltas[index])
            values[index + 1].withUnsafeBufferPointer { y in
                delta.withUnsafeMutableBufferPointer { d in
                    layer.activation.backward(
                        output: UnsafeBufferPointer(rebasing: y[0..<(rows * layer.outputs)]),
                        gradient: UnsafeMutableBufferPointer(rebasing: d[0..<(rows * layer.outputs)]))
                }
            }
            delta.withUnsafeBufferPointer { d in
                if index > 0 {
                    deltas[index - 1].withUnsafeMutableBufferPointer { dx in
                        layer.inputGradient(
                            d.baseAddress!, rows: rows, parameters: parameters, into: dx.baseAddress!, threads: threads)
                    }
                } else if let input {
                    layer.inputGradient(
                        d.baseAddress!, rows: rows, parameters: parameters, into: input, threads: threads)
                }
            }
            swap(&delta, &deltas[index])
        }
    }

    /// Adds each row's squared gradient norm over all layers to `norms`.
    func accumulateSquaredNorms(
        values: [[Double]], deltas: [[Double]], rows: Int, into norms: UnsafeMutablePointer<Double>
    ) {
        for (index, layer) in layers.enumerated() {
            values[index].withUnsafeBufferPointer { x in
                deltas[index].withUnsafeBufferPointer { d in
                    layer.accumulateSquaredNorms(input: x.baseAddress!, delta: d.baseAddress!, rows: rows, into: norms)
                }
            }
        }
    }

    /// Adds the row-scaled gradients of every layer to `gradient`.
    func accumulateGradient(
        values: [[Double]], deltas: [[Double]], rows: Int, scale: UnsafePointer<Double>?,
        into gradient: UnsafeMutablePointer<Double>, threads: Int = MatrixKernels.activeCores
    ) {
        for (index, layer) in layers.enumerated() {
            values[index].withUnsafeBufferPointer { x in
                deltas[index].withUnsafeBufferPointer { d in
                    layer.accumulateGradient(
                        input: x.baseAddress!, delta: d.baseAddress!, rows: rows, scale: scale, into: gradient,
                        threads: threads)
                }
            }
        }
    }

    // MARK: Array forms (tests and one-off calls)

    /// The input of every layer followed by the final output (`layers.count + 1` matrices).
    func forward(_ x: [Double], rows: Int, parameters: [Double]) -> [[Double]] {
        var values = [x] + layers.map { [Double](repeating: 0, count: rows * $0.outputs) }
        parameters.withUnsafeBufferPointer { p in forward(values: &values, rows: rows, parameters: p.baseAddress!) }
        return values
    }

    /// The pre-activation gradient of every layer (δ, in layer order) and the gradient with respect to
    /// the input, given ∂ℓ/∂(output) and the values `forward` returned.
    func backward(_ outputGradient: [Double], values: [[Double]], rows: Int, parameters: [Double]) -> (
        deltas: [[Double]], input: [Double]
    ) {
        var deltas = layers.map { [Double](repeating: 0, count: rows * $0.outputs) }
        deltas[deltas.count - 1] = outputGradient
        var input = [Double](repeating: 0, count: rows * (layers.first?.inputs ?? 0))
        parameters.withUnsafeBufferPointer { p in
            input.withUnsafeMutableBufferPointer { input in
                backward(
                    deltas: &deltas, values: values, rows: rows, parameters: p.baseAddress!, input: input.baseAddress!)
            }
        }
        return (deltas, input)
    }

    /// Adds the row-scaled gradients of every layer to `gradient`.
    func accumulateGradient(
        values: [[Double]], deltas: [[Double]], rows: Int, scale: [Double]?, into gradient: inout [Double]
    ) {
        gradient.withUnsafeMutableBufferPointer { g in
            if let scale {
                scale.withUnsafeBufferPointer { s in
                    accumulateGradient(
                        values: values, deltas: deltas, rows: rows, scale: s.baseAddress!, into: g.baseAddress!)
                }
            } else {
                accumulateGradient(values: values, deltas: deltas, rows: rows, scale: nil, into: g.baseAddress!)
            }
        }
    }
}
