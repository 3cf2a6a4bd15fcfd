import CharterData
import Testing

@testable import CharterSynth

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Every backward pass of the network core against central finite differences.
@Suite struct NeuralGradientTests {
    /// Central difference of `f` at `parameters[index]`.
    static func numeric(_ parameters: [Double], _ index: Int, h: Double = 1e-6, _ f: ([Double]) -> Double) -> Double {
        var plus = parameters
        var minus = parameters
        plus[index] += h
        minus[index] -= h
        return (f(plus) - f(minus)) / (2 * h)
    }

    static func expectClose(_ analytic: Double, _ numeric: Double, _ what: String) {
        let scale = max(1, abs(analytic), abs(numeric))
        #expect(abs(analytic - numeric) / scale < 1e-6, "\(what): analytic \(analytic), numeric \(numeric)")
    }

    static func randomVector(_ count: Int, _ random: inout ModelRandomness) -> [Double] {
        (0..<count).map { _ in 2 * random.unit() - 1 }
    }

    @Test(arguments: [Activation.identity, .relu, .tanh])
    func denseLayerWeightsBiasAndInput(activation: Activation) {
        var random = ModelRandomness(seed: 7)
        let layer = DenseLayer(inputs: 5, outputs: 4, activation: activation, offset: 3)
        var parameters = [Double](repeating: 0, count: 3 + layer.parameterCount)
        layer.initialise(&parameters, random: &random)
        let rows = 3
        let x = Self.randomVector(rows * 5, &random)
        let weights = Self.randomVector(rows * 4, &random)
        // ℓ = Σ w ⊙ f(xW + b).
        func loss(_ p: [Double], _ x: [Double]) -> Double {
            zip(layer.forward(x, rows: rows, parameters: p), weights).reduce(0) { $0 + $1.0 * $1.1 }
        }
        let y = layer.forward(x, rows: rows, parameters: parameters)
        var delta = weights
        activation.backward(output: y, gradient: &delta)
        var gradient = [Double](repeating: 0, count: parameters.count)
        layer.accumulateGradient(input: x, delta: delta, rows: rows, scale: nil, into: &gradient)
        for index in 3..<parameters.count {
            Self.expectClose(gradient[index], Self.numeric(parameters, index) { loss($0, x) }, "parameter \(index)")
        }
        let dx = layer.inputGradient(delta, rows: rows, parameters: parameters)
        for index in x.indices {
            Self.expectClose(dx[index], Self.numeric(x, index) { loss(parameters, $0) }, "input \(index)")
        }
        #expect(gradient[0..<3].allSatisfy { $0 == 0 }, "other parameters are untouched")
    }

    @Test func perceptronBackward() {
        var random = ModelRandomness(seed: 11)
        let network = Perceptron(widths: [4, 6, 5, 3], last: .tanh, offset: 0)
        var parameters = [Double](repeating: 0, count: network.parameterCount)
        for layer in network.layers { layer.initialise(&parameters, random: &random) }
        let rows = 4
        let x = Self.randomVector(rows * 4, &random)
        let weights = Self.randomVector(rows * 3, &random)
        func loss(_ p: [Double]) -> Double {
            let values = network.forward(x, rows: rows, parameters: p)
            return zip(values[values.count - 1], weights).reduce(0) { $0 + $1.0 * $1.1 }
        }
        let values = network.forward(x, rows: rows, parameters: parameters)
        let pass = network.backward(weights, values: values, rows: rows, parameters: parameters)
        var gradient = [Double](repeating: 0, count: parameters.count)
        network.accumulateGradient(values: values, deltas: pass.deltas, rows: rows, scale: nil, into: &gradient)
        for index in parameters.indices {
            Self.expectClose(gradient[index], Self.numeric(parameters, index, loss), "parameter \(index)")
        }
    }

    @Test func blockSoftmaxSumsToOnePerBlock() {
        let logits: [Double] = [1, 2, 3, 0.5, -1, 4, 4]
        let p = BlockSoftmax.apply(logits, rows: 1, width: 7, blocks: [0..<3, 4..<7])
        #expect(abs(p[0] + p[1] + p[2] - 1) < 1e-12)
        #expect(abs(p[4] + p[5] + p[6] - 1) < 1e-12)
        #expect(p[3] == 0.5, "columns outside every block are copied")
        #expect(abs(p[5] - p[6]) < 1e-15)
    }

    /// A VAE small enough to check every parameter: numeric and categorical columns, a missing
    /// value, the Gaussian and cross-entropy losses, the KL term and the learned scales.
    static func smallVAE() -> (TabularVAE, x: [Double], present: [Double], noise: [Double], rows: Int) {
        let table = SynthFixtures.numericTable([("a", [1, 2, nil, 4]), ("b", [0.5, 0.25, 0.75, 1])])
        var columns = table.columns
        columns.append(SynthFixtures.textColumn("c", ["x", "y", "x", nil]))
        let settings = GeneratorSettings(
            seed: 1, schema: TableSchema(types: [:]),
            domains: [
                "a": .numeric(lower: 0, upper: 5, integral: true), "b": .numeric(lower: 0, upper: 1, integral: false),
                "c": .categorical(["x", "y"]),
            ])
        let data = try! TrainingData.prepare(
            training: .init(columns: columns), rowCount: 1, settings: settings, requireDomains: true)
        let layout = TabularLayout(data, empirical: false)
        var random = ModelRandomness(seed: 3)
        var model = TabularVAE(layout: layout, hidden: [5, 4], latent: 2, random: &random)
        for index in model.scaleOffset..<model.parameters.count {
            model.parameters[index] = -0.3 - 0.1 * Double(index % 3)
        }
        let (x, present) = layout.encode(data)
        let noise = randomVector(4 * 2, &random)
        return (model, x, present, noise, 4)
    }

    @Test func vaeLossGradientMatchesFiniteDifferences() {
        let (model, x, present, noise, rows) = Self.smallVAE()
        let result = model.lossAndGradient(x: x, present: present, noise: noise, rows: rows, clipNorm: nil)
        func loss(_ p: [Double]) -> Double {
            var copy = model
            copy.parameters = p
            return copy.lossAndGradient(x: x, present: present, noise: noise, rows: rows, clipNorm: nil).loss
        }
        #expect(abs(loss(model.parameters) - result.loss) < 1e-12)
        for index in model.parameters.indices {
            Self.expectClose(result.gradient[index], Self.numeric(model.parameters, index, loss), "parameter \(index)")
        }
    }

    @Test func perExampleNormsAndClippingMatchOneRowAtATime() {
        let (model, x, present, noise, rows) = Self.smallVAE()
        let width = model.layout.width
        let numeric = model.layout.numericIndices.count
        let clip = 0.5
        let batch = model.lossAndGradient(x: x, present: present, noise: noise, rows: rows, clipNorm: clip)
        var expected = [Double](repeating: 0, count: model.parameters.count)
        for r in 0..<rows {
            let single = model.lossAndGradient(
                x: Array(x[(r * width)..<((r + 1) * width)]),
                present: Array(present[(r * numeric)..<((r + 1) * numeric)]),
                noise: Array(noise[(r * 2)..<((r + 1) * 2)]), rows: 1, clipNorm: nil)
            let norm = single.gradient.reduce(0) { $0 + $1 * $1 }.squareRoot()
            Self.expectClose(batch.norms[r], norm, "row \(r) norm")
            let factor = min(1, clip / norm)
            for i in expected.indices { expected[i] += factor * single.gradient[i] }
        }
        for i in expected.indices { Self.expectClose(batch.gradient[i], expected[i], "clipped sum \(i)") }
        // The clipped sum has norm at most rows·C.
        #expect(batch.gradient.reduce(0) { $0 + $1 * $1 }.squareRoot() <= Double(rows) * clip + 1e-9)
    }

    /// A batch split into two halves (as training runs it): the halves' gradients and losses add up to
    /// the whole batch's, clipped or not, whatever the order of the rows, and a one-row batch leaves the
    /// second half empty with a zero gradient.
    @Test(arguments: [nil, 0.5] as [Double?])
    func batchHalvesAddUpToTheWholeBatch(clip: Double?) {
        let (model, x, present, noise, rows) = Self.smallVAE()
        let width = model.layout.width
        let numeric = model.layout.numericIndices.count
        let latent = model.latent
        let order = [2, 0, 3, 1]
        let permuted = (
            x: order.flatMap { x[($0 * width)..<(($0 + 1) * width)] },
            present: order.flatMap { present[($0 * numeric)..<(($0 + 1) * numeric)] }
        )
        let whole = model.lossAndGradient(
            x: permuted.x, present: permuted.present, noise: noise, rows: rows, clipNorm: clip)
        var shards = VAEShards(model: model, rows: 1)
        shards.load(order[...], x: x, present: present, model: model)
        #expect(shards.rows == [2, 2])
        for shard in 0..<2 {
            let count = shards.rows[shard] * latent
            let start = shard == 0 ? 0 : shards.rows[0] * latent
            shards.workspaces[shard].noise.replaceSubrange(0..<count, with: noise[start..<(start + count)])
        }
        let loss = shards.lossAndGradient(model: model, clipNorm: clip)
        #expect(abs(loss - whole.loss) <= 1e-12 * max(1, abs(whole.loss)))
        for i in whole.gradient.indices {
            let sum = shards.workspaces[0].gradient[i] + shards.workspaces[1].gradient[i]
            #expect(abs(sum - whole.gradient[i]) <= 1e-12 * max(1, abs(whole.gradient[i])), "parameter \(i)")
        }
        // One row: the second half is empty and adds nothing.
        var random = ModelRandomness(seed: 5)
        shards.load([3], x: x, present: present, model: model)
        #expect(shards.rows == [1, 0])
        shards.fillNoise(latent: latent, random: &random)
        _ = shards.lossAndGradient(model: model, clipNorm: clip)
        #expect(shards.workspaces[1].gradient.allSatisfy { $0 == 0 })
        #expect(shards.workspaces[0].gradient.contains { $0 != 0 })
    }

    @Test func adamFollowsKingmaAndBa() {
        var adam = AdamOptimizer(parameterCount: 1, learningRate: 0.1, weightDecay: 0)
        var theta = [1.0]
        adam.update(&theta, gradient: [2])
        // First step: m̂ = g, v̂ = g², step = lr·g/(|g| + ε).
        #expect(abs(theta[0] - (1 - 0.1 * 2 / (2 + 1e-8))) < 1e-12)
        // Minimises a quadratic.
        for _ in 0..<500 { adam.update(&theta, gradient: [2 * (theta[0] - 3)]) }
        #expect(abs(theta[0] - 3) < 1e-2)
    }

    /// The fused update (gradient formed in the same pass) against Adam written out coordinate by
    /// coordinate, bit for bit, on the AVX-512F path and the scalar one, over counts that leave a
    /// partial vector, for the plain mean and DP-SGD's noisy sum.
    @Test(arguments: [1, 7, 8, 9, 61])
    func fusedAdamGivesTheBitsOfTheScalarForm(count: Int) {
        var random = ModelRandomness(seed: UInt64(count))
        let first = Self.randomVector(count, &random)
        let second = Self.randomVector(count, &random)
        let noise = Self.randomVector(count, &random)
        let start = Self.randomVector(count, &random)
        let (rate, decay, stddev, scale) = (1e-3, 1e-5, 0.7, 37.5)
        for noisy in [false, true] {
            // Reference: three steps of the scalar form.
            var theta = start
            var m = [Double](repeating: 0, count: count)
            var v = [Double](repeating: 0, count: count)
            for step in 1...3 {
                let c1 = 1 - pow(0.9, Double(step))
                let c2 = 1 - pow(0.999, Double(step))
                for i in 0..<count {
                    let sum = noisy ? first[i] + second[i] + stddev * noise[i] : first[i] + second[i]
                    let g = (noisy ? sum / scale : sum * (1 / scale)) + decay * theta[i]
                    m[i] = 0.9 * m[i] + (1 - 0.9) * g
                    v[i] = 0.999 * v[i] + (1 - 0.999) * g * g
                    theta[i] -= rate / c1 * m[i] / ((v[i] / c2).squareRoot() + 1e-8)
                }
            }
            for vectorised in [true, false] {
                var adam = AdamOptimizer(parameterCount: count, learningRate: rate, weightDecay: decay)
                var fused = start
                first.withUnsafeBufferPointer { first in
                    second.withUnsafeBufferPointer { second in
                        noise.withUnsafeBufferPointer { noise in
                            for _ in 1...3 {
                                if noisy {
                                    adam.update(
                                        &fused, sum: first, second, noise: noise, stddev: stddev,
                                        scaling: .dividedBy(scale), vectorised: vectorised)
                                } else {
                                    adam.update(
                                        &fused, sum: first, second, scaling: .times(1 / scale), vectorised: vectorised)
                                }
                            }
                        }
                    }
                }
                #expect(fused.map(\.bitPattern) == theta.map(\.bitPattern), "noisy \(noisy), vectorised \(vectorised)")
            }
        }
    }

    @Test(arguments: [(1, 1, 1), (3, 70, 5), (130, 65, 129), (600, 300, 257)])
    func tiledParallelKernelsMatchNaiveProducts(shape: (Int, Int, Int)) {
        let (m, k, n) = shape
        var random = ModelRandomness(seed: UInt64(m * k + n))
        let a = Self.randomVector(m * k, &random)
        let b = Self.randomVector(k * n, &random)
        var c = [Double](repeating: 0, count: m * n)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    MatrixKernels.multiply(a.baseAddress!, b.baseAddress!, into: c.baseAddress!, m: m, k: k, n: n)
                }
            }
        }
        var maxError = 0.0
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k { sum += a[i * k + p] * b[p * n + j] }
                maxError = max(maxError, abs(sum - c[i * n + j]))
            }
        }
        #expect(maxError < 1e-10)
        // Aᵀ·B with A m×k, B m×n against the transposed naive product, and A·Bᵀ.
        let b2 = Self.randomVector(m * n, &random)
        var ct = [Double](repeating: 0, count: k * n)
        var cb = [Double](repeating: 0, count: m * k)
        a.withUnsafeBufferPointer { a in
            b2.withUnsafeBufferPointer { b2 in
                b.withUnsafeBufferPointer { b in
                    ct.withUnsafeMutableBufferPointer { ct in
                        MatrixKernels.multiplyTransposedA(
                            a.baseAddress!, b2.baseAddress!, rowScale: nil, into: ct.baseAddress!, m: m, k: k, n: n)
                    }
                    cb.withUnsafeMutableBufferPointer { cb in
                        MatrixKernels.multiplyTransposedB(
                            b2.baseAddress!, b.baseAddress!, into: cb.baseAddress!, m: m, k: k, n: n)
                    }
                }
            }
        }
        var errorT = 0.0
        for p in 0..<k {
            for j in 0..<n {
                var sum = 0.0
                for i in 0..<m { sum += a[i * k + p] * b2[i * n + j] }
                errorT = max(errorT, abs(sum - ct[p * n + j]))
            }
        }
        var errorB = 0.0
        for i in 0..<m {
            for p in 0..<k {
                var sum = 0.0
                for j in 0..<n { sum += b2[i * n + j] * b[p * n + j] }
                errorB = max(errorB, abs(sum - cb[i * k + p]))
            }
        }
        #expect(errorT < 1e-10)
        #expect(errorB < 1e-10)
    }

    /// The AVX-512F, AVX2 and portable paths of the kernel, and a plain loop adding the products in
    /// increasing order of the shared index, give the same bits (so a seed gives the same model on any
    /// machine). The widths cover the AVX-512F kernel's 128-column sweeps and every masked tail length;
    /// every path also reads A through a stride, as the weight gradient does (column p of A).
    @Test(arguments: [
        (1, 1, 1), (3, 70, 5), (37, 11, 63), (130, 65, 129), (500, 128, 30), (64, 128, 256), (9, 17, 136),
        (5, 9, 143), (4, 33, 7), (3, 5, 255), (2, 3, 257),
    ])
    func everyKernelPathGivesTheSameBits(shape: (Int, Int, Int)) {
        let (m, k, n) = shape
        var random = ModelRandomness(seed: UInt64(7 * m + k + n))
        // Half the left entries zero, as after a ReLU; a row scale as in clipping.
        let a = Self.randomVector(m * k, &random).map { $0 < 0 ? 0 : $0 }
        let b = Self.randomVector(k * n, &random)
        let scale = Self.randomVector(k, &random)
        let start = Self.randomVector(m * n, &random)
        var expected = start
        for i in 0..<m {
            for j in 0..<n {
                var sum = expected[i * n + j]
                for p in 0..<k where a[i * k + p] * scale[p] != 0 { sum += (a[i * k + p] * scale[p]) * b[p * n + j] }
                expected[i * n + j] = sum
            }
        }
        // The same left operand stored transposed (k×m), read with row stride 1 and shared stride m.
        var aTransposed = [Double](repeating: 0, count: m * k)
        for i in 0..<m {
            for p in 0..<k { aTransposed[p * m + i] = a[i * k + p] }
        }
        /// Runs one path over a copy of `start`; nil when the path is not available on this CPU.
        func run(
            strided: Bool,
            _ path: (BroadcastProduct, Range<Int>, UnsafeMutablePointer<Int>, UnsafeMutablePointer<Double>) -> Bool
        ) -> [Double]? {
            var output = start
            var indices = [Int](repeating: 0, count: k)
            var values = [Double](repeating: 0, count: k)
            let ran = (strided ? aTransposed : a).withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    scale.withUnsafeBufferPointer { scale in
                        indices.withUnsafeMutableBufferPointer { indices in
                            values.withUnsafeMutableBufferPointer { values in
                                output.withUnsafeMutableBufferPointer { c in
                                    let product = BroadcastProduct(
                                        a: a.baseAddress!, rowStride: strided ? 1 : k, sharedStride: strided ? m : 1,
                                        scale: scale.baseAddress!, b: b.baseAddress!, c: c.baseAddress!, shared: k,
                                        columns: n)
                                    return path(product, 0..<m, indices.baseAddress!, values.baseAddress!)
                                }
                            }
                        }
                    }
                }
            }
            return ran ? output : nil
        }
        for strided in [false, true] {
            let portable = run(strided: strided) { product, rows, indices, values in
                MatrixKernels.broadcastRowsPortable(product, rows: rows, indices: indices, values: values)
                return true
            }
            #expect(portable?.map(\.bitPattern) == expected.map(\.bitPattern), "portable path, strided \(strided)")
            if let avx2 = run(
                strided: strided, { MatrixKernels.broadcastRows(.avx2, $0, rows: $1, indices: $2, values: $3) })
            {
                #expect(avx2.map(\.bitPattern) == expected.map(\.bitPattern), "AVX2 path, strided \(strided)")
            } else {
                print("everyKernelPathGivesTheSameBits: no AVX2 on this machine, the AVX2 path was not checked")
            }
            if let avx512 = run(
                strided: strided, { MatrixKernels.broadcastRows(.avx512, $0, rows: $1, indices: $2, values: $3) })
            {
                #expect(avx512.map(\.bitPattern) == expected.map(\.bitPattern), "AVX-512F path, strided \(strided)")
            } else {
                print("everyKernelPathGivesTheSameBits: no AVX-512F on this machine, the AVX-512F path was not checked")
            }
        }
    }
}
