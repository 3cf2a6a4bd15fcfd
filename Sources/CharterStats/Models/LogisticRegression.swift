#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// L2-regularised logistic regression with an unpenalised intercept, solved by Newton's method to
/// the exact optimum.
///
/// Objective (scikit-learn 1.9 `LogisticRegression(penalty="l2", C=C)`):
/// minimise ½‖w‖² + C·Σᵢ [log(1 + e^{zᵢ}) − yᵢzᵢ], zᵢ = xᵢ·w + b.
/// Each step solves the (p+1)×(p+1) Newton system by Cholesky and backtracks until the objective
/// decreases; iteration stops when the largest gradient entry is below ``gradientTolerance``
/// (1e-10 by default, where lbfgs stops near 1e-5), so scores are accurate far inside the smallest
/// gap between a positive's and a negative's score and AUCs are the optimum's.
public struct LogisticRegression: Sendable, Equatable {
    /// Why a fit failed.
    public enum Failure: Error, Equatable {
        /// No rows, or rows and labels differ in length.
        case noRows
        /// A feature is NaN or infinite.
        case nonFiniteFeature
        /// The Newton system could not be solved (should not happen: the L2 term keeps it definite).
        case singularSystem
    }

    /// The weights, one per feature.
    public var coefficients: [Double]
    /// The intercept.
    public var intercept: Double
    /// The objective at the solution.
    public var objective: Double
    /// max |∂objective/∂θ| at the solution.
    public var maxAbsGradient: Double
    /// Newton iterations taken.
    public var iterations: Int

    /// The stopping tolerance on the gradient.
    public static let gradientTolerance = 1e-10

    /// Fits the model.
    /// - Parameters:
    ///   - features: n × p, one row per example.
    ///   - labels: n labels, `true` = positive class.
    ///   - c: the inverse regularisation strength C.
    /// - Complexity: O(n·p²) per iteration; typically under 10 iterations.
    public init(features: Matrix, labels: [Bool], c: Double = 1) throws(Failure) {
        let n = features.rows
        let p = features.columns
        guard n > 0, labels.count == n else { throw .noRows }
        guard features.storage.allSatisfy(\.isFinite) else { throw .nonFiniteFeature }
        let y = labels.map { $0 ? 1.0 : 0.0 }
        let features = SparseRows(features)
        var theta = [Double](repeating: 0, count: p + 1)  // w..., b
        var current = Self.evaluate(features, p, y, theta, c)
        var iterations = 0
        while iterations < 200 {
            let gradientNorm = current.gradient.map(abs).max() ?? 0
            if gradientNorm <= Self.gradientTolerance { break }
            guard let factor = Cholesky(current.hessian) else { throw .singularSystem }
            let step = factor.solve(current.gradient)
            // Backtracking on the objective (Armijo). Near the optimum the objective no longer
            // resolves the progress (changes below its last bit), so a step that shrinks the
            // gradient without raising the objective beyond rounding is accepted too.
            let slope = -Self.dot(current.gradient, step)
            var scale = 1.0
            var accepted: Evaluation?
            var acceptedTheta = theta
            for _ in 0..<60 {
                var trial = theta
                for k in 0...p { trial[k] -= scale * step[k] }
                let objective = Self.objective(features, p, y, trial, c)
                let rounding = 1e-13 * max(abs(current.objective), 1)
                if objective <= current.objective + 1e-4 * scale * slope {
                    accepted = Self.evaluate(features, p, y, trial, c)
                    acceptedTheta = trial
                    break
                }
                if objective <= current.objective + rounding {
                    let candidate = Self.evaluate(features, p, y, trial, c)
                    if (candidate.gradient.map(abs).max() ?? 0) < gradientNorm {
                        accepted = candidate
                        acceptedTheta = trial
                        break
                    }
                }
                scale /= 2
            }
            iterations += 1
            guard let next = accepted else { break }  // no representable progress is left
            theta = acceptedTheta
            current = next
        }
        coefficients = Array(theta[0..<p])
        intercept = theta[p]
        objective = current.objective
        maxAbsGradient = current.gradient.map(abs).max() ?? 0
        self.iterations = iterations
    }

    /// The linear scores z = x·w + b of each row (what AUC is computed on).
    public func decisionFunction(_ features: Matrix) -> [Double] {
        precondition(features.columns == coefficients.count, "feature count differs from the model's")
        var scores = [Double](repeating: intercept, count: features.rows)
        features.storage.withUnsafeBufferPointer { x in
            for i in 0..<features.rows {
                var z = intercept
                let base = i * features.columns
                for k in 0..<features.columns { z += x[base + k] * coefficients[k] }
                scores[i] = z
            }
        }
        return scores
    }

    private struct Evaluation {
        var objective: Double
        var gradient: [Double]
        var hessian: Matrix
    }

    /// The rows' nonzero entries (compressed sparse rows), column indices ascending: one-hot
    /// indicators make most entries zero, and a zero adds nothing to z, the gradient or the Hessian,
    /// so skipping them changes no sum (issue 21: the dense Hessian loop cost O(n·p²) per iteration,
    /// 89 s at 100,000 rows with a few hundred one-hot levels).
    struct SparseRows {
        var starts: [Int]
        var columns: [Int32]
        var values: [Double]

        init(_ x: Matrix) {
            starts = [0]
            starts.reserveCapacity(x.rows + 1)
            columns = []
            values = []
            x.storage.withUnsafeBufferPointer { xs in
                for i in 0..<x.rows {
                    let base = i * x.columns
                    for k in 0..<x.columns where xs[base + k] != 0 {
                        columns.append(Int32(k))
                        values.append(xs[base + k])
                    }
                    starts.append(columns.count)
                }
            }
        }
    }

    private static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for i in a.indices { s += a[i] * b[i] }
        return s
    }

    /// log(1 + eᶻ) without overflow.
    @inline(__always)
    static func softplus(_ z: Double) -> Double {
        z > 0 ? z + log1p(exp(-z)) : log1p(exp(z))
    }

    /// The objective alone (for line-search trials).
    private static func objective(_ x: SparseRows, _ p: Int, _ y: [Double], _ theta: [Double], _ c: Double) -> Double {
        let n = x.starts.count - 1
        var sum = 0.0
        x.columns.withUnsafeBufferPointer { cols in
            x.values.withUnsafeBufferPointer { vals in
                theta.withUnsafeBufferPointer { t in
                    for i in 0..<n {
                        var z = t[p]
                        for e in x.starts[i]..<x.starts[i + 1] { z += vals[e] * t[Int(cols[e])] }
                        sum += softplus(z) - y[i] * z
                    }
                }
            }
        }
        var penalty = 0.0
        for k in 0..<p { penalty += 0.5 * theta[k] * theta[k] }
        return c * sum + penalty
    }

    /// Objective, gradient and Hessian.
    /// - Complexity: O(Σᵢ nnzᵢ²) for the Hessian, nnzᵢ the nonzero features of row i.
    private static func evaluate(_ x: SparseRows, _ p: Int, _ y: [Double], _ theta: [Double], _ c: Double)
        -> Evaluation
    {
        let n = x.starts.count - 1
        let d = p + 1
        var objective = 0.0
        var gradient = [Double](repeating: 0, count: d)
        var hessian = Matrix(rows: d, columns: d)
        x.columns.withUnsafeBufferPointer { cols in
            x.values.withUnsafeBufferPointer { vals in
                hessian.storage.withUnsafeMutableBufferPointer { h in
                    gradient.withUnsafeMutableBufferPointer { g in
                        for i in 0..<n {
                            let start = x.starts[i]
                            let end = x.starts[i + 1]
                            var z = theta[p]
                            for e in start..<end { z += vals[e] * theta[Int(cols[e])] }
                            objective += softplus(z) - y[i] * z
                            let sigma = z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z))
                            let residual = sigma - y[i]
                            let weight = sigma * (1 - sigma)
                            for e in start..<end {
                                let k = Int(cols[e])
                                let xk = vals[e]
                                g[k] += residual * xk
                                let wxk = weight * xk
                                // The lower triangle: the row's nonzero l ≤ k, ascending as cols are.
                                for f in start...e { h[k * d + Int(cols[f])] += wxk * vals[f] }
                                h[p * d + k] += wxk
                            }
                            g[p] += residual
                            h[p * d + p] += weight
                        }
                    }
                }
            }
        }
        objective *= c
        for k in 0..<d { gradient[k] *= c }
        for k in 0..<d { for l in 0...k { hessian[k, l] *= c } }
        for k in 0..<p {
            objective += 0.5 * theta[k] * theta[k]
            gradient[k] += theta[k]
            hessian[k, k] += 1
        }
        for k in 0..<d { for l in 0..<k { hessian[l, k] = hessian[k, l] } }
        return Evaluation(objective: objective, gradient: gradient, hessian: hessian)
    }
}
