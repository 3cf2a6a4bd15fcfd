internal import CharterKernels
internal import Dispatch

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
                    let buffers = AdamBuffers(
                        theta: theta.baseAddress, m: m.baseAddress, v: v.baseAddress, first: first.baseAddress,
                        second: second?.baseAddress, noise: noise?.baseAddress)
                    // Each coordinate is its own: the parameters split across the cores change no bits (the
                    // pass streams five vectors of the size of the model, more than one core's L2 holds).
                    let threads = count >= Self.parallelThreshold ? min(2, MatrixKernels.activeCores) : 1
                    @Sendable func run(_ part: Int) {
                        let start = count * part / threads
                        let end = count * (part + 1) / threads
                        charter_adam_update(
                            end - start, buffers.theta.map { $0 + start }, buffers.m.map { $0 + start },
                            buffers.v.map { $0 + start }, buffers.first.map { $0 + start },
                            buffers.second.map { $0 + start }, buffers.noise.map { $0 + start }, stddev, scale, divide,
                            beta1, beta2, c2, size, epsilon, weightDecay, vectorised ? 1 : 0)
                    }
                    if threads > 1 {
                        DispatchQueue.concurrentPerform(iterations: threads, execute: run)
                    } else {
                        run(0)
                    }
                }
            }
        }
    }

    /// Updates of fewer parameters than this run on one thread.
    static let parallelThreshold = 1 << 15
}

/// The vectors of one ``AdamOptimizer`` update, handed to the threads that split it.
// INVARIANT: the pointers come from the update's `withUnsafe…` scopes, which enclose the
// concurrentPerform, and each thread reads and writes only its own range of coordinates.
private struct AdamBuffers: @unchecked Sendable {
    let theta: UnsafeMutablePointer<Double>?
    let m: UnsafeMutablePointer<Double>?
    let v: UnsafeMutablePointer<Double>?
    let first: UnsafePointer<Double>?
    let second: UnsafePointer<Double>?
    let noise: UnsafePointer<Double>?
}
