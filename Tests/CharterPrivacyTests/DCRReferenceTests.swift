import CharterCore
import CharterData
import CharterTestSupport
import Foundation
import Testing

@testable import CharterPrivacy

/// DCR per row, DCROverfittingProtection and NewRowSynthesis of every reference fixture.
@Suite struct DCRReferenceTests {
    @Test(arguments: DisclosureFixture.names)
    func overfittingProtection(_ name: String) throws {
        let fixture = try DisclosureFixture(name: name)
        let expected = try #require(fixture.value("sdmetrics.dcr_overfitting_protection"))
        let measured = try DCROverfittingProtection(
            train: fixture.train, holdout: fixture.holdout, synthetic: fixture.synthetic, schema: fixture.schema)
        #expect(measured.columnsUsed == expected["columns_used"]?.arrayValue?.compactMap(\.stringValue))
        #expect(measured.columnsIgnored == expected["columns_ignored"]?.arrayValue?.compactMap(\.stringValue))
        #expect(Double(measured.closerToTrainingCount) == expected["n_closer_to_training"]?.doubleValue)
        for (value, key) in [
            (measured.score, "score"), (measured.closerToTraining, "closer_to_training"),
            (measured.closerToHoldout, "closer_to_holdout"),
            (DCROverfittingProtection.median(measured.dcrTrain), "median_dcr_train"),
            (DCROverfittingProtection.median(measured.dcrHoldout), "median_dcr_holdout"),
        ] {
            let want = try #require(expected[key]?.doubleValue, "\(name).\(key)")
            #expect(abs(value - want) <= 1e-9, "\(name).\(key): \(value) vs \(want)")
        }
        // dcr_per_row.csv: synthetic_row, dcr_train, dcr_holdout.
        let text = try String(contentsOf: fixture.folder.appendingPathComponent("dcr_per_row.csv"), encoding: .utf8)
        let lines = text.split(separator: "\n").dropFirst()
        #expect(lines.count == measured.dcrTrain.count)
        var worst = 0.0
        for line in lines {
            let fields = line.split(separator: ",").map { String($0) }
            let row = try #require(Int(fields[0]))
            worst = max(worst, abs(measured.dcrTrain[row] - (try #require(Double(fields[1])))))
            worst = max(worst, abs(measured.dcrHoldout[row] - (try #require(Double(fields[2])))))
        }
        #expect(worst <= 1e-9, "\(name): largest per-row DCR difference \(worst)")
    }

    @Test(arguments: DisclosureFixture.names)
    func newRowSynthesis(_ name: String) throws {
        let fixture = try DisclosureFixture(name: name)
        let expected = try #require(fixture.value("sdmetrics.new_row_synthesis"))
        let measured = try NewRowSynthesis(train: fixture.train, synthetic: fixture.synthetic, schema: fixture.schema)
        #expect(Double(measured.newRows) == expected["num_new_rows"]?.doubleValue)
        #expect(Double(measured.matchedRows) == expected["num_matched_rows"]?.doubleValue)
        let want = try #require(expected["score"]?.doubleValue)
        #expect(abs(measured.score - want) <= 1e-9)
    }

    /// Terms by hand: numerical |1 − 3|/4 = 0.5, category mismatch 1, one side missing 1.
    @Test func distancesByHand() throws {
        let schema = TableSchema(types: ["x": .numerical, "c": .categorical, "o": .ordinal])
        let reference = Table(columns: [
            Column(name: "x", values: .numeric(NumericValues([1, 5]))),
            Column(name: "c", values: .categorical(CategoricalValues(["a", "b"]))),
            Column(name: "o", values: .categorical(CategoricalValues(["1", "2"]))),
        ])
        let synthetic = Table(columns: [
            Column(name: "x", values: .numeric(NumericValues(values: [3, 0], isMissing: [false, true]))),
            Column(name: "c", values: .categorical(CategoricalValues(["a", "b"]))),
            Column(name: "o", values: .categorical(CategoricalValues(["9", "9"]))),
        ])
        let dcr = try DistanceToClosestRecord.perRow(
            synthetic: synthetic, reference: reference, columns: ["x", "c"], schema: schema)
        #expect(dcr == [0.25, 0.5])
        #expect(DistanceToClosestRecord.columns(of: synthetic, schema: schema).ignored == ["o"])
        let rows = try NewRowSynthesis(
            train: reference, synthetic: synthetic, schema: TableSchema(types: ["x": .numerical]))
        #expect(rows.newRows == 2)
        let near = Table(columns: [Column(name: "x", values: .numeric(NumericValues([1.0099, 5.2])))])
        let matches = try NewRowSynthesis(
            train: reference, synthetic: near, schema: TableSchema(types: ["x": .numerical]))
        #expect(matches.matchedRows == 1)
    }

    /// The pruned scan against the definition, pair by pair, on seeded random tables with missing
    /// values (also in the pivot column), repeated values and a categorical column first.
    @Test func prunedScanEqualsTheDefinition() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        func table(_ rows: Int) -> Table {
            let x = (0..<rows).map { _ in Double(next(20)) / 4 }
            let xMissing = (0..<rows).map { _ in next(6) == 0 }
            let y = (0..<rows).map { _ in Double(next(1000)) - 500 }
            let yMissing = (0..<rows).map { _ in next(9) == 0 }
            return Table(columns: [
                Column(
                    name: "c",
                    values: .categorical(CategoricalValues((0..<rows).map { _ in ["a", "b", nil][next(3)] }))),
                Column(name: "x", values: .numeric(NumericValues(values: x, isMissing: xMissing))),
                Column(name: "y", values: .numeric(NumericValues(values: y, isMissing: yMissing))),
            ])
        }
        let schema = TableSchema(types: ["c": .categorical, "x": .numerical, "y": .numerical])
        let synthetic = table(60)
        let reference = table(90)
        let fast = try DistanceToClosestRecord.perRow(
            synthetic: synthetic, reference: reference, columns: ["c", "x", "y"], schema: schema)
        func range(_ name: String) -> Double {
            guard case .numeric(let v)? = reference.column(named: name)?.values else { return 0 }
            let present = v.present
            return (present.max() ?? 0) - (present.min() ?? 0)
        }
        func term(_ name: String, _ i: Int, _ j: Int) -> Double {
            let s = try? #require(synthetic.column(named: name)).values
            let r = try? #require(reference.column(named: name)).values
            guard let s, let r else { return .nan }
            if s.isMissing(i) || r.isMissing(j) { return s.isMissing(i) && r.isMissing(j) ? 0 : 1 }
            guard case .numeric(let sv) = s, case .numeric(let rv) = r else {
                return s.text(at: i) == r.text(at: j) ? 0 : 1
            }
            let width = range(name)
            if width == 0 { return sv.values[i] == rv.values[j] ? 0 : 1 }
            return min(abs(sv.values[i] - rv.values[j]) / width, 1)
        }
        for i in 0..<synthetic.rowCount {
            var best = Double.infinity
            for j in 0..<reference.rowCount {
                best = min(best, (term("c", i, j) + term("x", i, j) + term("y", i, j)) / 3)
            }
            #expect(fast[i] == best, "row \(i)")
        }
    }

    /// The block scan against the scalar scan, bit for bit: random tables with missing values in
    /// every column (the pivot too), a constant numerical column, a category first, fewer rows than
    /// a block, and values so large that no sentinel fits (the scalar path then answers).
    @Test(arguments: [(60, 90), (5, 3), (200, 130), (1, 1)] as [(Int, Int)])
    func blockScanEqualsScalarScan(queries: Int, references: Int) throws {
        var state: UInt64 = UInt64(queries * 1000 + references)
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        func table(_ rows: Int) -> Table {
            Table(columns: [
                Column(
                    name: "c",
                    values: .categorical(CategoricalValues((0..<rows).map { _ in ["a", "b", nil][next(3)] }))),
                Column(
                    name: "x",
                    values: .numeric(
                        NumericValues(
                            values: (0..<rows).map { _ in Double(next(20)) / 4 },
                            isMissing: (0..<rows).map { _ in next(6) == 0 }))),
                Column(
                    name: "k",
                    values: .numeric(
                        NumericValues(
                            values: (0..<rows).map { _ in 7 }, isMissing: (0..<rows).map { _ in next(5) == 0 }))),
                Column(
                    name: "y",
                    values: .numeric(
                        NumericValues(
                            values: (0..<rows).map { _ in (Double(next(1000)) - 500) / 3 },
                            isMissing: (0..<rows).map { _ in next(9) == 0 }))),
                Column(
                    name: "b",
                    values: .boolean(
                        BooleanValues(
                            values: (0..<rows).map { _ in next(2) == 0 },
                            isMissing: (0..<rows).map { _ in next(8) == 0 }))),
            ])
        }
        let schema = TableSchema(
            types: ["c": .categorical, "x": .numerical, "k": .numerical, "y": .numerical, "b": .boolean])
        let columns = ["c", "x", "k", "y", "b"]
        let query = table(queries)
        let reference = table(references)
        let fast = try #require(
            try DistanceToClosestRecord.blockPerRow(
                synthetic: query, reference: reference, columns: columns, schema: schema))
        let plain = try DistanceToClosestRecord.scalarPerRow(
            synthetic: query, reference: reference, columns: columns, schema: schema)
        #expect(fast == plain)
    }

    /// Values spanning nearly the whole double range leave no room for the block scan's sentinel:
    /// it declines, and perRow answers by the scalar scan.
    @Test func noSentinelFallsBack() throws {
        let table = Table(columns: [
            Column(
                name: "x", values: .numeric(NumericValues(values: [0, 1.5e308, 3], isMissing: [false, false, true])))
        ])
        let schema = TableSchema(types: ["x": .numerical])
        #expect(
            try DistanceToClosestRecord.blockPerRow(synthetic: table, reference: table, columns: ["x"], schema: schema)
                == nil)
        #expect(
            try DistanceToClosestRecord.perRow(synthetic: table, reference: table, columns: ["x"], schema: schema) == [
                0, 0, 0,
            ])
        let moderate = Table(columns: [
            Column(name: "x", values: .numeric(NumericValues(values: [0, 1e300, 3], isMissing: [false, false, true])))
        ])
        let query = Table(columns: [Column(name: "x", values: .numeric(NumericValues([5e299, 2e300])))])
        #expect(
            try DistanceToClosestRecord.blockPerRow(
                synthetic: query, reference: moderate, columns: ["x"], schema: schema)
                == [0.5, 1])
    }

    /// Both scans on the real fixtures, in the directions the metrics use (the small ones: the
    /// scalar scan is slow in debug builds).
    @Test(arguments: ["gbsg2", "actg175"])
    func blockScanOnFixtures(_ name: String) throws {
        let fixture = try DisclosureFixture(name: name)
        let columns = DistanceToClosestRecord.columns(of: fixture.synthetic, schema: fixture.schema).used
        for (query, reference) in [
            (fixture.synthetic, fixture.train), (fixture.train, fixture.synthetic),
            (fixture.holdout, fixture.synthetic),
        ] {
            let fast = try #require(
                try DistanceToClosestRecord.blockPerRow(
                    synthetic: query, reference: reference, columns: columns, schema: fixture.schema))
            let plain = try DistanceToClosestRecord.scalarPerRow(
                synthetic: query, reference: reference, columns: columns, schema: fixture.schema)
            #expect(fast == plain)
        }
    }
}
