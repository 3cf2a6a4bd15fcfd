internal import Dispatch

/// One training batch split into two fixed halves, each in its own ``VAEWorkspace``, whose forward
/// and backward passes run at the same time, one half per core: the whole step (products, losses,
/// softmax, reparameterisation, activations) is then parallel, not only the matrix products, and a
/// step forks and joins once instead of once per product. The batch's gradient is the sum of the two
/// halves' gradients.
///
/// Always two halves (the first ⌈rows/2⌉ rows, then the rest), whatever the machine, so that a seed
/// gives one model on any number of cores: on one core the halves run one after the other, and on
/// more than two the products inside each half split further (which changes no bits).
struct VAEShards {
    /// The halves a batch is split into.
    static let count = 2

    /// One workspace per half.
    var workspaces: [VAEWorkspace]
    /// The rows of the current batch in each half.
    private(set) var rows: [Int]

    /// Workspaces for batches of up to `rows` rows of `model`.
    init(model: TabularVAE, rows: Int) {
        let half = (rows + Self.count - 1) / Self.count
        workspaces = (0..<Self.count).map { _ in VAEWorkspace(model: model, rows: max(1, half)) }
        self.rows = [Int](repeating: 0, count: Self.count)
    }

    /// Splits `batch` (row numbers of x) into the halves and copies each half's rows of x and of the
    /// presence matrix into its workspace, growing the workspaces when the batch is larger than any
    /// before (a Poisson batch may be).
    /// - Complexity: O(batch.count · x's width).
    mutating func load(_ batch: ArraySlice<Int>, x: [Double], present: [Double], model: TabularVAE) {
        let width = model.layout.width
        let numeric = model.layout.numericIndices.count
        var start = batch.startIndex
        for shard in 0..<Self.count {
            let end = shard == Self.count - 1 ? batch.endIndex : start + (batch.count + Self.count - 1) / Self.count
            rows[shard] = end - start
            workspaces[shard].reserve(model: model, rows: rows[shard])
            x.withUnsafeBufferPointer { x in
                present.withUnsafeBufferPointer { present in
                    workspaces[shard].encoded[0].withUnsafeMutableBufferPointer { encoded in
                        guard let from = x.baseAddress, let to = encoded.baseAddress else { return }
                        for (position, row) in batch[start..<end].enumerated() {
                            precondition(row >= 0 && (row + 1) * width <= x.count, "a batch row outside x")
                            (to + position * width).update(from: from + row * width, count: width)
                        }
                    }
                    workspaces[shard].present.withUnsafeMutableBufferPointer { presence in
                        guard let from = present.baseAddress, let to = presence.baseAddress else { return }
                        for (position, row) in batch[start..<end].enumerated() {
                            precondition((row + 1) * numeric <= present.count, "a batch row outside present")
                            (to + position * numeric).update(from: from + row * numeric, count: numeric)
                        }
                    }
                }
            }
            start = end
        }
    }

    /// Draws the batch's reparameterisation ε (rows × latent) from the model's seeded randomness, the
    /// first half's rows first: the same draws, in the same rows, as one call for the whole batch.
    mutating func fillNoise(latent: Int, random: inout ModelRandomness) {
        for shard in 0..<Self.count {
            let count = rows[shard] * latent
            workspaces[shard].noise.withUnsafeMutableBufferPointer { noise in
                random.fillNormals(UnsafeMutableBufferPointer(rebasing: noise[0..<count]))
            }
        }
    }

    /// Runs ``TabularVAE/lossAndGradient(rows:clipNorm:needNorms:threads:workspace:)`` on both halves
    /// at once (one after the other on a single core) and returns the batch's summed loss; each half's
    /// gradient is left in its workspace (a half with no rows has a zero gradient). `alongside`, when
    /// given, runs once per half on that half's thread after its gradient (work that needs no order, such
    /// as DP-SGD's noise transform, split in as many parts as there are halves).
    mutating func lossAndGradient(
        model: TabularVAE, clipNorm: Double?, alongside: (@Sendable (Int) -> Void)? = nil
    ) -> Double {
        let rows = self.rows
        let cores = MatrixKernels.activeCores
        let threads = max(1, cores / Self.count)
        var losses = [Double](repeating: 0, count: Self.count)
        workspaces.withUnsafeMutableBufferPointer { workspaces in
            losses.withUnsafeMutableBufferPointer { losses in
                guard let workspaces = workspaces.baseAddress, let losses = losses.baseAddress else { return }
                let halves = ShardBuffers(workspaces: workspaces, losses: losses)
                @Sendable func run(_ shard: Int) {
                    if rows[shard] > 0 {
                        halves.losses[shard] = model.lossAndGradient(
                            rows: rows[shard], clipNorm: clipNorm, threads: threads,
                            workspace: &halves.workspaces[shard])
                    } else {
                        halves.workspaces[shard].gradient.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
                        halves.losses[shard] = 0
                    }
                    alongside?(shard)
                }
                if cores > 1 {
                    DispatchQueue.concurrentPerform(iterations: Self.count, execute: run)
                } else {
                    for shard in 0..<Self.count { run(shard) }
                }
            }
        }
        return losses.reduce(0, +)
    }
}

/// The halves' workspaces and losses, handed to the two threads of one step.
// INVARIANT: the pointers come from `withUnsafeMutableBufferPointer` scopes that enclose the
// concurrentPerform, and thread `shard` reads and writes only `workspaces[shard]` and `losses[shard]`.
private struct ShardBuffers: @unchecked Sendable {
    let workspaces: UnsafeMutablePointer<VAEWorkspace>
    let losses: UnsafeMutablePointer<Double>
}
