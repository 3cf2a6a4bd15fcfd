import Testing

@testable import CharterStats

@Suite struct LinearAlgebraTests {
    @Test func choleskyFactorsAndSolves() throws {
        let a = Matrix([[4, 12, -16], [12, 37, -43], [-16, -43, 98]])
        let factor = try #require(Cholesky(a))
        #expect(factor.lower.rowArrays == [[2, 0, 0], [6, 1, 0], [-8, 5, 3]])
        let x = factor.solve([1, 2, 3])
        let back = (a * Matrix(x.map { [$0] })).storage
        for (value, expected) in zip(back, [1.0, 2, 3]) { #expect(abs(value - expected) < 1e-9) }
        #expect(Cholesky(Matrix([[1, 2], [2, 1]])) == nil)
    }

    @Test func nearestCorrelationIsACorrelationMatrix() throws {
        // Higham (2002) §4 example: not positive semidefinite.
        let a = Matrix([[1, 1, 0], [1, 1, 1], [0, 1, 1]])
        #expect(Cholesky(a) == nil)
        let x = NearestCorrelation.project(a)
        for i in 0..<3 { #expect(x[i, i] == 1) }
        #expect(Cholesky(x) != nil)
        // Higham's published answer: off-diagonals 0.7607, 0.1573.
        #expect(abs(x[0, 1] - 0.7607) < 2e-4 && abs(x[0, 2] - 0.1573) < 2e-4)
        // A valid correlation matrix is left as it is.
        let valid = Matrix([[1, 0.3], [0.3, 1]])
        let same = NearestCorrelation.project(valid)
        #expect(abs(same[0, 1] - 0.3) < 1e-9)
    }

    @Test func eigenDecomposition() {
        let eigen = SymmetricEigen(Matrix([[2, 1], [1, 2]]))
        #expect(abs(eigen.values[0] - 1) < 1e-12 && abs(eigen.values[1] - 3) < 1e-12)
    }

    @Test func averageRanksOfLongColumnsAreTheComparisonSortsRanks() {
        // Past 255 values the ranks come from a radix argsort: ties (many), −0.0 beside 0.0 and
        // infinities must rank exactly as the mean-of-spanned-ranks definition says.
        // 5,000 values in a scrambled order (7919 is prime to 200), each of 200 levels 25 times.
        var values = (0..<5_000).map { Double($0 * 7919 % 200) / 4 - 20 }
        values += [0.0, -0.0, .infinity, -.infinity, 1e300, -1e-300]
        let order = values.indices.sorted { values[$0] < values[$1] }
        var expected = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && values[order[end + 1]] == values[order[start]] { end += 1 }
            for k in start...end { expected[order[k]] = Double(start + end + 2) / 2 }
            start = end + 1
        }
        #expect(Correlation.averageRanks(values) == expected)
        // With a NaN the comparison sort is kept (a radix key has no place for NaN).
        #expect(Correlation.averageRanks([Double.nan] + values).count == values.count + 1)
    }

    @Test func correlationsAndRanks() {
        #expect(Correlation.averageRanks([10, 20, 20, 5]) == [2, 3.5, 3.5, 1])
        #expect(Correlation.pearson([1, 2, 3], [2, 4, 6]) == 1)
        #expect(Correlation.pearson([1, 1, 1], [2, 4, 6]) == nil)
        let r = Correlation.pearson([1, 2, 3, 100], [1, 2, 4, 0], missingX: [false, false, false, true])
        #expect(r != nil && abs(r! - 0.9819805060619657) < 1e-12)
        #expect(Correlation.spearman([1, 2, 3, 4], [1, 4, 9, 16]) == 1)
    }

    @Test func aucCountsTiesAsHalf() {
        #expect(ROCAUC.compute(scores: [0.1, 0.4, 0.35, 0.8], labels: [false, false, true, true]) == 0.75)
        #expect(ROCAUC.compute(scores: [1, 1], labels: [true, false]) == 0.5)
        #expect(ROCAUC.compute(scores: [1, 2], labels: [true, true]) == nil)
    }
}

@Suite struct RadixSortTests {
    @Test func sortsLikeTheStandardLibrary() {
        var state: UInt64 = 42
        var values: [Double] = [-0.0, 0.0, -1e300, 1e300, Double.leastNonzeroMagnitude, -Double.leastNonzeroMagnitude]
        for _ in 0..<5000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1
            let magnitude = Double(state >> 11) / Double(1 << 53)
            values.append(state % 3 == 0 ? -magnitude * 1000 : (magnitude * 100).rounded())
        }
        let sorted = RadixSort.sorted(values)
        let expected = values.sorted()
        #expect(sorted.count == expected.count)
        #expect(zip(sorted, expected).allSatisfy { $0 == $1 })
    }
}
