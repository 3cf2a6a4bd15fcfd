#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An elementwise activation after a dense layer.
enum Activation: String, Sendable, Hashable {
    case identity
    case relu
    case tanh

    /// y = f(x), in place.
    func apply(_ x: inout [Double]) {
        switch self {
        case .identity: break
        case .relu: for i in x.indices where x[i] < 0 { x[i] = 0 }
        case .tanh: for i in x.indices { x[i] = hyperbolicTangent(x[i]) }
        }
    }

    /// δ ← δ ⊙ f′, where f′ is written in terms of the output y = f(x) (ReLU: y > 0; tanh: 1 − y²).
    func backward(output y: [Double], gradient delta: inout [Double]) {
        precondition(y.count == delta.count, "one gradient per output")
        switch self {
        case .identity: break
        case .relu: for i in delta.indices where y[i] <= 0 { delta[i] = 0 }
        case .tanh: for i in delta.indices { delta[i] *= 1 - y[i] * y[i] }
        }
    }
}

@inline(__always)
private func hyperbolicTangent(_ x: Double) -> Double { tanh(x) }

/// Softmax over consecutive column blocks of a row-major matrix (one block per categorical column).
enum BlockSoftmax {
    /// The probabilities of each block of each row of `logits` (`rows` × `width`), blocks given as
    /// column ranges; columns outside every block are copied unchanged.
    /// - Complexity: O(rows · width).
    static func apply(_ logits: [Double], rows: Int, width: Int, blocks: [Range<Int>]) -> [Double] {
        var out = logits
        for r in 0..<rows {
            let base = r * width
            for block in blocks {
                var top = -Double.infinity
                for j in block { top = max(top, logits[base + j]) }
                var total = 0.0
                for j in block {
                    let e = exp(logits[base + j] - top)
                    out[base + j] = e
                    total += e
                }
                for j in block { out[base + j] /= total }
            }
        }
        return out
    }
}
