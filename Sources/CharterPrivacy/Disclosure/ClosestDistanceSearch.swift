internal import CharterData
internal import Dispatch

/// The fast path of ``DistanceToClosestRecord``: the same minimum, bit for bit, from a column-major
/// reference scanned eight rows at a time on every core.
///
/// Encoding (per column, in table order):
/// - a numerical column whose reference range is nonzero is *scaled*: term = min(|s − r| / range, 1);
///   a missing value becomes a sentinel M beyond every present value of both tables by at least
///   twice the range, so one side missing gives |x − M| / range ≥ 1, i.e. a term of 1, and both
///   missing give |M − M| = 0: exactly the definition, with no NaN and no branch;
/// - every other column (categories, booleans, numerical with range 0) is an *equality* column of
///   integer codes (shared by both tables, missing = −1): term = 0 when equal, else 1.
///
/// Each lane of a `SIMD8<Double>` accumulator sums one reference row's terms in column order, as the
/// scalar loop does, so every row distance and therefore the minimum are identical to the definition.
/// Reference rows are sorted by the first scaled column (the pivot); rows are visited in blocks of
/// eight outwards from the query's pivot value, and a direction stops once the pivot term of its
/// nearest unvisited row reaches the best sum: every row further out has a pivot term at least as
/// large, hence a sum at least as large (terms are non-negative and rounding is monotone). Sentinel
/// rows sort last and have pivot term 1, so they are visited only when the best sum exceeds 1.
struct ClosestDistanceSearch {
    static let lanes = 8

    let columnCount: Int
    let queryRows: Int
    let referenceRows: Int
    /// Query rows, row-major.
    var queries: [Double]
    /// Reference rows sorted by the pivot, column-major with `stride` slots per column (the last
    /// `lanes` slots are padding that masked lanes may read).
    var reference: [Double]
    let stride: Int
    /// Per column: the reference range of a scaled column, 0 for an equality column.
    var ranges: [Double]
    let pivot: Int?

    /// Encodes both tables, or returns nil when no sentinel fits (values so large that M would not be
    /// finite); the caller then takes the scalar path.
    init?(query queryTable: Table, reference referenceTable: Table, columns: [String], schema: TableSchema)
        throws(DisclosureInputError)
    {
        columnCount = columns.count
        queryRows = queryTable.rowCount
        referenceRows = referenceTable.rowCount
        stride = referenceRows + Self.lanes
        var queries = [Double](repeating: 0, count: queryRows * columnCount)
        var unsortedReference = [Double](repeating: 0, count: referenceRows * columnCount)  // column-major
        var ranges = [Double](repeating: 0, count: columnCount)
        for (index, name) in columns.enumerated() {
            let queryColumn = try DisclosureInputError.column(name, in: queryTable, role: "synthetic").values
            let referenceColumn = try DisclosureInputError.column(name, in: referenceTable, role: "reference").values
            if schema.types[name] == .numerical, case .numeric(let q) = queryColumn,
                case .numeric(let r) = referenceColumn
            {
                var low = Double.infinity
                var high = -Double.infinity
                for row in 0..<referenceRows where !r.isMissing[row] {
                    low = min(low, r.values[row])
                    high = max(high, r.values[row])
                }
                let range = high >= low ? high - low : 0
                if range > 0 && range.isFinite {
                    // The sentinel must clear every present value of both tables.
                    var allLow = low
                    var allHigh = high
                    for row in 0..<queryRows where !q.isMissing[row] {
                        allLow = min(allLow, q.values[row])
                        allHigh = max(allHigh, q.values[row])
                    }
                    guard allLow.isFinite, allHigh.isFinite else { return nil }
                    let above = allHigh + 2 * range
                    let below = allLow - 2 * range
                    let sentinel: Double
                    if above.isFinite && (above - allHigh) / range >= 1 && (above - allLow) / range >= 1 {
                        sentinel = above
                    } else if below.isFinite && (allHigh - below) / range >= 1 && (allLow - below) / range >= 1 {
                        sentinel = below
                    } else {
                        return nil
                    }
                    ranges[index] = range
                    for row in 0..<referenceRows {
                        unsortedReference[index * referenceRows + row] = r.isMissing[row] ? sentinel : r.values[row]
                    }
                    for row in 0..<queryRows {
                        queries[row * columnCount + index] = q.isMissing[row] ? sentinel : q.values[row]
                    }
                    continue
                }
                // Range 0 (or no present value): equal numbers give 0, anything else 1.
                var codes: [Double: Double] = [:]
                func code(_ value: Double) -> Double {
                    if let existing = codes[value] { return existing }
                    let next = Double(codes.count)
                    codes[value] = next
                    return next
                }
                for row in 0..<referenceRows {
                    unsortedReference[index * referenceRows + row] = r.isMissing[row] ? -1 : code(r.values[row])
                }
                for row in 0..<queryRows {
                    queries[row * columnCount + index] = q.isMissing[row] ? -1 : code(q.values[row])
                }
            } else {
                var codes: [String: Double] = [:]
                func code(_ text: String?) -> Double {
                    guard let text else { return -1 }
                    if let existing = codes[text] { return existing }
                    let next = Double(codes.count)
                    codes[text] = next
                    return next
                }
                for row in 0..<referenceRows {
                    unsortedReference[index * referenceRows + row] = code(referenceColumn.text(at: row))
                }
                for row in 0..<queryRows { queries[row * columnCount + index] = code(queryColumn.text(at: row)) }
            }
        }
        let pivot = (0..<columnCount).first { ranges[$0] > 0 }
        var order = Array(0..<referenceRows)
        if let pivot {
            let base = pivot * referenceRows
            order.sort { unsortedReference[base + $0] < unsortedReference[base + $1] }
        }
        var reference = [Double](repeating: 0, count: stride * columnCount)
        for column in 0..<columnCount {
            for (position, row) in order.enumerated() {
                reference[column * stride + position] = unsortedReference[column * referenceRows + row]
            }
        }
        self.queries = queries
        self.reference = reference
        self.ranges = ranges
        self.pivot = pivot
    }

    /// The smallest row sum (not yet divided by the column count) of every query row.
    /// - Complexity: O(queries × references × columns / 8) at worst, spread over every core.
    func closestSums() -> [Double] {
        var result = [Double](repeating: .infinity, count: queryRows)
        guard columnCount > 0, referenceRows > 0, queryRows > 0 else { return result }
        let chunkSize = 64
        let chunks = (queryRows + chunkSize - 1) / chunkSize
        let (columnCount, queryRows, referenceRows, stride, pivot) = (
            self.columnCount, self.queryRows, self.referenceRows, self.stride, self.pivot
        )
        queries.withUnsafeBufferPointer { queries in
            reference.withUnsafeBufferPointer { reference in
                ranges.withUnsafeBufferPointer { ranges in
                    result.withUnsafeMutableBufferPointer { result in
                        let buffers = Buffers(
                            queries: queries.baseAddress!, reference: reference.baseAddress!,
                            ranges: ranges.baseAddress!, result: result.baseAddress!)
                        let work = { @Sendable (chunk: Int) in
                            let end = min(queryRows, (chunk + 1) * chunkSize)
                            for row in chunk * chunkSize..<end {
                                buffers.result[row] = Self.closest(
                                    query: buffers.queries + row * columnCount, reference: buffers.reference,
                                    stride: stride, referenceRows: referenceRows, ranges: buffers.ranges,
                                    columnCount: columnCount, pivot: pivot)
                            }
                        }
                        if queryRows * referenceRows >= 1 << 20 {
                            DispatchQueue.concurrentPerform(iterations: chunks, execute: work)
                        } else {
                            for chunk in 0..<chunks { work(chunk) }
                        }
                    }
                }
            }
        }
        return result
    }

    /// The storage one scan reads and writes, shared by the concurrent chunks.
    // INVARIANT: the pointers outlive `closestSums`' concurrentPerform (they come from the enclosing
    // withUnsafeBufferPointer calls); the inputs are only read, and each chunk writes only its own
    // disjoint range of `result`.
    struct Buffers: @unchecked Sendable {
        let queries: UnsafePointer<Double>
        let reference: UnsafePointer<Double>
        let ranges: UnsafePointer<Double>
        let result: UnsafeMutablePointer<Double>
    }

    static func closest(
        query: UnsafePointer<Double>, reference: UnsafePointer<Double>, stride: Int, referenceRows: Int,
        ranges: UnsafePointer<Double>, columnCount: Int, pivot: Int?
    ) -> Double {
        var best = Double.infinity
        guard let pivot else {
            var start = 0
            while start < referenceRows {
                best = block(
                    query: query, reference: reference, start: start, valid: min(lanes, referenceRows - start),
                    stride: stride, ranges: ranges, columnCount: columnCount, best: best)
                start += lanes
            }
            return best
        }
        let pivotValues = reference + pivot * stride
        let value = query[pivot]
        let range = ranges[pivot]
        // First position whose pivot value is ≥ the query's.
        var low = 0
        var high = referenceRows
        while low < high {
            let middle = (low + high) / 2
            if pivotValues[middle] < value { low = middle + 1 } else { high = middle }
        }
        var up = low
        while up < referenceRows {
            let d = (pivotValues[up] - value) / range
            if (d < 1 ? d : 1) >= best { break }
            best = block(
                query: query, reference: reference, start: up, valid: min(lanes, referenceRows - up), stride: stride,
                ranges: ranges, columnCount: columnCount, best: best)
            up += lanes
        }
        var down = low
        while down > 0 {
            let d = (value - pivotValues[down - 1]) / range
            if (d < 1 ? d : 1) >= best { break }
            let start = max(0, down - lanes)
            best = block(
                query: query, reference: reference, start: start, valid: down - start, stride: stride,
                ranges: ranges, columnCount: columnCount, best: best)
            down = start
        }
        return best
    }

    /// min(best, the row sums of reference positions start..<start + valid), eight lanes at a time.
    @inline(__always)
    static func block(
        query: UnsafePointer<Double>, reference: UnsafePointer<Double>, start: Int, valid: Int, stride: Int,
        ranges: UnsafePointer<Double>, columnCount: Int, best: Double
    ) -> Double {
        typealias Lanes = SIMD8<Double>
        let zero = Lanes(repeating: 0)
        let one = Lanes(repeating: 1)
        var sums = zero
        let bests = Lanes(repeating: best)
        for column in 0..<columnCount {
            let r = UnsafeRawPointer(reference + column * stride + start).loadUnaligned(as: Lanes.self)
            let q = Lanes(repeating: query[column])
            let range = ranges[column]
            if range == 0 {
                sums += zero.replacing(with: one, where: q .!= r)
            } else {
                let d = pointwiseMax(q - r, r - q) / Lanes(repeating: range)
                sums += d.replacing(with: one, where: d .>= one)
            }
            // Every lane already at or above the best: this block cannot improve it.
            if all(sums .>= bests) { return best }
        }
        if valid < lanes {
            let laneIndex = SIMD8<Int64>(0, 1, 2, 3, 4, 5, 6, 7)
            sums = sums.replacing(with: .infinity, where: laneIndex .>= SIMD8<Int64>(repeating: Int64(valid)))
        }
        return min(best, sums.min())
    }
}
