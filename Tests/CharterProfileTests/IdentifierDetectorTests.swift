import CharterData
import CharterTestSupport
import Foundation
import Testing

@testable import CharterProfile

/// Column-level precision and recall of the direct-identifier rules on labelled data: the fixture
/// `Tests/Fixtures/pii/gbsg2-pii.csv` (gbsg2 with fake identifier columns, `scripts/make-pii-fixture.py`)
/// and the shared datasets in `examples/data`, whose identifier columns are labelled here.
@Suite struct IdentifierDetectorTests {
    /// Labels of the shared datasets' identifier columns; every other column is `none`.
    static let sharedLabels: [String: [String: String]] = [
        "actg175": ["pidnum": "near_unique_identifier"],
        "nafld1": ["id": "near_unique_identifier", "case.id": "near_unique_identifier"],
        "covid_testing": [
            "subject_id": "near_unique_identifier", "fake_first_name": "name", "fake_last_name": "name",
        ],
        "gbsg2": [:],
        "breast_cancer": [:],
    ]

    struct Labelled {
        var dataset: String
        var column: String
        var label: String
        var found: DirectIdentifier?
        var numeric: Bool
    }

    static func labelled() throws -> [Labelled] {
        var result: [Labelled] = []
        let detector = IdentifierDetector()
        for (name, labelFile) in [("gbsg2-pii", "labels.csv"), ("actg175-pii", "labels-actg175.csv")] {
            let fixture = try CSVReader().read(contentsOf: Fixtures.url("Tests/Fixtures/pii/\(name).csv").path)
            let labelText = try String(contentsOf: Fixtures.url("Tests/Fixtures/pii/\(labelFile)"), encoding: .utf8)
            var labels: [String: String] = [:]
            for line in labelText.split(separator: "\n").dropFirst() {
                let parts = line.split(separator: ",").map(String.init)
                labels[parts[0]] = parts[1]
            }
            for column in fixture.columns {
                result.append(
                    Labelled(
                        dataset: name, column: column.name, label: labels[column.name] ?? "missing",
                        found: detector.detect(column), numeric: column.type == .numeric))
            }
        }
        for (dataset, datasetLabels) in sharedLabels.sorted(by: { $0.key < $1.key }) {
            let table = try CSVReader().read(contentsOf: Fixtures.url("examples/data/\(dataset).csv").path)
            for column in table.columns {
                result.append(
                    Labelled(
                        dataset: dataset, column: column.name, label: datasetLabels[column.name] ?? "none",
                        found: detector.detect(column), numeric: column.type == .numeric))
            }
        }
        return result
    }

    @Test func fixtureLabelsEveryColumn() throws {
        #expect(try Self.labelled().allSatisfy { $0.label != "missing" })
    }

    /// Recall ≥ 0.95 on direct identifiers, no false positive on an ordinary column, and per-kind
    /// numbers printed for the record (README, "Profiling a dataset").
    @Test func precisionAndRecall() throws {
        let rows = try Self.labelled()
        let positives = rows.filter { $0.label != "none" }
        let flagged = rows.filter { $0.found != nil }
        let truePositives = positives.filter { $0.found != nil }
        let recall = Double(truePositives.count) / Double(positives.count)
        let precision = Double(truePositives.count) / Double(max(flagged.count, 1))
        var lines = ["detector: \(rows.count) columns, \(positives.count) identifiers, \(flagged.count) flagged"]
        lines.append("  any identifier: precision \(precision), recall \(recall)")
        for kind in IdentifierKind.allCases {
            let labelled = rows.filter { $0.label == kind.rawValue }
            let found = rows.filter { $0.found?.kind == kind }
            let hits = labelled.filter { $0.found?.kind == kind }.count
            lines.append(
                "  \(kind.rawValue): labelled \(labelled.count), flagged \(found.count), exact kind \(hits)"
                    + " (precision \(found.isEmpty ? 1 : Double(hits) / Double(found.count)),"
                    + " recall \(labelled.isEmpty ? 1 : Double(hits) / Double(labelled.count)))")
        }
        for row in rows
        where (row.found != nil) != (row.label != "none") || (row.found.map { $0.kind.rawValue != row.label } ?? false)
        {
            lines.append(
                "  mismatch \(row.dataset).\(row.column): label \(row.label), found \(row.found?.kind.rawValue ?? "none")"
            )
        }
        print(lines.joined(separator: "\n"))
        #expect(recall >= 0.95)
        let falsePositives = rows.filter { $0.label == "none" && $0.found != nil }
        #expect(falsePositives.isEmpty, "\(falsePositives.map { "\($0.dataset).\($0.column)" })")
        #expect(!rows.contains { $0.numeric && $0.label == "none" && $0.found != nil })
    }

    @Test(arguments: [
        ("diagnosis_date", ["2015-01-02", "2016-03-04", "1990-05-06", "2019-07-08"], nil as IdentifierKind?),
        ("dob", ["2015-01-02", "2016-03-04", "1990-05-06", "2019-07-08"], .dateOfBirth),
        ("contact", ["a@example.org", "b@example.org", "c@example.test", "d@example.com"], .email),
        ("clinic_name", ["north ward", "south ward", "lab one", "lab two", "day unit"], nil),
    ])
    func shapes(name: String, values: [String], expected: IdentifierKind?) {
        let column = Column(name: name, values: .categorical(CategoricalValues(values)))
        #expect(IdentifierDetector().detect(column)?.kind == expected)
    }

    @Test func hugeCellsAreCheap() {
        let huge = String(repeating: "x", count: 1_000_000)
        let column = Column(name: "blob", values: .categorical(CategoricalValues([huge, huge + "y", "a"])))
        #expect(IdentifierDetector().detect(column) == nil)
    }
}
