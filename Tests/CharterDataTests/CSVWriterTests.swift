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
