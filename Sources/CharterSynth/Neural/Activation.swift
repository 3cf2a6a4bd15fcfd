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
        x.withUnsafeMutableBufferPointer { apply($0) }
    }

    /// y = f(x), in place. ReLU runs eight lanes at a time and keeps x where x < 0 is false (−0 and
    /// NaN pass through, as in the scalar form).
    func apply(_ x: UnsafeMutableBufferPointer<Double>) {
        guard let base = x.baseAddress else { return }
        switch self {
        case .identity: break
        case .relu:
            var i = 0
            while i + 8 <= x.count {
                let raw = UnsafeMutableRawPointer(base + i)
                let v = raw.loadUnaligned(as: SIMD8<Double>.self)
                raw.storeBytes(of: v.replacing(with: 0, where: v .< 0), as: SIMD8<Double>.self)
                i += 8
            }
            while i < x.count {
                if base[i] < 0 { base[i] = 0 }
                i += 1
            }
        case .tanh: for i in x.indices { x[i] = hyperbolicTangent(x[i]) }
        }
    }

    /// δ ← δ ⊙ f′, where f′ is written in terms of the output y = f(x) (ReLU: y > 0; tanh: 1 − y²).
    func backward(output y: [Double], gradient delta: inout [Double]) {
        precondition(y.count == delta.count, "one gradient per output")
        y.withUnsafeBufferPointer { y in delta.withUnsafeMutableBufferPointer { backward(output: y, gradient: $0) } }
    }

    /// δ ← δ ⊙ f′ on buffers of equal length.
    func backward(output y: UnsafeBufferPointer<Double>, gradient delta: UnsafeMutableBufferPointer<Double>) {
        precondition(y.count == delta.count, "one gradient per output")
        guard let d = delta.baseAddress, let out = y.baseAddress else { return }
        switch self {
        case .identity: break
        case .relu:
            var i = 0
            while i + 8 <= delta.count {
                let raw = UnsafeMutableRawPointer(d + i)
                let v = raw.loadUnaligned(as: SIMD8<Double>.self)
                let o = UnsafeRawPointer(out + i).loadUnaligned(as: SIMD8<Double>.self)
                raw.storeBytes(of: v.replacing(with: 0, where: o .<= 0), as: SIMD8<Double>.self)
                i += 8
            }
            while i < delta.count {
                if out[i] <= 0 { d[i] = 0 }
                i += 1
            }
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
        logits.withUnsafeBufferPointer { logits in
            out.withUnsafeMutableBufferPointer { out in
                apply(logits.baseAddress!, rows: rows, width: width, blocks: blocks, into: out.baseAddress!)
            }
        }
        return out
    }

    /// The same into `out` (`rows` × `width`), which may not overlap `logits`.
    static func apply(
        _ logits: UnsafePointer<Double>, rows: Int, width: Int, blocks: [Range<Int>],
        into out: UnsafeMutablePointer<Double>
    ) {
        out.update(from: logits, count: rows * width)
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
    }
}
