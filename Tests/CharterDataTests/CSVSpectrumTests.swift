import CharterCore
import CharterData
import CharterTestSupport
import Foundation
import Testing

/// csv-spectrum (github.com/maxogden/csv-spectrum), from `Tests/Fixtures/csv-spectrum`.
enum CSVSpectrum {
    static let root = Fixtures.url("Tests/Fixtures/csv-spectrum")

    static let cases: [String] = {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }()
}

@Suite struct CSVSpectrumTests {
    @Test func suiteIsPresent() {
        #expect(CSVSpectrum.cases.count >= 11)
    }

    @Test(arguments: CSVSpectrum.cases)
    func spectrumCase(_ name: String) throws {
        let folder = CSVSpectrum.root.appendingPathComponent(name)
        let input = try #require(FileManager.default.contents(atPath: folder.appendingPathComponent("in.csv").path))
        let expectedText = try String(contentsOf: folder.appendingPathComponent("out.json"), encoding: .utf8)
        let expected = try #require(try JSONParser().parse(expectedText).arrayValue)
        let records = try CSVReader.records(bytes: [UInt8](input), name: name)
        let header = try #require(records.first)
        let rows = records.dropFirst().map { record in
            JSONValue.object(Dictionary(uniqueKeysWithValues: zip(header, record.map { JSONValue.string($0) })))
        }
        #expect(rows.count == expected.count)
        for (row, want) in zip(rows, expected) {
            #expect(row == want, "\(name)")
        }
        // The columnar reader accepts every case too, with the same shape.
        let table = try CSVReader().read(bytes: [UInt8](input), name: name)
        #expect(table.rowCount == expected.count)
        #expect(table.columnNames == header)
    }
}
