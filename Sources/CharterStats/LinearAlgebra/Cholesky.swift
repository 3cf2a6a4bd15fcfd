/// The Cholesky factorisation A = L·Lᵀ of a symmetric positive-definite matrix.
public struct Cholesky: Sendable, Equatable {
    /// The lower-triangular factor.
    public let lower: Matrix

    /// Factorises `matrix` (only its lower triangle is read), or returns `nil` when it is not
    /// positive definite (a pivot ≤ 0 or not finite).
    /// - Complexity: O(n³/3).
    public init?(_ matrix: Matrix) {
        precondition(matrix.rows == matrix.columns, "Cholesky needs a square matrix")
        let n = matrix.rows
        var l = Matrix(rows: n, columns: n)
        for j in 0..<n {
            var diagonal = matrix[j, j]
            for k in 0..<j { diagonal -= l[j, k] * l[j, k] }
            guard diagonal > 0, diagonal.isFinite else { return nil }
            let pivot = diagonal.squareRoot()
            l[j, j] = pivot
            for i in (j + 1)..<max(n, j + 1) {
                var sum = matrix[i, j]
                for k in 0..<j { sum -= l[i, k] * l[j, k] }
                l[i, j] = sum / pivot
            }
        }
        lower = l
    }

    /// Solves A·x = b.
    /// - Complexity: O(n²).
    public func solve(_ b: [Double]) -> [Double] {
        let n = lower.rows
        precondition(b.count == n, "right-hand side has the wrong length")
        var y = b
        for i in 0..<n {
            var sum = y[i]
            for k in 0..<i { sum -= lower[i, k] * y[k] }
            y[i] = sum / lower[i, i]
        }
        var x = y
        for i in stride(from: n - 1, through: 0, by: -1) {
            var sum = x[i]
            for k in (i + 1)..<max(n, i + 1) { sum -= lower[k, i] * x[k] }
            x[i] = sum / lower[i, i]
        }
        return x
    }
}
