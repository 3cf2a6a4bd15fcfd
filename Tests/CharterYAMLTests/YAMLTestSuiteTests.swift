import CharterCore
import CharterTestSupport
import CharterYAML
import Foundation
import Testing

/// The official YAML test suite (data-2022-01-17), from `Tests/Fixtures/yaml-test-suite`.
enum YAMLTestSuite {
    static let root = Fixtures.url("Tests/Fixtures/yaml-test-suite")

    /// Every case id, sorted.
    static let caseIDs: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("cases").path)) ?? []
        return names.sorted()
    }()

    /// The cases libyaml 0.2.5 itself gets wrong.
    static let knownFailures: Set<String> = {
        guard let text = try? String(contentsOf: root.appendingPathComponent("libyaml-0.2.5-known-failures.txt"), encoding: .utf8)
        else { return [] }
        return Set(
            text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }
                .compactMap { $0.split(separator: "\t").first.map(String.init) })
    }()

    enum Outcome: Equatable {
        case pass
        case fail(String)
    }

    /// Runs one case: an error case must be rejected; a valid case must be accepted and, where
    /// `in.json` exists, equal it document by document.
    static func run(_ id: String) -> Outcome {
        let folder = root.appendingPathComponent("cases/\(id)")
        guard let input = FileManager.default.contents(atPath: folder.appendingPathComponent("in.yaml").path) else {
            return .fail("no in.yaml")
        }
        let isError = FileManager.default.fileExists(atPath: folder.appendingPathComponent("error").path)
        let result = Result { () throws(YAMLError) in try YAMLParser().parse([UInt8](input), file: "\(id)/in.yaml") }
        switch (isError, result) {
        case (true, .success): return .fail("accepted invalid YAML")
        case (true, .failure(let error)):
            return error.diagnostic.severity == .error && error.diagnostic.location != nil ? .pass : .fail("no located diagnostic")
        case (false, .failure(let error)): return .fail("rejected valid YAML: \(error)")
        case (false, .success(let stream)):
            guard let jsonData = FileManager.default.contents(atPath: folder.appendingPathComponent("in.json").path) else {
                return .pass
            }
            guard let expected = try? JSONParser().parseSequence(String(decoding: jsonData, as: UTF8.self)) else {
                return .fail("unreadable in.json")
            }
            let actual = stream.documents.map(\.root.jsonValue)
            guard actual.count == expected.count else {
                return .fail("\(actual.count) documents, expected \(expected.count)")
            }
            for (index, (got, want)) in zip(actual, expected).enumerated() {
                guard let got, got.isEquivalent(to: want) else {
                    return .fail("document \(index + 1): got \(String(describing: got)), expected \(want)")
                }
            }
            return .pass
        }
    }
}

@Suite("YAML test suite")
struct YAMLTestSuiteTests {
    @Test("the suite is present", .tags(.conformance))
    func suiteIsPresent() {
        #expect(YAMLTestSuite.caseIDs.count == 402)
        #expect(YAMLTestSuite.knownFailures.count == 72)
    }

    @Test("every case outside libyaml's known failures passes", .tags(.conformance), arguments: YAMLTestSuite.caseIDs)
    func conformance(id: String) {
        let outcome = YAMLTestSuite.run(id)
        if !YAMLTestSuite.knownFailures.contains(id) {
            #expect(outcome == .pass, "\(id)")
        }
    }

    @Test("330 of 402 cases pass", .tags(.conformance))
    func passCount() {
        let passed = YAMLTestSuite.caseIDs.filter { YAMLTestSuite.run($0) == .pass }
        #expect(passed.count >= 330, Comment(rawValue: "\(passed.count) of \(YAMLTestSuite.caseIDs.count) passed"))
    }
}

extension Tag {
    @Tag static var conformance: Self
}
