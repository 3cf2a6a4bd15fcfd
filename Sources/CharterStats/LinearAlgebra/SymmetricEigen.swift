/// Eigenvalues and eigenvectors of a symmetric matrix by the cyclic Jacobi method.
///
/// Reference: G. H. Golub and C. F. Van Loan, Matrix Computations (4th ed.), §8.5 (cyclic Jacobi
/// with threshold); accurate to a few ulps relative to ‖A‖ for the small matrices (tens of
/// columns) that correlation work needs.
public struct SymmetricEigen: Sendable, Equatable {
    /// The eigenvalues, ascending.
    public let values: [Double]
    /// The eigenvectors as columns, in the order of ``values``.
    public let vectors: Matrix

    /// Decomposes a symmetric matrix (the upper triangle is assumed equal to the lower).
    /// - Complexity: O(n³) per sweep; converges in a handful of sweeps.
    public init(_ matrix: Matrix) {
        precondition(matrix.rows == matrix.columns, "eigendecomposition needs a square matrix")
        let n = matrix.rows
        var a = matrix
        var v = Matrix.identity(n)
        for _ in 0..<100 {
            var off = 0.0
            for i in 0..<n { for j in (i + 1)..<max(n, i + 1) { off += a[i, j] * a[i, j] } }
            if off < 1e-30 { break }
            for p in 0..<n {
                for q in (p + 1)..<max(n, p + 1) where a[p, q] != 0 {
                    let theta = (a[q, q] - a[p, p]) / (2 * a[p, q])
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot()
                    let s = t * c
                    for k in 0..<n {
                        let akp = a[k, p]
                        let akq = a[k, q]
                        a[k, p] = c * akp - s * akq
                        a[k, q] = s * akp + c * akq
                    }
                    for k in 0..<n {
                        let apk = a[p, k]
                        let aqk = a[q, k]
                        a[p, k] = c * apk - s * aqk
                        a[q, k] = s * apk + c * aqk
                    }
                    for k in 0..<n {
                        let vkp = v[k, p]
                        let vkq = v[k, q]
                        v[k, p] = c * vkp - s * vkq
                        v[k, q] = s * vkp + c * vkq
                    }
                }
            }
        }
        let order = (0..<n).sorted { a[$0, $0] < a[$1, $1] }
        values = order.map { a[$0, $0] }
        var sorted = Matrix(rows: n, columns: n)
        for (column, index) in order.enumerated() { for k in 0..<n { sorted[k, column] = v[k, index] } }
        vectors = sorted
    }
}
