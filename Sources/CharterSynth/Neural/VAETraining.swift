import CharterCore
import CharterData
import CharterPrivacy
import CharterStats

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The training settings a tabular VAE is fitted with, from the generator's parameters.
struct VAEOptions: Sendable, Equatable {
    var epochs = 100
    var batchSize = 500
    var learningRate = 1e-3
    var weightDecay = 1e-5
    var hidden = [128, 128]
    var latent = 128
    /// DP-SGD's per-example clipping norm C.
    var clipNorm = 1.0
    /// DP-SGD's noise multiplier when the plan fixed it; otherwise calibrated from (ε, δ).
    var noiseMultiplier: Double?

    init(_ parameters: [String: JSONValue]) throws(GeneratorError) {
        func integer(_ key: String, _ range: ClosedRange<Int>) throws(GeneratorError) -> Int? {
            guard let value = parameters[key] else { return nil }
            guard let number = value.doubleValue, number == number.rounded(), range.contains(Int(number)) else {
                throw GeneratorError(
                    .generatorInvalidParameter,
                    "parameter '\(key)' must be an integer in [\(range.lowerBound), \(range.upperBound)]")
            }
            return Int(number)
        }
        func positive(_ key: String, _ limit: Double) throws(GeneratorError) -> Double? {
            guard let value = parameters[key] else { return nil }
            guard let number = value.doubleValue, number > 0, number <= limit else {
                throw GeneratorError(.generatorInvalidParameter, "parameter '\(key)' must be a number in (0, \(limit)]")
            }
            return number
        }
        epochs = try integer("epochs", 1...10_000) ?? epochs
        batchSize = try integer("batch_size", 1...1_000_000) ?? batchSize
        latent = try integer("latent", 1...1024) ?? latent
        learningRate = try positive("learning_rate", 1) ?? learningRate
        clipNorm = try positive("clip_norm", 1e6) ?? clipNorm
        noiseMultiplier = try positive("noise_multiplier", 1e6)
        if let value = parameters["weight_decay"] {
            guard let number = value.doubleValue, number >= 0, number <= 1 else {
                throw GeneratorError(.generatorInvalidParameter, "parameter 'weight_decay' must be a number in [0, 1]")
            }
            weightDecay = number
        }
        if let value = parameters["hidden"] {
            guard let array = value.arrayValue, !array.isEmpty, array.count <= 8 else {
                throw GeneratorError(
                    .generatorInvalidParameter, "parameter 'hidden' must list 1 to 8 layer widths")
            }
            var widths: [Int] = []
            for item in array {
                guard let number = item.doubleValue, number == number.rounded(), number >= 1, number <= 4096 else {
                    throw GeneratorError(
                        .generatorInvalidParameter, "parameter 'hidden' must list integer widths in [1, 4096]")
                }
                widths.append(Int(number))
            }
            hidden = widths
        }
    }

    /// The architecture and training settings, as the lineage records them (no data values).
    var lineage: [String: JSONValue] {
        [
            "architecture": [
                "encoder": .array(hidden.map { .integer($0) }),
                "decoder": .array(hidden.reversed().map { .integer($0) }),
                "latent": .integer(latent), "activation": "relu",
                "output": "gaussian (learned sigma in [0.01, 1]) per numeric score, softmax per categorical block",
            ],
            "epochs": .integer(epochs), "batch_size": .integer(batchSize), "learning_rate": .number(learningRate),
            "weight_decay": .number(weightDecay), "optimizer": "adam (0.9, 0.999, 1e-8)", "loss_factor": .number(2),
        ]
    }
}

/// DP-SGD's settings for one run, fixed before training: what the certificate records.
struct DPSGDSettings: Sendable, Equatable {
    var samplingRate: Double
    var noiseMultiplier: Double
    var clipNorm: Double
    var steps: Int
    var epochs: Int
    var batchSize: Int
}

extension TabularVAE {
    /// Trains without privacy as TVAE does: each epoch shuffles the rows (model randomness) and takes
    /// Adam steps on the mean loss of consecutive batches, each batch's gradient computed as two halves
    /// at once (``VAEShards``).
    mutating func train(x: [Double], present: [Double], rows n: Int, options: VAEOptions, random: inout ModelRandomness)
    {
        var optimizer = AdamOptimizer(
            parameterCount: parameterCount, learningRate: options.learningRate, weightDecay: options.weightDecay)
        var order = Array(0..<n)
        var shards = VAEShards(model: self, rows: min(options.batchSize, n))
        for _ in 0..<options.epochs {
            for i in stride(from: n - 1, to: 0, by: -1) {
                order.swapAt(i, Int(random.next() % UInt64(i + 1)))
            }
            var start = 0
            while start < n {
                let rows = min(options.batchSize, n - start)
                shards.load(order[start..<(start + rows)], x: x, present: present, model: self)
                shards.fillNoise(latent: latent, random: &random)
                _ = shards.lossAndGradient(model: self, clipNorm: nil)
                let inverse = 1 / Double(rows)
                shards.workspaces[0].gradient.withUnsafeBufferPointer { first in
                    shards.workspaces[1].gradient.withUnsafeBufferPointer { second in
                        optimizer.update(&parameters, sum: first, second, scaling: .times(inverse))
                    }
                }
                clampScales()
                start += rows
            }
        }
    }

    /// Trains with DP-SGD (Abadi et al. 2016, Algorithm 1, with Poisson sampling as Opacus does):
    /// each step includes every row independently with probability q (secure randomness), clips each
    /// row's gradient to norm C, adds N(0, σ²C²) to every coordinate of the sum (secure randomness),
    /// divides by the expected batch size q·n and takes an Adam step. The reparameterisation ε comes
    /// from the model's seeded randomness; it does not touch the data.
    mutating func trainPrivately<R: NoiseRandomness>(
        x: [Double], present: [Double], rows n: Int, options: VAEOptions, dp: DPSGDSettings,
        random: inout ModelRandomness, noise secure: inout R
    ) {
        var optimizer = AdamOptimizer(
            parameterCount: parameterCount, learningRate: options.learningRate, weightDecay: options.weightDecay)
        let expected = dp.samplingRate * Double(n)
        let threshold = UInt64(min(dp.samplingRate * 0x1p64, 0x1p64 - 2048))
        let stddev = dp.noiseMultiplier * dp.clipNorm
        var gaussian = SecureGaussian()
        // Secure words and draws are taken in bulk, one call per step each (the same words, in the
        // same order, as one call per row and per coordinate), and wiped after training.
        var sampling = [UInt64](repeating: 0, count: n)
        var words = [UInt64](repeating: 0, count: SecureGaussian.words(for: parameterCount))
        var draws = [Double](repeating: 0, count: parameterCount)
        defer {
            sampling.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            words.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            draws.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        }
        var chosen: [Int] = []
        chosen.reserveCapacity(Int(expected * 1.2) + 8)
        var shards = VAEShards(model: self, rows: min(n, Int(expected * 1.2) + 8))
        for _ in 0..<dp.steps {
            chosen.removeAll(keepingCapacity: true)
            sampling.withUnsafeMutableBufferPointer { secure.fill($0) }
            for row in 0..<n where sampling[row] < threshold { chosen.append(row) }
            // An empty batch leaves both halves' gradients zero: the step is noise alone.
            shards.load(chosen[...], x: x, present: present, model: self)
            shards.fillNoise(latent: latent, random: &random)
            // The step's noise words are taken now, in the order one draw at a time would take them;
            // their Box–Muller transform, half on each core, runs after each half's gradient.
            draws.withUnsafeMutableBufferPointer { draws in
                words.withUnsafeMutableBufferPointer { words in
                    let pending = gaussian.prepare(draws, from: &secure, words: words)
                    let noise = words.baseAddress.flatMap { scratch in
                        draws.baseAddress.map { NoiseBuffers(words: scratch, out: $0 + pending.offset) }
                    }
                    let halves = VAEShards.count
                    _ = shards.lossAndGradient(model: self, clipNorm: dp.clipNorm) { half in
                        guard let noise else { return }
                        let pairs = (pending.pairs * half / halves)..<(pending.pairs * (half + 1) / halves)
                        SecureGaussian.transform(pairs, words: noise.words, into: noise.out)
                    }
                }
            }
            shards.workspaces[0].gradient.withUnsafeBufferPointer { first in
                shards.workspaces[1].gradient.withUnsafeBufferPointer { second in
                    draws.withUnsafeBufferPointer { draws in
                        optimizer.update(
                            &parameters, sum: first, second, noise: draws, stddev: stddev,
                            scaling: .dividedBy(expected))
                    }
                }
            }
            clampScales()
        }
    }

    /// `rowCount` synthetic rows: z ~ N(0, I), decoded; each numeric score drawn from N(x̂ⱼ, σⱼ²) and
    /// mapped back through its transform (declared bounds, integrality, the copula's rounding), each
    /// block drawn from its softmax (its last slot meaning missing). Model randomness only.
    func sample(rowCount n: Int, random: inout ModelRandomness) -> Table {
        let width = layout.width
        var numericValues: [[Double]] = []
        var codes: [[Int32]] = []
        var missing: [[Bool]] = []
        for _ in layout.slots {
            numericValues.append([])
            codes.append([])
            missing.append([Bool](repeating: false, count: n))
        }
        let block = 1024
        var start = 0
        var scores = [Double](repeating: 0, count: 1)
        while start < n {
            let rows = min(block, n - start)
            var z = [Double](repeating: 0, count: rows * latent)
            z.withUnsafeMutableBufferPointer { random.fillNormals($0) }
            let out = decode(z, rows: rows)
            let probabilities = BlockSoftmax.apply(out, rows: rows, width: width, blocks: layout.blocks)
            var numericIndex = 0
            for (c, slot) in layout.slots.enumerated() {
                switch slot {
                case .numeric(_, let value, let missingBlock, let transform):
                    let sigma = exp(parameters[scaleOffset + numericIndex])
                    numericIndex += 1
                    if scores.count < rows { scores = [Double](repeating: 0, count: rows) }
                    var eps = [Double](repeating: 0, count: rows)
                    eps.withUnsafeMutableBufferPointer { random.fillNormals($0) }
                    for r in 0..<rows {
                        scores[r] = out[r * width + value] + sigma * eps[r]
                        missing[c][start + r] = random.unit() < probabilities[r * width + missingBlock.lowerBound + 1]
                    }
                    var values = [Double](repeating: 0, count: rows)
                    switch transform {
                    case .declared(let lower, let upper, let integral):
                        for r in 0..<rows {
                            values[r] = TabularLayout.declaredValue(
                                scores[r], lower: lower, upper: upper, integral: integral)
                        }
                    case .empirical(let marginal):
                        scores.withUnsafeBufferPointer { s in
                            values.withUnsafeMutableBufferPointer { v in
                                marginal.values(UnsafeBufferPointer(rebasing: s[0..<rows]), into: v)
                            }
                        }
                    }
                    numericValues[c].append(contentsOf: values)
                case .categorical(_, let range, _, _):
                    for r in 0..<rows {
                        var u = random.unit()
                        var chosen = range.upperBound - 1
                        for j in range {
                            u -= probabilities[r * width + j]
                            if u < 0 {
                                chosen = j
                                break
                            }
                        }
                        if chosen == range.upperBound - 1 {
                            missing[c][start + r] = true
                            codes[c].append(0)
                        } else {
                            codes[c].append(Int32(chosen - range.lowerBound))
                        }
                    }
                }
            }
            start += rows
        }
        var columns: [Column] = []
        for (c, slot) in layout.slots.enumerated() {
            switch slot {
            case .numeric(let name, _, _, _):
                columns.append(
                    Column(name: name, values: .numeric(NumericValues(values: numericValues[c], isMissing: missing[c])))
                )
            case .categorical(let name, _, let labels, let output):
                switch output {
                case .text:
                    let withMissing = zip(codes[c], missing[c]).map { $1 ? Int32(-1) : $0 }
                    columns.append(
                        Column(name: name, values: .categorical(CategoricalValues(codes: withMissing, levels: labels))))
                case .numbers(let numbers):
                    columns.append(
                        Column(
                            name: name,
                            values: .numeric(
                                NumericValues(values: codes[c].map { numbers[Int($0)] }, isMissing: missing[c]))))
                case .booleans(let booleans):
                    columns.append(
                        Column(
                            name: name,
                            values: .boolean(
                                BooleanValues(values: codes[c].map { booleans[Int($0)] }, isMissing: missing[c]))))
                }
            }
        }
        return Table(columns: columns, rowCount: n)
    }
}

/// Standard normal draws from a secure source by the Box–Muller transform on 53-bit uniforms, one
/// pair per two draws. Floating-point Gaussian noise, as Opacus draws it (not an exact sampler).
struct SecureGaussian {
    private var spare: Double?

    mutating func next<R: NoiseRandomness>(_ random: inout R) -> Double {
        if let spare {
            self.spare = nil
            return spare
        }
        let first = random.next()
        let (draw, second) = Self.pair(first, random.next())
        spare = second
        return draw
    }

    /// The two draws Box–Muller makes of two words: u₁ ∈ (0, 1) and u₂ ∈ [0, 1) from their top 53
    /// bits, radius √(−2 ln u₁), then the cosine draw and the sine draw.
    static func pair(_ word1: UInt64, _ word2: UInt64) -> (Double, Double) {
        let u1 = (Double(word1 >> 11) + 0.5) * 0x1p-53
        let u2 = Double(word2 >> 11) * 0x1p-53
        let radius = (-2 * log(u1)).squareRoot()
        return (radius * cos(2 * Double.pi * u2), radius * sin(2 * Double.pi * u2))
    }

    /// Fills `draws` with what as many calls of ``next(_:)`` would return, from the same words in
    /// the same order, taken from `random` in one call; `words` is scratch, zeroed after use.
    /// - Complexity: O(`draws.count`).
    mutating func fill<R: NoiseRandomness>(
        _ draws: UnsafeMutableBufferPointer<Double>, from random: inout R, words: inout [UInt64]
    ) {
        let needed = Self.words(for: draws.count)
        if words.count < needed { words = [UInt64](repeating: 0, count: needed) }
        words.withUnsafeMutableBufferPointer { words in
            let pending = prepare(draws, from: &random, words: words)
            guard let out = draws.baseAddress, let scratch = words.baseAddress else { return }
            Self.transform(0..<pending.pairs, words: scratch, into: out + pending.offset)
        }
    }

    /// The scratch words ``prepare(_:from:words:)`` needs for `count` draws.
    static func words(for count: Int) -> Int { count + 1 }

    /// The pairs ``prepare(_:from:words:)`` leaves to ``transform(_:words:into:)``: pair p is written
    /// at `offset` + 2p and `offset` + 2p + 1 of the draws from words 2p and 2p + 1.
    struct Pending: Sendable {
        var offset: Int
        var pairs: Int
    }

    /// The first half of ``fill(_:from:words:)``, which must run alone: takes from `random` every word
    /// the draws need (the same words, in the same order, in one call) into `words` (at least
    /// ``words(for:)`` long), and writes the draws that carry state: a spare left by the previous call,
    /// and the final pair when it leaves a new spare. The other draws are written by
    /// ``transform(_:words:into:)`` over the returned pairs, on any threads, in any split.
    mutating func prepare<R: NoiseRandomness>(
        _ draws: UnsafeMutableBufferPointer<Double>, from random: inout R, words: UnsafeMutableBufferPointer<UInt64>
    ) -> Pending {
        guard let out = draws.baseAddress, let scratch = words.baseAddress, !draws.isEmpty else {
            return Pending(offset: 0, pairs: 0)
        }
        var offset = 0
        if let spare {
            out[0] = spare
            self.spare = nil
            offset = 1
        }
        let pairs = (draws.count - offset + 1) / 2
        guard pairs > 0 else { return Pending(offset: offset, pairs: 0) }
        precondition(words.count >= 2 * pairs, "too few scratch words")
        random.fill(UnsafeMutableBufferPointer(rebasing: words[0..<(2 * pairs)]))
        let full = (draws.count - offset) / 2
        if full < pairs {
            let (first, second) = Self.pair(scratch[2 * full], scratch[2 * full + 1])
            out[offset + 2 * full] = first
            spare = second
            (scratch + 2 * full).update(repeating: 0, count: 2)
        }
        return Pending(offset: offset, pairs: full)
    }

    /// The second half of ``fill(_:from:words:)``: the Box–Muller pairs `pairs` of a ``Pending`` from
    /// their words into `out` (the draws advanced by the pending offset); zeroes the words it used.
    /// - Complexity: O(`pairs.count`).
    static func transform(
        _ pairs: Range<Int>, words: UnsafeMutablePointer<UInt64>, into out: UnsafeMutablePointer<Double>
    ) {
        for pair in pairs {
            let (first, second) = Self.pair(words[2 * pair], words[2 * pair + 1])
            out[2 * pair] = first
            out[2 * pair + 1] = second
        }
        guard !pairs.isEmpty else { return }
        (words + 2 * pairs.lowerBound).update(repeating: 0, count: 2 * pairs.count)
    }
}

/// The scratch words and draws of one DP-SGD step's noise, handed to the threads that transform them.
// INVARIANT: the pointers come from `withUnsafeMutableBufferPointer` scopes that enclose the step's
// concurrentPerform, and each thread transforms a disjoint range of pairs (disjoint words and draws).
private struct NoiseBuffers: @unchecked Sendable {
    let words: UnsafeMutablePointer<UInt64>
    let out: UnsafeMutablePointer<Double>
}
