import CharterCore
import CharterData
import CharterStats
import Foundation
import Testing

/// The reference fixtures in `../shared/reference-metrics/<dataset>/`: train, holdout and synthetic
/// CSVs and the numbers SDMetrics, scipy and scikit-learn give on them (`metrics.json`).
struct ReferenceFixture: Sendable {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/reference-metrics")

    /// Every folder holding a metrics.json.
    static let names: [String] = {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return entries.filter {
            FileManager.default.fileExists(atPath: root.appendingPathComponent("\($0)/metrics.json").path)
        }.sorted()
    }()

    let name: String
    let metrics: JSONValue
    let schema: TableSchema
    let train: Table
    let holdout: Table
    let synthetic: Table

    private static let cache = FixtureCache()

    static func load(_ name: String) throws -> ReferenceFixture {
        try cache.fixture(name)
    }

    init(name: String) throws {
        self.name = name
        let folder = Self.root.appendingPathComponent(name)
        let text = try String(contentsOf: folder.appendingPathComponent("metrics.json"), encoding: .utf8)
        metrics = try JSONParser().parse(text)
        schema = try TableSchema.parse(json: text)
        let reader = CSVReader(columnTypes: schema.columnTypes)
        train = try reader.read(contentsOf: folder.appendingPathComponent("train.csv").path)
        holdout = try reader.read(contentsOf: folder.appendingPathComponent("holdout.csv").path)
        synthetic = try reader.read(contentsOf: folder.appendingPathComponent("synthetic.csv").path)
    }

    /// `metrics.json` at a dotted path.
    func value(_ path: String) -> JSONValue? {
        var current: JSONValue? = metrics
        for key in path.split(separator: ".") { current = current?[String(key)] }
        return current
    }
}

final class FixtureCache: @unchecked Sendable {
    // INVARIANT: `fixtures` is only touched while `lock` is held.
    private let lock = NSLock()
    private var fixtures: [String: ReferenceFixture] = [:]

    func fixture(_ name: String) throws -> ReferenceFixture {
        lock.lock()
        defer { lock.unlock() }
        if let fixture = fixtures[name] { return fixture }
        let fixture = try ReferenceFixture(name: name)
        fixtures[name] = fixture
        return fixture
    }
}

/// |actual − expected| ≤ tolerance, with `nil` (JSON null) matching only `nil`.
func expectClose(
    _ actual: Double?, _ expected: JSONValue?, absolute tolerance: Double, _ what: String,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    switch (actual, expected) {
    case (nil, .some(.null)), (nil, nil):
        return
    case (let a?, let e?) where e.doubleValue != nil:
        let expectedValue = e.doubleValue ?? .nan
        #expect(
            abs(a - expectedValue) <= tolerance, "\(what): \(a) vs \(expectedValue)", sourceLocation: sourceLocation)
    default:
        Issue.record(
            "\(what): \(String(describing: actual)) vs \(String(describing: expected))", sourceLocation: sourceLocation)
    }
}

/// Relative comparison for p-values: |a − e| ≤ tolerance·|e| (exact zero must be zero).
func expectRelative(
    _ actual: Double?, _ expected: JSONValue?, relative tolerance: Double, _ what: String,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    guard let a = actual, let e = expected?.doubleValue else {
        Issue.record(
            "\(what): \(String(describing: actual)) vs \(String(describing: expected))", sourceLocation: sourceLocation)
        return
    }
    #expect(abs(a - e) <= tolerance * abs(e), "\(what): \(a) vs \(e)", sourceLocation: sourceLocation)
}
