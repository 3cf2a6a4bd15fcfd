public import CharterData

/// Distance to closest record as SDMetrics 0.32 defines it for `DCROverfittingProtection`
/// (`Tests/Fixtures/reference-metrics/README.md`, "Definitions", point 6).
///
/// Only numerical, categorical and boolean columns take part; ordinal columns are ignored. Per column,
/// a numerical term is min(|s − r| / range, 1) with the range (max − min, missing ignored) of the
/// reference table, and range 0 gives 0 when equal, else 1; a categorical term is 0 when equal, else 1.
/// Exactly one side missing gives 1, both missing 0. The row distance is the sum of the terms in column
/// order divided by the number of columns; a synthetic row's DCR is its minimum over reference rows.
public enum DistanceToClosestRecord {
    /// The columns DCR uses, in table order: those whose sdtype is numerical, categorical or boolean.
    public static func columns(of table: Table, schema: TableSchema) -> (used: [String], ignored: [String]) {
        var used: [String] = []
        var ignored: [String] = []
        for name in table.columnNames {
            switch schema.types[name] {
            case .numerical, .categorical, .boolean: used.append(name)
            case .ordinal, nil: ignored.append(name)
            }
        }
        return (used, ignored)
    }

    /// The DCR of every `synthetic` row to `reference` over `columns` (each present in both tables).
    public static func perRow(
        synthetic: Table, reference: Table, columns: [String], schema: TableSchema
    ) throws(DisclosureInputError) -> [Double] {
        #if DEBUG
            // Unoptimised builds do not specialise the SIMD operators of the block scan, which makes it
            // far slower than the scalar scan there; both give identical distances (tested).
            return try scalarPerRow(synthetic: synthetic, reference: reference, columns: columns, schema: schema)
        #else
            if let distances = try blockPerRow(
                synthetic: synthetic, reference: reference, columns: columns, schema: schema)
            {
                return distances
            }
            return try scalarPerRow(synthetic: synthetic, reference: reference, columns: columns, schema: schema)
        #endif
    }

    /// The same as ``perRow(synthetic:reference:columns:schema:)`` by ``ClosestDistanceSearch``, or nil
    /// when its missing-value sentinel does not fit the values.
    static func blockPerRow(
        synthetic: Table, reference: Table, columns: [String], schema: TableSchema
    ) throws(DisclosureInputError) -> [Double]? {
        guard
            let search = try ClosestDistanceSearch(
                query: synthetic, reference: reference, columns: columns, schema: schema)
        else { return nil }
        guard !columns.isEmpty else { return [Double](repeating: .nan, count: synthetic.rowCount) }
        let count = Double(columns.count)
        return search.closestSums().map { $0 / count }
    }

    /// The same as ``perRow(synthetic:reference:columns:schema:)`` by the plain scalar scan: the
    /// definition that the block scan is tested against, and the path for values too large for its
    /// missing-value sentinel.
    static func scalarPerRow(
        synthetic: Table, reference: Table, columns: [String], schema: TableSchema
    ) throws(DisclosureInputError) -> [Double] {
        let encoded = try EncodedPair(synthetic: synthetic, reference: reference, columns: columns, schema: schema)
        return encoded.closestDistances()
    }

    /// Both tables as row-major contiguous doubles (missing = NaN, categories as shared codes with
    /// range 0), so the pair loop reads two flat arrays and allocates nothing.
    struct EncodedPair {
        let columnCount: Int
        let syntheticRows: Int
        let referenceRows: Int
        var synthetic: [Double]
        var reference: [Double]
        /// Per column: the reference range, 0 for categories (equal → 0, else 1).
        var ranges: [Double]

        init(
            synthetic syntheticTable: Table, reference referenceTable: Table, columns: [String], schema: TableSchema
        ) throws(DisclosureInputError) {
            columnCount = columns.count
            syntheticRows = syntheticTable.rowCount
            referenceRows = referenceTable.rowCount
            synthetic = [Double](repeating: .nan, count: syntheticRows * columnCount)
            reference = [Double](repeating: .nan, count: referenceRows * columnCount)
            ranges = [Double](repeating: 0, count: columnCount)
            for (index, name) in columns.enumerated() {
                let syntheticColumn = try DisclosureInputError.column(name, in: syntheticTable, role: "synthetic")
                    .values
                let referenceColumn = try DisclosureInputError.column(name, in: referenceTable, role: "reference")
                    .values
                if schema.types[name] == .numerical, case .numeric(let s) = syntheticColumn,
                    case .numeric(let r) = referenceColumn
                {
                    var low = Double.infinity
                    var high = -Double.infinity
                    for row in 0..<referenceRows where !r.isMissing[row] {
                        reference[row * columnCount + index] = r.values[row]
                        low = min(low, r.values[row])
                        high = max(high, r.values[row])
                    }
                    for row in 0..<syntheticRows where !s.isMissing[row] {
                        synthetic[row * columnCount + index] = s.values[row]
                    }
                    ranges[index] = high >= low ? high - low : 0
                } else {
                    var codes: [String: Double] = [:]
                    func code(_ text: String) -> Double {
                        if let existing = codes[text] { return existing }
                        let next = Double(codes.count)
                        codes[text] = next
                        return next
                    }
                    for row in 0..<referenceRows {
                        if let text = referenceColumn.text(at: row) {
                            reference[row * columnCount + index] = code(text)
                        }
                    }
                    for row in 0..<syntheticRows {
                        if let text = syntheticColumn.text(at: row) {
                            synthetic[row * columnCount + index] = code(text)
                        }
                    }
                }
            }
        }

        /// For each synthetic row, the smallest row distance to a reference row. A partial sum that
        /// already reaches the best so far stops that pair early (terms are never negative), which
        /// leaves every completed sum, and so the minimum, unchanged.
        func closestDistances() -> [Double] {
            var result = [Double](repeating: .nan, count: syntheticRows)
            guard columnCount > 0 else { return result }
            synthetic.withUnsafeBufferPointer { synthetic in
                reference.withUnsafeBufferPointer { reference in
                    ranges.withUnsafeBufferPointer { ranges in
                        result.withUnsafeMutableBufferPointer { result in
                            Self.closest(
                                synthetic: synthetic.baseAddress!, syntheticRows: syntheticRows,
                                reference: reference.baseAddress!, referenceRows: referenceRows,
                                ranges: ranges.baseAddress!, columnCount: columnCount, into: result.baseAddress!)
                        }
                    }
                }
            }
            return result
        }

        /// The pair loop over raw row-major storage.
        ///
        /// Reference rows are visited by a ``PivotWalk`` outwards from the synthetic value in the order
        /// of a pivot column (the first with a nonzero range), whose term min(gap / range, 1) bounds a
        /// pair's sum from below; rows missing the pivot are always visited.
        static func closest(
            synthetic: UnsafePointer<Double>, syntheticRows: Int, reference: UnsafePointer<Double>, referenceRows: Int,
            ranges: UnsafePointer<Double>, columnCount: Int, into result: UnsafeMutablePointer<Double>
        ) {
            let pivot = (0..<columnCount).first { ranges[$0] > 0 }
            let order = pivot.map {
                PivotOrder(
                    rowMajor: UnsafeBufferPointer(start: reference, count: referenceRows * columnCount),
                    rowCount: referenceRows, columnCount: columnCount, pivot: $0)
            }
            (order?.values ?? []).withUnsafeBufferPointer { values in
                for i in 0..<syntheticRows {
                    let s = synthetic + i * columnCount
                    var best = Double.infinity
                    guard let pivot, let order, !s[pivot].isNaN else {
                        for j in 0..<referenceRows {
                            best = pairSum(s, reference + j * columnCount, ranges, columnCount, best)
                        }
                        result[i] = best / Double(columnCount)
                        continue
                    }
                    var walk = PivotWalk(
                        sorted: values, in: 0..<values.count, from: s[pivot], step: 1,
                        bound: .init(scale: ranges[pivot], cap: 1))
                    while let positions = walk.next(best: best) {
                        for position in positions {
                            best = pairSum(s, reference + order.rows[position] * columnCount, ranges, columnCount, best)
                        }
                    }
                    for j in order.missing { best = pairSum(s, reference + j * columnCount, ranges, columnCount, best) }
                    result[i] = best / Double(columnCount)
                }
            }
        }

        /// min(best, the row distance's sum of terms in column order), stopping once the partial sum
        /// reaches `best` (a sum that does not beat `best` is not needed).
        @inline(__always)
        static func pairSum(
            _ s: UnsafePointer<Double>, _ r: UnsafePointer<Double>, _ ranges: UnsafePointer<Double>, _ columnCount: Int,
            _ best: Double
        ) -> Double {
            var sum = 0.0
            var c = 0
            while c < columnCount {
                // The column term of the type's doc comment, written out without helper calls
                // (debug builds do not inline them): equal values add 0 (categories have
                // range 0), one side missing adds 1, both missing 0.
                let a = s[c]
                let b = r[c]
                if a != b {
                    if a != a || b != b {
                        if !(a != a && b != b) { sum += 1 }
                    } else {
                        let range = ranges[c]
                        if range == 0 {
                            sum += 1
                        } else {
                            let d = (a > b ? a - b : b - a) / range
                            sum += d < 1 ? d : 1
                        }
                    }
                    if sum >= best { break }
                }
                c += 1
            }
            return sum < best ? sum : best
        }
    }
}

/// SDMetrics 0.32 `DCROverfittingProtection`: how often a synthetic row is closer to the training
/// data than to a holdout the generator never saw (README point 6).
///
/// share = #{d(S,R) < d(S,H)} / |S| (ties count as holdout); score = min(1, 2·(1 − share)).
public struct DCROverfittingProtection: Sendable, Equatable {
    /// Columns that took part, in table order.
    public var columnsUsed: [String]
    /// Columns left out (ordinal, or without an sdtype).
    public var columnsIgnored: [String]
    /// Per synthetic row: DCR to train.
    public var dcrTrain: [Double]
    /// Per synthetic row: DCR to holdout.
    public var dcrHoldout: [Double]
    /// Synthetic rows strictly closer to train.
    public var closerToTrainingCount: Int

    /// Share of synthetic rows strictly closer to train.
    public var closerToTraining: Double { Double(closerToTrainingCount) / Double(dcrTrain.count) }
    /// Share of the others.
    public var closerToHoldout: Double { Double(dcrTrain.count - closerToTrainingCount) / Double(dcrTrain.count) }
    /// min(1, 2·(1 − share closer to train)).
    public var score: Double { min(1, 2 * (1 - closerToTraining)) }

    /// Measures `synthetic` against `train` and `holdout`; all three need the used columns.
    public init(train: Table, holdout: Table, synthetic: Table, schema: TableSchema) throws(DisclosureInputError) {
        (columnsUsed, columnsIgnored) = DistanceToClosestRecord.columns(of: synthetic, schema: schema)
        guard !columnsUsed.isEmpty else {
            throw DisclosureInputError("DCR needs a numerical, categorical or boolean column; there is none")
        }
        guard synthetic.rowCount > 0, train.rowCount > 0, holdout.rowCount > 0 else {
            throw DisclosureInputError("DCR needs rows in the train, holdout and synthetic tables")
        }
        dcrTrain = try DistanceToClosestRecord.perRow(
            synthetic: synthetic, reference: train, columns: columnsUsed, schema: schema)
        dcrHoldout = try DistanceToClosestRecord.perRow(
            synthetic: synthetic, reference: holdout, columns: columnsUsed, schema: schema)
        closerToTrainingCount = zip(dcrTrain, dcrHoldout).reduce(0) { $0 + ($1.0 < $1.1 ? 1 : 0) }
    }

    /// The median of `values` (mean of the two middle values for an even count), as numpy's.
    public static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
