import CharterCore
import CharterData
import Foundation
import Testing

/// A reference folder of `../shared/reference-metrics/`: the three tables and their metrics.json.
struct DisclosureFixture: Sendable {
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

    let folder: URL
    let metrics: JSONValue
    let schema: TableSchema
    let train: Table
    let holdout: Table
    let synthetic: Table

    init(name: String) throws {
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
    func value(_ path: String) -> JSONValue? {
        var current: JSONValue? = metrics
        for key in path.split(separator: ".") { current = current?[String(key)] }
        return current
    }
}
