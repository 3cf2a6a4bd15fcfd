import CharterData
import Testing

@testable import CharterStats

/// Mode-collapse measures: a collapsed generator's rows, a faithful copy, and the edge cases.
@Suite("Diversity (mode collapse)")
struct DiversityReportTests {
    /// 100 real rows: `group` A 70, B 25, C 5; `flag` true 90, false 10; `x` distinct numbers.
    static let real: Table = {
        let groups = (0..<100).map { $0 < 70 ? "A" : $0 < 95 ? "B" : "C" }
        let flags = (0..<100).map { $0 % 10 != 0 }
        return Table(columns: [
            Column(name: "group", values: .categorical(CategoricalValues(groups))),
            Column(
                name: "flag",
                values: .boolean(BooleanValues(values: flags, isMissing: [Bool](repeating: false, count: 100)))),
            Column(name: "x", values: .numeric(NumericValues((0..<100).map { Double($0) / 7 }))),
        ])
    }()
    static let schema = TableSchema(types: ["group": .categorical, "flag": .boolean, "x": .numerical])

    @Test("a collapsed generator (one row repeated) has one distinct row, misses categories and recalls no minority")
    func collapsed() {
        let synthetic = Self.real.selectingRows([Int](repeating: 3, count: 50))
        let report = DiversityReport(real: Self.real, synthetic: synthetic, schema: Self.schema)
        #expect(report.distinctRows == 1)
        #expect(report.distinctRowShare == 1.0 / 50)
        #expect(report.realCategoryCount == 5)
        #expect(report.missingCategories.map { "\($0.column)=\($0.category)" } == ["group=B", "group=C", "flag=False"])
        #expect(report.missingCategories.first?.realCount == 25)
        #expect(report.minorityRecalls.map(\.column) == ["group", "flag"])
        #expect(report.worstMinorityRecall?.recall == 0)
        #expect(report.minorityRecalls[0].category == "C" && report.minorityRecalls[0].realShare == 0.05)
    }

    @Test("the real rows themselves: every row distinct, nothing missing, full recall")
    func faithful() {
        let report = DiversityReport(real: Self.real, synthetic: Self.real, schema: Self.schema)
        #expect(report.distinctRowShare == 1)
        #expect(report.missingCategories.isEmpty)
        #expect(report.minorityRecalls.allSatisfy { $0.recall == 1 })
    }

    @Test("an oversampled minority is capped at recall 1; a starved one recalls its share ratio")
    func recallCap() {
        // group C 20 of 100 (oversampled 4x), flag false 8 of 100 (0.8 of the real 10%).
        let synthetic = Self.real.selectingRows((0..<80).map { $0 % 70 } + (0..<20).map { 95 + $0 % 5 })
        let report = DiversityReport(real: Self.real, synthetic: synthetic, schema: Self.schema)
        let group = report.minorityRecalls.first { $0.column == "group" }
        #expect(group?.recall == 1)
        #expect(group?.syntheticShare == 0.2)
        #expect(report.missingCategories.map(\.category) == ["B"])
        let flag = report.minorityRecalls.first { $0.column == "flag" }
        // Rows 0, 10, …, 60 (7) and row 0 again (0..<70 then 0..<10) are false; rows 95-99 are true.
        #expect(flag.map { abs($0.syntheticShare - 0.08) < 1e-12 && abs($0.recall - 0.8) < 1e-12 } == true)
    }

    @Test("an empty synthetic table has no distinct share; a single-category column has no minority")
    func edges() {
        let report = DiversityReport(real: Self.real, synthetic: Self.real.selectingRows([]), schema: Self.schema)
        #expect(report.distinctRowShare == nil)
        #expect(report.missingCategories.count == 5)
        #expect(report.worstMinorityRecall?.recall == 0)
        let single = Self.real.selectingRows(Array(0..<70))
        let one = DiversityReport(real: single, synthetic: single, schema: Self.schema)
        #expect(one.minorityRecalls.map(\.column) == ["flag"])
    }
}
