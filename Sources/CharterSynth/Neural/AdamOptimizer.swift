#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Adam (Kingma & Ba 2015, Algorithm 1) with decoupled-free L2 weight decay as PyTorch's `Adam`
/// applies it (g ← g + λθ), the optimiser TVAE uses (lr 1e-3, weight decay 1e-5).
struct AdamOptimizer: Sendable {
    var learningRate: Double
    var beta1 = 0.9
    var beta2 = 0.999
    var epsilon = 1e-8
    var weightDecay: Double
    private(set) var step = 0
    private var m: [Double]
    private var v: [Double]

    init(parameterCount: Int, learningRate: Double, weightDecay: Double) {
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        m = [Double](repeating: 0, count: parameterCount)
        v = [Double](repeating: 0, count: parameterCount)
    }

    /// One update of `parameters` with `gradient`.
    mutating func update(_ parameters: inout [Double], gradient: [Double]) {
        precondition(gradient.count == m.count, "one gradient per parameter")
        gradient.withUnsafeBufferPointer { g in update(&parameters) { g[$0] } }
    }

    /// One update of `parameters` with the gradient whose i-th coordinate is `gradient(i)`, computed in
    /// the same pass (a batch gradient's scaling, a sum of halves): one pass over contiguous storage.
    /// - Complexity: O(parameters).
    @inline(__always)
    mutating func update(_ parameters: inout [Double], gradient: (Int) -> Double) {
        precondition(parameters.count == m.count, "one gradient per parameter")
        step += 1
        let c1 = 1 - pow(beta1, Double(step))
        let c2 = 1 - pow(beta2, Double(step))
        let size = learningRate / c1
        let (beta1, beta2, epsilon, weightDecay) = (beta1, beta2, epsilon, weightDecay)
        parameters.withUnsafeMutableBufferPointer { theta in
            m.withUnsafeMutableBufferPointer { m in
                v.withUnsafeMutableBufferPointer { v in
                    for i in 0..<theta.count {
                        let g = gradient(i) + weightDecay * theta[i]
                        let mi = beta1 * m[i] + (1 - beta1) * g
                        let vi = beta2 * v[i] + (1 - beta2) * g * g
                        m[i] = mi
                        v[i] = vi
                        theta[i] -= size * mi / ((vi / c2).squareRoot() + epsilon)
                    }
                }
            }
        }
    }
}
