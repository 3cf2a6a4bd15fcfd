import CharterData
import CharterStats

/// A fitted Gaussian copula: one marginal and one missing rate per column, and the correlation of
/// the normal scores. Both copula generators fit one (from the data, or from noisy statistics) and
/// sample it the same way.
struct CopulaModel: Sendable {
    /// One modelled column.
    struct ModelColumn: Sendable {
        enum Marginal: Sendable {
            case numeric(NumericMarginal)
            case categorical(CategoricalMarginal, labels: [String], output: CategoricalColumn.Output)
        }

        var name: String
        var marginal: Marginal
        /// The probability that a sampled value is missing, drawn independently of everything else.
        var missingRate: Double
    }

    var columns: [ModelColumn]
    /// The correlation matrix of the normal scores (a valid correlation matrix).
    var correlation: Matrix
    /// Its lower Cholesky factor.
    var factor: Matrix

    /// A model; `correlation` must be positive definite (project it first).
    init(columns: [ModelColumn], correlation: Matrix) {
        precondition(correlation.rows == columns.count, "one correlation row per column")
        self.columns = columns
        self.correlation = correlation
        factor = Cholesky(correlation)?.lower ?? Matrix.identity(columns.count)
    }

    /// A valid correlation matrix near `estimate`: entries clamped to [−1, 1], projected to the
    /// nearest correlation matrix (Higham 2002) with a positive eigenvalue floor so that the
    /// Cholesky factor exists. Returns the matrix and whether the identity had to be used.
    static func validCorrelation(_ estimate: Matrix) -> (Matrix, usedIdentity: Bool) {
        let d = estimate.rows
        var clamped = estimate
        for i in 0..<d {
            for j in 0..<d {
                let value = clamped[i, j]
                clamped[i, j] = value.isFinite ? min(max(value, -1), 1) : 0
            }
            clamped[i, i] = 1
        }
        for floor in [1e-8, 1e-5, 1e-3] {
            let projected = NearestCorrelation.project(clamped, eigenvalueFloor: floor)
            if Cholesky(projected) != nil { return (projected, false) }
        }
        return (Matrix.identity(d), true)
    }

    /// Samples `rowCount` rows with the model's own seeded randomness: draw e ~ N(0, I), set
    /// z = L·e, map each z through its marginal, then blank values with each column's missing rate.
    /// - Complexity: O(rowCount · d²/2) for the factor, O(rowCount · d) for the marginals.
    func sample(rowCount n: Int, seed: UInt64) -> Table {
        let d = columns.count
        var random = ModelRandomness(seed: seed)
        let block = 1024
        var normals = [Double](repeating: 0, count: block * d)
        var scores = [Double](repeating: 0, count: block * d)
        var numeric = [[Double]](repeating: [], count: d)
        var codes = [[Int32]](repeating: [], count: d)
        var missing = [[Bool]](repeating: [], count: d)
        for (j, column) in columns.enumerated() {
            switch column.marginal {
            case .numeric: numeric[j] = [Double](repeating: 0, count: n)
            case .categorical: codes[j] = [Int32](repeating: 0, count: n)
            }
            if column.missingRate > 0 { missing[j] = [Bool](repeating: false, count: n) }
        }
        let factor = factor.storage
        var start = 0
        while start < n {
            let m = min(block, n - start)
            normals.withUnsafeMutableBufferPointer { e in
                random.fillNormals(UnsafeMutableBufferPointer(rebasing: e[0..<(m * d)]))
            }
            normals.withUnsafeBufferPointer { e in
                scores.withUnsafeMutableBufferPointer { z in
                    factor.withUnsafeBufferPointer { l in
                        for r in 0..<m {
                            let row = r * d
                            for j in 0..<d {
                                var sum = 0.0
                                let base = j * d
                                for k in 0...j { sum += l[base + k] * e[row + k] }
                                z[j * block + r] = sum
                            }
                        }
                    }
                }
            }
            for (j, column) in columns.enumerated() {
                scores.withUnsafeBufferPointer { z in
                    let zs = UnsafeBufferPointer(rebasing: z[(j * block)..<(j * block + m)])
                    switch column.marginal {
                    case .numeric(let marginal):
                        numeric[j].withUnsafeMutableBufferPointer { out in
                            marginal.values(zs, into: UnsafeMutableBufferPointer(rebasing: out[start..<(start + m)]))
                        }
                    case .categorical(let marginal, _, _):
                        marginal.thresholds.withUnsafeBufferPointer { t in
                            codes[j].withUnsafeMutableBufferPointer { out in
                                for r in 0..<m { out[start + r] = Int32(marginal.category(zs[r], thresholds: t)) }
                            }
                        }
                    }
                }
                if column.missingRate > 0 {
                    let rate = column.missingRate
                    missing[j].withUnsafeMutableBufferPointer { out in
                        for r in 0..<m { out[start + r] = random.unit() < rate }
                    }
                }
            }
            start += m
        }
        var output: [Column] = []
        output.reserveCapacity(d)
        for (j, column) in columns.enumerated() {
            let isMissing = missing[j].isEmpty ? [Bool](repeating: false, count: n) : missing[j]
            switch column.marginal {
            case .numeric:
                output.append(
                    Column(name: column.name, values: .numeric(NumericValues(values: numeric[j], isMissing: isMissing)))
                )
            case .categorical(_, let labels, let kind):
                let sampled = codes[j]
                switch kind {
                case .text:
                    var withMissing = sampled
                    if !missing[j].isEmpty { for r in 0..<n where isMissing[r] { withMissing[r] = -1 } }
                    output.append(
                        Column(
                            name: column.name,
                            values: .categorical(CategoricalValues(codes: withMissing, levels: labels))))
                case .numbers(let numbers):
                    output.append(
                        Column(
                            name: column.name,
                            values: .numeric(
                                NumericValues(values: sampled.map { numbers[Int($0)] }, isMissing: isMissing))))
                case .booleans(let booleans):
                    output.append(
                        Column(
                            name: column.name,
                            values: .boolean(
                                BooleanValues(values: sampled.map { booleans[Int($0)] }, isMissing: isMissing))))
                }
            }
        }
        return Table(columns: output, rowCount: n)
    }
}
