/// The nearest correlation matrix (in the Frobenius norm) to a symmetric matrix.
///
/// Reference: N. J. Higham, "Computing the nearest correlation matrix — a problem from finance",
/// IMA J. Numer. Anal. 22 (2002) 329–343: alternating projections onto the positive semidefinite
/// cone (clip negative eigenvalues) and the unit-diagonal matrices, with Dykstra's correction.
/// A small eigenvalue floor makes the result positive definite, so that ``Cholesky`` succeeds.
public enum NearestCorrelation {
    /// Projects `matrix` to the nearest correlation matrix.
    /// - Parameters:
    ///   - tolerance: stop when successive iterates differ by less than this (Frobenius, relative).
    ///   - eigenvalueFloor: the smallest eigenvalue kept in the final PSD projection.
    /// - Complexity: O(n³) per iteration.
    public static func project(
        _ matrix: Matrix, tolerance: Double = 1e-12, maxIterations: Int = 1000, eigenvalueFloor: Double = 1e-10
    ) -> Matrix {
        let n = matrix.rows
        precondition(n == matrix.columns, "a correlation matrix is square")
        var y = symmetrised(matrix)
        var correction = Matrix(rows: n, columns: n)
        for _ in 0..<maxIterations {
            var r = y
            for i in r.storage.indices { r.storage[i] -= correction.storage[i] }
            let x = psd(r, floor: 0)
            for i in correction.storage.indices { correction.storage[i] = x.storage[i] - r.storage[i] }
            var next = x
            for i in 0..<n { next[i, i] = 1 }
            var change = 0.0
            var norm = 0.0
            for i in next.storage.indices {
                change += (next.storage[i] - y.storage[i]) * (next.storage[i] - y.storage[i])
                norm += next.storage[i] * next.storage[i]
            }
            y = next
            if change.squareRoot() <= tolerance * max(norm.squareRoot(), 1) { break }
        }
        // Final positive-definite touch: floor the eigenvalues, then rescale to a unit diagonal.
        var result = psd(y, floor: eigenvalueFloor)
        var scale = [Double](repeating: 1, count: n)
        for i in 0..<n { scale[i] = 1 / result[i, i].squareRoot() }
        for i in 0..<n { for j in 0..<n { result[i, j] *= scale[i] * scale[j] } }
        for i in 0..<n { result[i, i] = 1 }
        return symmetrised(result)
    }

    static func psd(_ matrix: Matrix, floor: Double) -> Matrix {
        let n = matrix.rows
        let eigen = SymmetricEigen(symmetrised(matrix))
        var result = Matrix(rows: n, columns: n)
        for k in 0..<n {
            let lambda = max(eigen.values[k], floor)
            if lambda == 0 { continue }
            for i in 0..<n {
                let vik = eigen.vectors[i, k] * lambda
                for j in 0..<n { result[i, j] += vik * eigen.vectors[j, k] }
            }
        }
        return result
    }

    static func symmetrised(_ matrix: Matrix) -> Matrix {
        var result = matrix
        for i in 0..<matrix.rows {
            for j in 0..<i {
                let mean = (matrix[i, j] + matrix[j, i]) / 2
                result[i, j] = mean
                result[j, i] = mean
            }
        }
        return result
    }
}
