import CharterCore
import CharterData
import CharterStats
import CharterSynth
import CharterTestSupport
import Foundation
import Testing

/// Helpers shared by the generator tests.
enum SynthFixtures {
    /// `examples/data`: the datasets the example requests name.
    static let datasets = Fixtures.url("examples/data")

    /// The TSTR protocol a reference fixture pins (`tstr.target`, `tstr.primary.excluded_columns`,
    /// `tstr.primary.subgroups.column`), read as the statistics tests read it.
    static func tstrProtocol(_ fixture: ReferenceFixture) throws -> TSTRProtocol {
        let text = try #require(fixture.value("tstr.target")?.stringValue)
        let parts = text.split(separator: " ", maxSplits: 3)
        let target = String(parts[0])
        let positive = String(parts[2]).trimmingCharacters(in: CharacterSet(charactersIn: "'"))
        var dropped: [String] = []
        if let range = text.range(of: "rows with \(target) '") {
            let rest = text[range.upperBound...]
            if let end = rest.firstIndex(of: "'") { dropped.append(String(rest[..<end])) }
        }
        let excluded = try #require(fixture.value("tstr.primary.excluded_columns")?.arrayValue).compactMap(
            \.stringValue)
        return TSTRProtocol(
            target: target, positiveLabel: positive, droppedTargetLabels: dropped,
            excludedColumns: excluded.filter { $0 != target },
            subgroupColumn: fixture.value("tstr.primary.subgroups.column")?.stringValue)
    }

    /// A table from named numeric columns (`nil` = missing).
    static func numericTable(_ columns: [(String, [Double?])]) -> Table {
        Table(
            columns: columns.map { name, values in
                Column(
                    name: name,
                    values: .numeric(
                        NumericValues(values: values.map { $0 ?? 0 }, isMissing: values.map { $0 == nil })))
            })
    }

    /// A text column.
    static func textColumn(_ name: String, _ values: [String?]) -> Column {
        Column(name: name, values: .categorical(CategoricalValues(values)))
    }

    /// The error a call throws, or `nil`.
    static func error(_ body: () throws(GeneratorError) -> GeneratorOutput) -> GeneratorError? {
        do {
            _ = try body()
            return nil
        } catch {
            return error
        }
    }
}
