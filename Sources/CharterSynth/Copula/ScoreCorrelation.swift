import CharterStats

/// The latent correlation of a Gaussian copula estimated from normal scores.
///
/// Each column's scores are block means of a standard normal (``NormalScores``): exact for
/// continuous columns, and for a coarse column (ties, few categories) the first Hermite coefficient
/// of the score function equals the score variance v. Under a bivariate normal latent model with
/// correlation ρ, the scores of two columns then correlate as ρ·√(v_j·v_k) to first order, so the
/// latent correlation is estimated as r_jk / √(v_j·v_k) (the classical attenuation correction) and
/// sampling reproduces the score correlations of the data instead of shrinking them twice.
enum ScoreCorrelation {
    /// One column's scores: 0 where missing.
    struct Scores {
        var values: [Double]
        /// `nil` when nothing is missing.
        var present: [Bool]?
    }

    /// The estimate, before projection to a valid correlation matrix. Constant or empty columns
    /// get zero correlations.
    /// - Complexity: O(n·d²/2).
    static func estimate(_ columns: [Scores], correct: Bool) -> Matrix {
        let d = columns.count
        var result = Matrix.identity(d)
        let n = columns.first?.values.count ?? 0
        // Per column: count, mean and second moment over its present rows.
        var count = [Double](repeating: 0, count: d)
        var mean = [Double](repeating: 0, count: d)
        var second = [Double](repeating: 0, count: d)
        for (j, column) in columns.enumerated() {
            var c = 0
            var s = 0.0
            var ss = 0.0
            column.values.withUnsafeBufferPointer { x in
                if let present = column.present {
                    for i in 0..<n where present[i] {
                        c += 1
                        s += x[i]
                        ss += x[i] * x[i]
                    }
                } else {
                    c = n
                    for i in 0..<n {
                        s += x[i]
                        ss += x[i] * x[i]
                    }
                }
            }
            count[j] = Double(c)
            mean[j] = c > 0 ? s / Double(c) : 0
            second[j] = c > 0 ? ss / Double(c) : 0
        }
        for j in 0..<d {
            for k in 0..<j {
                let r: Double
                if columns[j].present == nil && columns[k].present == nil {
                    var sxy = 0.0
                    columns[j].values.withUnsafeBufferPointer { x in
                        columns[k].values.withUnsafeBufferPointer { y in
                            for i in 0..<n { sxy += x[i] * y[i] }
                        }
                    }
                    let varX = second[j] - mean[j] * mean[j]
                    let varY = second[k] - mean[k] * mean[k]
                    let cov = sxy / Double(n) - mean[j] * mean[k]
                    r = varX > 1e-12 && varY > 1e-12 ? cov / (varX * varY).squareRoot() : 0
                } else {
                    r = pairwise(columns[j], columns[k], n: n)
                }
                var rho = r
                if correct {
                    let v = second[j] * second[k]
                    rho = v > 1e-12 ? r / v.squareRoot() : 0
                }
                result[j, k] = rho
                result[k, j] = rho
            }
        }
        return result
    }

    /// Pearson's r on the rows where both columns are present (0 when undefined).
    static func pairwise(_ a: Scores, _ b: Scores, n: Int) -> Double {
        var c = 0.0
        var sx = 0.0
        var sy = 0.0
        var sxx = 0.0
        var syy = 0.0
        var sxy = 0.0
        for i in 0..<n where (a.present?[i] ?? true) && (b.present?[i] ?? true) {
            let x = a.values[i]
            let y = b.values[i]
            c += 1
            sx += x
            sy += y
            sxx += x * x
            syy += y * y
            sxy += x * y
        }
        guard c >= 2 else { return 0 }
        let varX = sxx / c - (sx / c) * (sx / c)
        let varY = syy / c - (sy / c) * (sy / c)
        guard varX > 1e-12, varY > 1e-12 else { return 0 }
        return (sxy / c - (sx / c) * (sy / c)) / (varX * varY).squareRoot()
    }
}
