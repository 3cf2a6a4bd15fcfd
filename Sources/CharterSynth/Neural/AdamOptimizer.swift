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
        precondition(parameters.count == m.count && gradient.count == m.count, "one gradient per parameter")
        step += 1
        let c1 = 1 - pow(beta1, Double(step))
        let c2 = 1 - pow(beta2, Double(step))
        let size = learningRate / c1
        for i in parameters.indices {
            let g = gradient[i] + weightDecay * parameters[i]
            m[i] = beta1 * m[i] + (1 - beta1) * g
            v[i] = beta2 * v[i] + (1 - beta2) * g * g
            parameters[i] -= size * m[i] / ((v[i] / c2).squareRoot() + epsilon)
        }
    }
}
