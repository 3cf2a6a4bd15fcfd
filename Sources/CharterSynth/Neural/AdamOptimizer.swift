internal import CharterKernels

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

    /// How the summed gradient is scaled before the update: multiplied (by 1/batch size) or divided (by
    /// DP-SGD's expected batch size), as the training loop writes it.
    enum Scaling {
        case times(Double)
        case dividedBy(Double)
    }

    /// One update of `parameters` with `gradient`.
    mutating func update(_ parameters: inout [Double], gradient: [Double]) {
        precondition(gradient.count == m.count, "one gradient per parameter")
        gradient.withUnsafeBufferPointer { update(&parameters, sum: $0, nil, scaling: .times(1)) }
    }

    /// One update of `parameters` with the gradient gᵢ = (firstᵢ + secondᵢ + stddev·noiseᵢ), scaled,
    /// formed in the update's own pass over contiguous storage (CharterKernels' `charter_adam_update`;
    /// eight coordinates per instruction where the CPU has AVX-512F unless `vectorised` is false, the
    /// same bits either way). `second` and `noise` may be absent.
    /// - Complexity: O(parameters).
    mutating func update(
        _ parameters: inout [Double], sum first: UnsafeBufferPointer<Double>, _ second: UnsafeBufferPointer<Double>?,
        noise: UnsafeBufferPointer<Double>? = nil, stddev: Double = 0, scaling: Scaling, vectorised: Bool = true
    ) {
        let count = m.count
        precondition(
            parameters.count == count && first.count >= count && (second?.count ?? count) >= count
                && (noise?.count ?? count) >= count, "one gradient per parameter")
        step += 1
        let c1 = 1 - pow(beta1, Double(step))
        let c2 = 1 - pow(beta2, Double(step))
        let size = learningRate / c1
        let (scale, divide): (Double, Int32) =
            switch scaling {
            case .times(let factor): (factor, 0)
            case .dividedBy(let divisor): (divisor, 1)
            }
        let (beta1, beta2, epsilon, weightDecay) = (beta1, beta2, epsilon, weightDecay)
        parameters.withUnsafeMutableBufferPointer { theta in
            m.withUnsafeMutableBufferPointer { m in
                v.withUnsafeMutableBufferPointer { v in
                    charter_adam_update(
                        count, theta.baseAddress, m.baseAddress, v.baseAddress, first.baseAddress, second?.baseAddress,
                        noise?.baseAddress, stddev, scale, divide, beta1, beta2, c2, size, epsilon, weightDecay,
                        vectorised ? 1 : 0)
                }
            }
        }
    }
}
