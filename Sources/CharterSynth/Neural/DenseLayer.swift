#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A fully connected layer y = f(x·W + b) whose weights live in a network's flat parameter vector:
/// W (`inputs` × `outputs`, row-major) at `offset`, then b (`outputs`).
///
/// The passes work on raw buffers that the caller owns (a ``VAEWorkspace`` during training, so that
/// no step allocates); the array forms beside them are for tests and one-off calls.
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

    /// y = f(x·W + b) for `rows` rows of x (`rows` × `inputs`) into y (`rows` × `outputs`), on at most
    /// `threads` threads (as for every buffer form here).
    /// - Complexity: O(rows · inputs · outputs).
    func forward(
        _ x: UnsafePointer<Double>, rows: Int, parameters p: UnsafePointer<Double>,
        into y: UnsafeMutablePointer<Double>, threads: Int = MatrixKernels.activeCores
    ) {
        let bias = p + biasOffset
        for r in 0..<rows { (y + r * outputs).update(from: bias, count: outputs) }
        MatrixKernels.multiply(
            x, p + offset, into: y, m: rows, k: inputs, n: outputs, accumulate: true, threads: threads)
        activation.apply(UnsafeMutableBufferPointer(start: y, count: rows * outputs))
    }

    /// y = f(x·W + b) for `rows` rows of x.
    func forward(_ x: [Double], rows: Int, parameters: [Double]) -> [Double] {
        precondition(x.count == rows * inputs, "x must be rows × inputs")
        var y = [Double](repeating: 0, count: rows * outputs)
        parameters.withUnsafeBufferPointer { p in
            x.withUnsafeBufferPointer { x in
                y.withUnsafeMutableBufferPointer { y in
                    forward(x.baseAddress!, rows: rows, parameters: p.baseAddress!, into: y.baseAddress!)
                }
            }
        }
        return y
    }

    /// The gradient with respect to x, δ·Wᵀ (`rows` × `inputs`), for the pre-activation gradient δ
    /// (`rows` × `outputs`).
    func inputGradient(
        _ delta: UnsafePointer<Double>, rows: Int, parameters p: UnsafePointer<Double>,
        into dx: UnsafeMutablePointer<Double>, threads: Int = MatrixKernels.activeCores
    ) {
        MatrixKernels.multiplyTransposedB(
            delta, p + offset, into: dx, m: rows, k: inputs, n: outputs, threads: threads)
    }

    /// The gradient with respect to x, δ·Wᵀ, for the pre-activation gradient δ (`rows` × `outputs`).
    func inputGradient(_ delta: [Double], rows: Int, parameters: [Double]) -> [Double] {
        var dx = [Double](repeating: 0, count: rows * inputs)
        parameters.withUnsafeBufferPointer { p in
            delta.withUnsafeBufferPointer { d in
                dx.withUnsafeMutableBufferPointer { dx in
                    inputGradient(d.baseAddress!, rows: rows, parameters: p.baseAddress!, into: dx.baseAddress!)
                }
            }
        }
        return dx
    }

    /// Adds Σᵣ sᵣ·(xᵣ ⊗ δᵣ) to W's gradient and Σᵣ sᵣ·δᵣ to b's (`scale` nil: sᵣ = 1).
    func accumulateGradient(
        input x: UnsafePointer<Double>, delta: UnsafePointer<Double>, rows: Int, scale: UnsafePointer<Double>?,
        into g: UnsafeMutablePointer<Double>, threads: Int = MatrixKernels.activeCores
    ) {
        MatrixKernels.multiplyTransposedA(
            x, delta, rowScale: scale, into: g + offset, m: rows, k: inputs, n: outputs, accumulate: true,
            threads: threads)
        let b = g + biasOffset
        for r in 0..<rows {
            let s = scale?[r] ?? 1
            if s == 0 { continue }
            let d = delta + r * outputs
            for j in 0..<outputs { b[j] += s * d[j] }
        }
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
                            accumulateGradient(
                                input: x.baseAddress!, delta: d.baseAddress!, rows: rows, scale: s.baseAddress!,
                                into: g.baseAddress!)
                        }
                    } else {
                        accumulateGradient(
                            input: x.baseAddress!, delta: d.baseAddress!, rows: rows, scale: nil, into: g.baseAddress!)
                    }
                }
            }
        }
    }

    /// ‖∂ℓᵣ/∂(W, b)‖² of each row's own gradient: (‖xᵣ‖² + 1)·‖δᵣ‖², added to `norms` (Goodfellow 2015,
    /// "Efficient per-example gradient computations": a dense layer's per-example gradient is the
    /// outer product xᵣ ⊗ δᵣ, whose Frobenius norm factorises).
    func accumulateSquaredNorms(
        input x: UnsafePointer<Double>, delta: UnsafePointer<Double>, rows: Int,
        into norms: UnsafeMutablePointer<Double>
    ) {
        for r in 0..<rows {
            var xx = 1.0
            let xr = x + r * inputs
            for j in 0..<inputs { xx += xr[j] * xr[j] }
            var dd = 0.0
            let dr = delta + r * outputs
            for j in 0..<outputs { dd += dr[j] * dr[j] }
            norms[r] += xx * dd
        }
    }
}
