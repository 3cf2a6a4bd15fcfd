import CharterCore
import Testing

@testable import CharterData

@Suite struct CSVReaderTests {
    func read(_ text: String, types: [String: ColumnType] = [:]) throws(CSVError) -> Table {
        try CSVReader(columnTypes: types).read(text: text, name: "t.csv")
    }

    func error(_ text: String, types: [String: ColumnType] = [:]) -> CSVError? {
        do {
            _ = try read(text, types: types)
            return nil
        } catch {
            return error
        }
    }

    @Test func infersTypesAndMissing() throws {
        let table = try read("a,b,c,d\n1,x,true,\n2.5,NA,FALSE,\n,\"y\",,\n")
        #expect(table.rowCount == 3)
        #expect(table.columns.map(\.type) == [.numeric, .categorical, .boolean, .numeric])
        guard case .numeric(let a) = table.columns[0].values else {
            Issue.record("a")
            return
        }
        #expect(a.values[0...1] == [1, 2.5])
        #expect(a.isMissing == [false, false, true])
        guard case .categorical(let b) = table.columns[1].values else {
            Issue.record("b")
            return
        }
        #expect(b.levels == ["x", "y"])
        #expect(b.codes == [0, -1, 1])
        #expect(table.columns[3].values.missingCount == 3)
    }

    @Test func quotedNAIsText() throws {
        let table = try read("a\n\"NA\"\nNA\n")
        guard case .categorical(let a) = table.columns[0].values else {
            Issue.record("a")
            return
        }
        #expect(a.levels == ["NA"])
        #expect(a.codes == [0, -1])
    }

    @Test func bomCRLFAndBlankLines() throws {
        let table = try read("\u{FEFF}x,y\r\n1,2\r\n\r\n3,4\r\n")
        #expect(table.columnNames == ["x", "y"])
        #expect(table.rowCount == 2)
    }

    @Test func overridesForceTypes() throws {
        let table = try read("zip,n\n08123,1\n90210,2\n", types: ["zip": .categorical])
        guard case .categorical(let zip) = table.columns[0].values else {
            Issue.record("zip")
            return
        }
        #expect(zip.levels == ["08123", "90210"])
    }

    @Test func numbersReadCorrectlyRounded() {
        for text in [
            "0.1", "1e-05", "123456789012345678901234", "2.2250738585072014e-308", "-0.0", "9007199254740993",
            "0.30000000000000004", "1.7976931348623157e308", "4.9e-324", ".5", "5.", "+3",
        ] {
            #expect(NumberParsing.parse(text) == Double(text), "\(text)")
        }
        for text in ["nan", "inf", "1e400", "0x10", "1,5", " 1", "1 ", "", "-", "e5", "1e", "--1"] {
            #expect(NumberParsing.parse(text) == nil, "\(text)")
        }
    }

    @Test func emptyFileIsAnError() {
        #expect(error("")?.kind == .emptyFile)
        #expect(error("\u{FEFF}")?.kind == .emptyFile)
        #expect(error("\n\n")?.kind == .emptyFile)
    }

    @Test func headerOnlyGivesNoRows() throws {
        let table = try read("a,b\n")
        #expect(table.rowCount == 0)
        #expect(table.columnNames == ["a", "b"])
    }

    @Test func raggedRowsAreLocated() {
        let long = error("a,b\n1,2\n3,4,5\n")
        #expect(long?.kind == .raggedRow(expected: 2, found: 3))
        #expect(long?.location.line == 3)
        #expect(long?.location.column == 5)
        let short = error("a,b\n1,2\n3\n")
        #expect(short?.kind == .raggedRow(expected: 2, found: 1))
        #expect(short?.location.line == 3)
        #expect(short?.location.column == 1)
    }

    @Test func unterminatedQuoteIsLocated() {
        let failure = error("a,b\n1,\"open\n2,3\n")
        #expect(failure?.kind == .unterminatedQuote)
        #expect(failure?.location.line == 2)
        #expect(failure?.location.column == 3)
    }

    @Test func strayQuotesAreLocated() {
        let after = error("a,b\n1,\"x\"y\n")
        #expect(after?.kind == .textAfterClosingQuote)
        #expect(after?.location.line == 2)
        #expect(after?.location.column == 6)
        let inside = error("a\nab\"c\n")
        #expect(inside?.kind == .quoteInUnquotedField)
        #expect(inside?.location.column == 3)
    }

    @Test func nonNumericValueInNumericColumnIsLocated() {
        let failure = error("id,age\n1,40\n2,\"é\",\n", types: ["age": .numeric])
        #expect(failure != nil)
        let bad = error("id,age\n1,40\n2,forty\n", types: ["age": .numeric])
        #expect(bad?.kind == .invalidValue(column: "age", value: "forty", expected: "a finite decimal number"))
        #expect(bad?.location.line == 3)
        #expect(bad?.location.column == 3)
        #expect(bad?.diagnostic.code == .csvInvalidValue)
        #expect(bad?.description == "t.csv:3:3: value 'forty' in column 'age' is not a finite decimal number")
        let nan = error("x\nNaN\n", types: ["x": .numeric])
        #expect(nan?.location.line == 2)
    }

    @Test func headerProblems() {
        #expect(error("a,a\n1,2\n")?.kind == .duplicateHeaderName("a"))
        let empty = error("a,,c\n1,2,3\n")
        #expect(empty?.kind == .emptyHeaderName(column: 2))
        #expect(empty?.location.column == 3)
        #expect(error("a\n1\n", types: ["b": .numeric])?.kind == .unknownColumn("b"))
    }

    @Test func invalidUTF8IsAnError() {
        let bytes: [UInt8] = Array("a\n".utf8) + [0xFF, 0xFE, 10]
        #expect(throws: CSVError.self) { try CSVReader().read(bytes: bytes) }
    }

    @Test func columnsAcrossChunkBoundaries() throws {
        // Longer than one read chunk, with a quoted field spanning the boundary.
        var text = "a,b\n"
        var expected: [String] = []
        var row = 0
        while text.utf8.count < CSVSource.chunkSize + 1000 {
            let value = "v\(row) \"q\",\nline"
            text += "\(row),\"\(value.replacing("\"", with: "\"\""))\"\n"
            expected.append(value)
            row += 1
        }
        let path = "/tmp/charter-chunk-\(UInt64.random(in: 0...UInt64.max)).csv"
        Array(text.utf8).withUnsafeBufferPointer { buffer in
            let file = fopen(path, "w")
            defer { fclose(file) }
            fwrite(buffer.baseAddress, 1, buffer.count, file)
        }
        defer { remove(path) }
        let table = try CSVReader().read(contentsOf: path)
        #expect(table.rowCount == row)
        guard case .categorical(let b) = table.columns[1].values else {
            Issue.record("b")
            return
        }
        #expect(b.levels == expected)
    }

    @Test func missingFileIsUnreadable() {
        #expect(throws: CSVError.self) { try CSVReader().read(contentsOf: "/nonexistent/charter.csv") }
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
