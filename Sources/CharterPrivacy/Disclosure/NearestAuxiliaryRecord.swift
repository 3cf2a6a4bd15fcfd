internal import CharterData

/// For each target, the synthetic record closest over the auxiliary columns, by the Gower-like distance
/// of ``AttributeInference`` (anonymeter's `MixedTypeKNeighbors` with one neighbour).
struct NearestAuxiliaryRecord {
    let columnCount: Int
    let syntheticRows: Int
    let targetRows: Int
    /// Row-major values: numbers as they are, categories as shared codes; missing is NaN.
    var synthetic: [Double]
    var targets: [Double]
    /// Per column: the joint range of a numerical column (1 when it is 0), or 0 for a categorical one.
    var ranges: [Double]
    /// Rows with every auxiliary value present, keyed by those values: the lowest synthetic row of each.
    var exactMatches: [[DisclosureCell]: Int] = [:]
    var targetKeys: [[DisclosureCell]?]

    init(synthetic syntheticTable: Table, targets targetTable: Table, columns: [String], schema: TableSchema)
        throws(DisclosureInputError)
    {
        columnCount = columns.count
        syntheticRows = syntheticTable.rowCount
        targetRows = targetTable.rowCount
        synthetic = [Double](repeating: .nan, count: syntheticRows * columnCount)
        targets = [Double](repeating: .nan, count: targetRows * columnCount)
        ranges = [Double](repeating: 0, count: columnCount)
        var syntheticColumns: [ColumnValues] = []
        var targetColumns: [ColumnValues] = []
        for (index, name) in columns.enumerated() {
            let s = try DisclosureInputError.column(name, in: syntheticTable, role: "synthetic").values
            let t = try DisclosureInputError.column(name, in: targetTable, role: "target").values
            syntheticColumns.append(s)
            targetColumns.append(t)
            if schema.types[name] == .numerical, case .numeric(let sn) = s, case .numeric(let tn) = t {
                var low = Double.infinity
                var high = -Double.infinity
                for row in 0..<syntheticRows where !sn.isMissing[row] {
                    synthetic[row * columnCount + index] = sn.values[row]
                    low = min(low, sn.values[row])
                    high = max(high, sn.values[row])
                }
                for row in 0..<targetRows where !tn.isMissing[row] {
                    targets[row * columnCount + index] = tn.values[row]
                    low = min(low, tn.values[row])
                    high = max(high, tn.values[row])
                }
                ranges[index] = high > low ? high - low : 1
            } else {
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
        }
        func key(_ columns: [ColumnValues], _ row: Int) -> [DisclosureCell]? {
            var cells: [DisclosureCell] = []
            cells.reserveCapacity(columns.count)
            for column in columns {
                let cell = DisclosureCell(column, row: row)
                if cell == .missing { return nil }
                cells.append(cell)
            }
            return cells
        }
        for row in stride(from: syntheticRows - 1, through: 0, by: -1) {
            if let cells = key(syntheticColumns, row) { exactMatches[cells] = row }
        }
        targetKeys = (0..<targetRows).map { key(targetColumns, $0) }
    }

    /// The index of the closest synthetic row of every target (the lowest index on ties).
    ///
    /// A target whose auxiliary values all occur together in a synthetic row is at distance 0 from it,
    /// the smallest possible, so the lowest such row is taken without a scan. Otherwise synthetic rows
    /// are visited outwards in the order of a pivot (the first numerical column with a nonzero range):
    /// a row whose pivot term alone exceeds the best distance cannot win, and neither can any row
    /// further out, so the scan stops there with the same answer as a full scan.
    func nearest() -> [Int] {
        var result = [Int](repeating: 0, count: targetRows)
        let pivot = (0..<columnCount).first { ranges[$0] > 0 }
        var ordered: [Int] = []
        var orderedValues: [Double] = []
        var missingPivot: [Int] = []
        if let pivot {
            for j in 0..<syntheticRows {
                if synthetic[j * columnCount + pivot].isNaN { missingPivot.append(j) } else { ordered.append(j) }
            }
            ordered.sort {
                let a = synthetic[$0 * columnCount + pivot]
                let b = synthetic[$1 * columnCount + pivot]
                return a < b || (a == b && $0 < $1)
            }
            orderedValues = ordered.map { synthetic[$0 * columnCount + pivot] }
        }
        synthetic.withUnsafeBufferPointer { synthetic in
            targets.withUnsafeBufferPointer { targets in
                ranges.withUnsafeBufferPointer { ranges in
                    for i in 0..<targetRows {
                        if let cells = targetKeys[i], let row = exactMatches[cells] {
                            result[i] = row
                            continue
                        }
                        let t = targets.baseAddress! + i * columnCount
                        var best = Double.infinity
                        var bestRow = Int.max
                        @inline(__always) func visit(_ j: Int) {
                            let sum = Self.distance(
                                t, synthetic.baseAddress! + j * columnCount, ranges.baseAddress!, columnCount, best)
                            if sum < best || (sum == best && j < bestRow) {
                                best = sum
                                bestRow = j
                            }
                        }
                        guard let pivot, !t[pivot].isNaN else {
                            for j in 0..<syntheticRows { visit(j) }
                            result[i] = bestRow
                            continue
                        }
                        let value = t[pivot]
                        let range = ranges[pivot]
                        var low = 0
                        var high = orderedValues.count
                        while low < high {
                            let middle = (low + high) / 2
                            if orderedValues[middle] < value { low = middle + 1 } else { high = middle }
                        }
                        var up = low
                        while up < ordered.count, (orderedValues[up] - value) / range <= best {
                            visit(ordered[up])
                            up += 1
                        }
                        var down = low - 1
                        while down >= 0, (value - orderedValues[down]) / range <= best {
                            visit(ordered[down])
                            down -= 1
                        }
                        for j in missingPivot { visit(j) }
                        result[i] = bestRow
                    }
                }
            }
        }
        return result
    }

    /// The distance of a target and a synthetic row, summed in column order; it stops early (returning
    /// a value above `best`) once the partial sum exceeds `best`.
    @inline(__always)
    static func distance(
        _ t: UnsafePointer<Double>, _ s: UnsafePointer<Double>, _ ranges: UnsafePointer<Double>, _ columnCount: Int,
        _ best: Double
    ) -> Double {
        var sum = 0.0
        for c in 0..<columnCount {
            let a = t[c]
            let b = s[c]
            if a != a || b != b {
                sum += 1  // missing on either side, or both, adds 1 (anonymeter: both missing add 1)
            } else if a != b {
                let range = ranges[c]
                sum += range == 0 ? 1 : (a > b ? a - b : b - a) / range
            } else {
                continue
            }
            if sum > best { return sum }
        }
        return sum
    }
}
