internal import CharterData
internal import Dispatch

/// The fast path of ``DistanceToClosestRecord``: the same minimum, bit for bit, from a column-major
/// reference scanned eight rows at a time on every core, skipping rows that provably cannot win.
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
///
/// Pruning, which never changes the minimum (terms are non-negative and rounding is monotone, so a
/// floating-point sum is at least the floating-point sum of any of its terms with the others zeroed):
/// - reference rows are grouped by their tuple of equality codes; a group whose tuple differs from the
///   query's in k columns has every sum ≥ k, so groups are visited in increasing k and the scan ends
///   at the first k ≥ the best sum;
/// - within a group, rows are sorted by the first scaled column (the pivot) and visited in blocks of
///   eight outwards from the query's pivot value (a ``PivotWalk``); a direction stops once (k + pivot term) · (1 − 4(n+1)u)
///   reaches the best sum (u = 2⁻⁵³, n columns: the factor covers the rounding of an n-term sum), since
///   every row further out has a pivot term at least as large. Sentinel rows sort last.
struct ClosestDistanceSearch {
    static let lanes = 8

    let columnCount: Int
    let queryRows: Int
    let referenceRows: Int
    /// Query rows, row-major.
    var queries: [Double]
    /// Reference rows sorted by group, then pivot; column-major with `stride` slots per column (the
    /// last `lanes` slots are padding that masked lanes may read).
    var reference: [Double]
    let stride: Int
    /// Per column: the reference range of a scaled column, 0 for an equality column.
    var ranges: [Double]
    let pivot: Int?
    /// The equality columns, in table order.
    var equalityColumns: [Int]
    /// Per group, its first position in `reference` (and, last, `referenceRows`).
    var groupStarts: [Int]
    /// Group tuples, column-major: the code of equality column e for group g at e · groupStride + g
    /// (padded with NaN, which matches no code, to a multiple of `lanes`).
    var groupKeys: [Double]
    let groupStride: Int
    /// 1 − 4(n + 1)·2⁻⁵³: scales a lower bound k + p down past the rounding of an n-term sum.
    let safety: Double

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
        let equalityColumns = (0..<columnCount).filter { ranges[$0] == 0 }
        // Group reference rows by their equality tuple (group ids in order of first appearance).
        var groupOf = [Int](repeating: 0, count: referenceRows)
        var groupIds: [[Double]: Int] = [:]
        var tuples: [[Double]] = []
        var key = [Double](repeating: 0, count: equalityColumns.count)
        for row in 0..<referenceRows {
            for (e, column) in equalityColumns.enumerated() { key[e] = unsortedReference[column * referenceRows + row] }
            if let id = groupIds[key] {
                groupOf[row] = id
            } else {
                groupIds[key] = tuples.count
                groupOf[row] = tuples.count
                tuples.append(key)
            }
        }
        var order = Array(0..<referenceRows)
        let pivotBase = (pivot ?? 0) * referenceRows
        order.sort {
            if groupOf[$0] != groupOf[$1] { return groupOf[$0] < groupOf[$1] }
            guard pivot != nil else { return $0 < $1 }
            return unsortedReference[pivotBase + $0] < unsortedReference[pivotBase + $1]
        }
        var reference = [Double](repeating: 0, count: stride * columnCount)
        for column in 0..<columnCount {
            for (position, row) in order.enumerated() {
                reference[column * stride + position] = unsortedReference[column * referenceRows + row]
            }
        }
        var groupStarts: [Int] = []
        for (position, row) in order.enumerated() where position == 0 || groupOf[row] != groupOf[order[position - 1]] {
            groupStarts.append(position)
        }
        groupStarts.append(referenceRows)
        let groupStride = (tuples.count + Self.lanes - 1) / Self.lanes * Self.lanes
        var groupKeys = [Double](repeating: .nan, count: max(1, equalityColumns.count) * groupStride)
        for (g, tuple) in tuples.enumerated() {
            for e in tuple.indices { groupKeys[e * groupStride + g] = tuple[e] }
        }
        self.queries = queries
        self.reference = reference
        self.ranges = ranges
        self.pivot = pivot
        self.equalityColumns = equalityColumns
        self.groupStarts = groupStarts
        self.groupKeys = groupKeys
        self.groupStride = groupStride
        safety = 1 - 4 * Double(columnCount + 1) * 0x1p-53
    }

    /// The smallest row sum (not yet divided by the column count) of every query row.
    /// - Complexity: O(queries × references × columns / 8) at worst, spread over every core.
    func closestSums() -> [Double] {
        var result = [Double](repeating: .infinity, count: queryRows)
        guard columnCount > 0, referenceRows > 0, queryRows > 0 else { return result }
        let chunkSize = 64
        let chunks = (queryRows + chunkSize - 1) / chunkSize
        let scan = Scan(
            columnCount: columnCount, referenceRows: referenceRows, stride: stride, pivot: pivot,
            equalityColumns: equalityColumns, groupCount: groupStarts.count - 1, groupStride: groupStride,
            safety: safety)
        let queryRows = queryRows
        queries.withUnsafeBufferPointer { queries in
            reference.withUnsafeBufferPointer { reference in
                ranges.withUnsafeBufferPointer { ranges in
                    groupStarts.withUnsafeBufferPointer { groupStarts in
                        groupKeys.withUnsafeBufferPointer { groupKeys in
                            result.withUnsafeMutableBufferPointer { result in
                                let buffers = Buffers(
                                    queries: queries.baseAddress!, reference: reference.baseAddress!,
                                    ranges: ranges.baseAddress!, groupStarts: groupStarts.baseAddress!,
                                    groupKeys: groupKeys.baseAddress!, result: result.baseAddress!)
                                let work = { @Sendable (chunk: Int) in
                                    var mismatches = [Double](repeating: 0, count: scan.groupStride)
                                    mismatches.withUnsafeMutableBufferPointer { mismatches in
                                        for row in chunk * chunkSize..<min(queryRows, (chunk + 1) * chunkSize) {
                                            buffers.result[row] = scan.closest(
                                                query: buffers.queries + row * scan.columnCount, buffers,
                                                mismatches: mismatches.baseAddress!)
                                        }
                                    }
                                }
                                if queryRows * scan.referenceRows >= 1 << 20 {
                                    DispatchQueue.concurrentPerform(iterations: chunks, execute: work)
                                } else {
                                    for chunk in 0..<chunks { work(chunk) }
                                }
                            }
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
        let groupStarts: UnsafePointer<Int>
        let groupKeys: UnsafePointer<Double>
        let result: UnsafeMutablePointer<Double>
    }

    /// The shape of the scan, copied into every chunk.
    struct Scan: Sendable {
        let columnCount: Int
        let referenceRows: Int
        let stride: Int
        let pivot: Int?
        let equalityColumns: [Int]
        let groupCount: Int
        let groupStride: Int
        let safety: Double

        /// The smallest row sum of one query.
        func closest(query: UnsafePointer<Double>, _ buffers: Buffers, mismatches: UnsafeMutablePointer<Double>)
            -> Double
        {
            typealias Lanes = SIMD8<Double>
            let lanes = ClosestDistanceSearch.lanes
            // Mismatching equality columns of every group, eight groups at a time.
            var g = 0
            while g < groupStride {
                var count = Lanes(repeating: 0)
                for (e, column) in equalityColumns.enumerated() {
                    let keys = UnsafeRawPointer(buffers.groupKeys + e * groupStride + g).loadUnaligned(as: Lanes.self)
                    count += Lanes(repeating: 0).replacing(with: 1, where: keys .!= Lanes(repeating: query[column]))
                }
                UnsafeMutableRawPointer(mismatches + g).storeBytes(of: count, as: Lanes.self)
                g += lanes
            }
            var best = Double.infinity
            var k = 0
            while k <= equalityColumns.count && Double(k) < best {
                let level = Double(k)
                for group in 0..<groupCount where mismatches[group] == level {
                    best = scanGroup(
                        query: query, buffers, start: buffers.groupStarts[group], end: buffers.groupStarts[group + 1],
                        mismatches: level, best: best)
                }
                k += 1
            }
            return best
        }

        /// min(best, the sums of the group's rows that can beat it).
        @inline(__always)
        func scanGroup(
            query: UnsafePointer<Double>, _ buffers: Buffers, start: Int, end: Int, mismatches: Double, best: Double
        ) -> Double {
            var best = best
            guard let pivot else {
                var position = start
                while position < end {
                    best = ClosestDistanceSearch.block(
                        query: query, reference: buffers.reference, start: position,
                        valid: min(ClosestDistanceSearch.lanes, end - position), stride: stride,
                        ranges: buffers.ranges, columnCount: columnCount, best: best)
                    position += ClosestDistanceSearch.lanes
                }
                return best
            }
            var walk = PivotWalk(
                sorted: UnsafeBufferPointer(start: buffers.reference + pivot * stride, count: referenceRows),
                in: start..<end, from: query[pivot], step: ClosestDistanceSearch.lanes,
                bound: .init(offset: mismatches, scale: buffers.ranges[pivot], cap: 1, safety: safety))
            while let positions = walk.next(best: best) {
                best = ClosestDistanceSearch.block(
                    query: query, reference: buffers.reference, start: positions.lowerBound, valid: positions.count,
                    stride: stride, ranges: buffers.ranges, columnCount: columnCount, best: best)
            }
            return best
        }
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
