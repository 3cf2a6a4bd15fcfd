public import CharterCore
public import CharterData
public import Foundation

/// A reference fixture in `Tests/Fixtures/reference-metrics/<dataset>/`: train, holdout and synthetic
/// CSVs and the numbers SDMetrics, scipy and scikit-learn give on them (`metrics.json`). Shared by
/// the statistics and privacy tests.
public struct ReferenceFixture: Sendable {
    /// The folder holding the fixtures.
    public static let root = Fixtures.url("Tests/Fixtures/reference-metrics")

    /// Every folder holding a metrics.json.
    public static let names: [String] = {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return entries.filter {
            FileManager.default.fileExists(atPath: root.appendingPathComponent("\($0)/metrics.json").path)
        }.sorted()
    }()

    public let name: String
    public let folder: URL
    public let metrics: JSONValue
    public let schema: TableSchema
    public let train: Table
    public let holdout: Table
    public let synthetic: Table

    private static let cache = FixtureCache()

    /// The fixture, read once per process.
    public static func load(_ name: String) throws -> ReferenceFixture {
        try cache.fixture(name)
    }

    /// Reads the fixture's tables with the column types its metrics.json declares.
    public init(name: String) throws {
        self.name = name
        folder = Self.root.appendingPathComponent(name)
        let text = try String(contentsOf: folder.appendingPathComponent("metrics.json"), encoding: .utf8)
        metrics = try JSONParser().parse(text)
        schema = try TableSchema.parse(json: text)
        let reader = CSVReader(columnTypes: schema.columnTypes)
        train = try reader.read(contentsOf: folder.appendingPathComponent("train.csv").path)
        holdout = try reader.read(contentsOf: folder.appendingPathComponent("holdout.csv").path)
        synthetic = try reader.read(contentsOf: folder.appendingPathComponent("synthetic.csv").path)
    }

    /// `metrics.json` at a dotted path.
    public func value(_ path: String) -> JSONValue? {
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
