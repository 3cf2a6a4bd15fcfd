internal import CharterData

/// For each target, the synthetic record closest over the auxiliary columns, by the Gower-like distance
/// of ``AttributeInference`` (anonymeter 1.1 `MixedTypeKNeighbors` with one neighbour, computed the
/// same way: values pre-scaled by the joint range, terms summed numerical columns first).
struct NearestAuxiliaryRecord {
    let columnCount: Int
    let syntheticRows: Int
    let targetRows: Int
    /// Row-major values, columns in anonymeter's order (numerical columns by name, then the others by
    /// name): numbers divided by their column's joint range, categories as shared codes; missing is NaN.
    var synthetic: [Double]
    var targets: [Double]
    /// Per column: whether it is numerical (term |a − b| of the scaled values) or not (term 0 or 1).
    var numerical: [Bool]
    /// The lowest synthetic row of each tuple of encoded values without a missing value.
    var exactMatches: [[Double]: Int] = [:]

    init(synthetic syntheticTable: Table, targets targetTable: Table, columns: [String], schema: TableSchema)
        throws(DisclosureInputError)
    {
        var numericalColumns: [(String, NumericValues, NumericValues)] = []
        var otherColumns: [(String, ColumnValues, ColumnValues)] = []
        for name in columns {
            let s = try DisclosureInputError.column(name, in: syntheticTable, role: "synthetic").values
            let t = try DisclosureInputError.column(name, in: targetTable, role: "target").values
            if schema.types[name] == .numerical, case .numeric(let sn) = s, case .numeric(let tn) = t {
                numericalColumns.append((name, sn, tn))
            } else {
                otherColumns.append((name, s, t))
            }
        }
        numericalColumns.sort { $0.0 < $1.0 }
        otherColumns.sort { $0.0 < $1.0 }
        columnCount = columns.count
        syntheticRows = syntheticTable.rowCount
        targetRows = targetTable.rowCount
        synthetic = [Double](repeating: .nan, count: syntheticRows * columnCount)
        targets = [Double](repeating: .nan, count: targetRows * columnCount)
        numerical =
            Array(repeating: true, count: numericalColumns.count)
            + Array(repeating: false, count: otherColumns.count)
        for (index, (_, s, t)) in numericalColumns.enumerated() {
            // anonymeter `_scale_numerical`: x / (max − min over both tables), a zero range left at 1.
            let present = s.present + t.present
            var range = (present.max() ?? 0) - (present.min() ?? 0)
            if range == 0 { range = 1 }
            for row in 0..<syntheticRows where !s.isMissing[row] {
                synthetic[row * columnCount + index] = s.values[row] / range
            }
            for row in 0..<targetRows where !t.isMissing[row] {
                targets[row * columnCount + index] = t.values[row] / range
            }
        }
        for (offset, (_, s, t)) in otherColumns.enumerated() {
            let index = numericalColumns.count + offset
            var codes: [String: Double] = [:]
            func code(_ text: String) -> Double {
                if let existing = codes[text] { return existing }
                let next = Double(codes.count)
                codes[text] = next
                return next
            }
            for row in 0..<syntheticRows {
                if let text = s.text(at: row) { synthetic[row * columnCount + index] = code(text) }
            }
            for row in 0..<targetRows {
                if let text = t.text(at: row) { targets[row * columnCount + index] = code(text) }
            }
        }
        for row in stride(from: syntheticRows - 1, through: 0, by: -1) {
            let values = Array(synthetic[row * columnCount..<(row + 1) * columnCount])
            if !values.contains(where: \.isNaN) { exactMatches[values] = row }
        }
    }

    /// The index of the closest synthetic row of every target (the lowest index on ties).
    ///
    /// A target whose encoded values all occur together in a synthetic row is at distance 0 from it,
    /// the smallest possible, so the lowest such row is taken without a scan. Otherwise synthetic rows
    /// are visited by a ``PivotWalk`` outwards in the order of a pivot (the first numerical column),
    /// whose term |gap| bounds the distance from below; rows at the best distance are still visited,
    /// since one may have a lower index.
    func nearest() -> [Int] {
        var result = [Int](repeating: 0, count: targetRows)
        let pivot = numerical.firstIndex(of: true)
        synthetic.withUnsafeBufferPointer { synthetic in
            let order = pivot.map {
                PivotOrder(rowMajor: synthetic, rowCount: syntheticRows, columnCount: columnCount, pivot: $0)
            }
            targets.withUnsafeBufferPointer { targets in
                numerical.withUnsafeBufferPointer { numerical in
                    (order?.values ?? []).withUnsafeBufferPointer { values in
                        for i in 0..<targetRows {
                            let key = Array(targets[i * columnCount..<(i + 1) * columnCount])
                            if !key.contains(where: \.isNaN), let row = exactMatches[key] {
                                result[i] = row
                                continue
                            }
                            let t = targets.baseAddress! + i * columnCount
                            var best = Double.infinity
                            var bestRow = Int.max
                            @inline(__always) func visit(_ j: Int) {
                                let sum = Self.distance(
                                    t, synthetic.baseAddress! + j * columnCount, numerical.baseAddress!, columnCount,
                                    best)
                                if sum < best || (sum == best && j < bestRow) {
                                    best = sum
                                    bestRow = j
                                }
                            }
                            guard let pivot, let order, !t[pivot].isNaN else {
                                for j in 0..<syntheticRows { visit(j) }
                                result[i] = bestRow
                                continue
                            }
                            var walk = PivotWalk(
                                sorted: values, in: 0..<values.count, from: t[pivot], step: 1,
                                bound: .init(visitsTies: true))
                            while let positions = walk.next(best: best) {
                                for position in positions { visit(order.rows[position]) }
                            }
                            for j in order.missing { visit(j) }
                            result[i] = bestRow
                        }
                    }
                }
            }
        }
        return result
    }

    /// The distance of a target and a synthetic row, summed in column order (anonymeter's
    /// `gower_distance`); it stops early (returning a value above `best`) once the partial sum exceeds
    /// `best`.
    @inline(__always)
    static func distance(
        _ t: UnsafePointer<Double>, _ s: UnsafePointer<Double>, _ numerical: UnsafePointer<Bool>, _ columnCount: Int,
        _ best: Double
    ) -> Double {
        var sum = 0.0
        for c in 0..<columnCount {
            let a = t[c]
            let b = s[c]
            if a != a || b != b {
                sum += 1  // missing on either side, or both, adds 1 (anonymeter: both missing add 1)
            } else if a != b {
                sum += numerical[c] ? (a > b ? a - b : b - a) : 1
            } else {
                continue
            }
            if sum > best { return sum }
        }
        return sum
    }
}
