import CharterTestSupport
import Foundation
import Testing

/// The external data the tests compare against is in the repository: a suite that lists a folder
/// would otherwise run no case, and pass, where a fixture went missing.
@Suite("fixtures in the repository")
struct FixtureInventoryTests {
    static func count(_ folder: String) -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: Fixtures.url(folder).path)) ?? [])
            .filter { !$0.hasPrefix(".") }.count
    }

    static func size(_ file: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: Fixtures.url(file).path))?[.size] as? Int) ?? 0
    }

    @Test("each conformance suite and reference is there, whole")
    func suites() {
        #expect(Self.count("Tests/Fixtures/yaml-test-suite/cases") == 402)
        #expect(Self.count("Tests/Fixtures/csv-spectrum") == 11)
        #expect(Self.count("Tests/Fixtures/schemas") >= 2)
        #expect(Self.size("Tests/Fixtures/dp-vectors/dp-vectors.csv") > 10_000)
        for dataset in ["actg175", "covid_testing", "gbsg2"] {
            #expect(Self.size("Tests/Fixtures/reference-metrics/\(dataset)/metrics.json") > 1_000, "\(dataset)")
        }
        #expect(Self.size("Tests/Fixtures/SOURCES.md") > 0)
    }

    @Test("every dataset an example request names is in examples/data")
    func exampleData() throws {
        let requests = Fixtures.url("examples/requests")
        let names = try FileManager.default.contentsOfDirectory(atPath: requests.path).filter { $0.hasSuffix(".yaml") }
        #expect(names.count >= 9)
        for name in names {
            let text = try String(contentsOf: requests.appendingPathComponent(name), encoding: .utf8)
            let path = try #require(
                text.split(separator: "\n").first { $0.hasPrefix("  path: ") }.map { String($0.dropFirst(8)) },
                "\(name)")
            #expect(path.hasPrefix("examples/data/"), "\(name): \(path)")
            #expect(Self.size(path) > 1_000, "\(name): \(path)")
        }
    }
}
