internal import CharterCore
internal import CharterData
internal import CharterPlan

#if canImport(FoundationEssentials)
    internal import FoundationEssentials
#else
    internal import Foundation
#endif

/// The source as the `verify-source` stage found it: digest and rows checked, excluded columns
/// dropped.
struct VerifiedSource {
    /// The modelled columns: the file's, without `exclude`.
    var table: Table
    /// `sha256:` of the file's bytes.
    var digest: String
    /// Rows in the file.
    var rows: Int
    var stage: SourceStage
}

/// `verify-source`: the file must have the plan's digest and row count, and every column the
/// request names must be in it.
enum SourceVerifier {
    static func verify(_ stage: SourceStage) throws(EngineError) -> VerifiedSource {
        guard let data = FileManager.default.contents(atPath: stage.path) else {
            throw EngineError(.unreadable, stage: "verify-source", "cannot read the source file \"\(stage.path)\"")
        }
        return try verify(bytes: [UInt8](data), stage)
    }

    /// Checks `bytes` as the source `stage` names (``verify(_:)`` reads them from its path).
    static func verify(bytes: [UInt8], _ stage: SourceStage) throws(EngineError) -> VerifiedSource {
        let digest = ContentDigest.sha256(bytes)
        if let expected = stage.sha256, expected != digest {
            throw EngineError(
                .refused, stage: "verify-source",
                "the source file \"\(stage.path)\" has digest \(digest), not the planned \(expected)")
        }
        let table: Table
        do {
            table = try CSVReader().read(bytes: bytes, name: stage.path)
        } catch {
            throw EngineError(.unreadable, stage: "verify-source", error.diagnostic.message)
        }
        if let rows = stage.rows, rows != table.rowCount {
            throw EngineError(
                .refused, stage: "verify-source",
                "the source file \"\(stage.path)\" has \(table.rowCount) rows, not the declared \(rows)")
        }
        guard table.rowCount >= 4 else {
            throw EngineError(
                .failed, stage: "verify-source",
                "the source has \(table.rowCount) rows; a run needs training and holdout rows (at least 4)")
        }
        let names = Set(table.columnNames)
        let named =
            stage.quasiIdentifiers.map { ("quasi_identifiers", $0) } + stage.sensitive.map { ("sensitive", $0) }
            + stage.protected.map { ("protected", $0) } + stage.exclude.map { ("exclude", $0) }
            + (stage.target.map { [("target", $0)] } ?? [])
        for (field, column) in named where !names.contains(column) {
            throw EngineError(
                .refused, stage: "verify-source",
                "source.\(field) names column '\(column)', which is not in \"\(stage.path)\" (columns: \(table.columnNames.joined(separator: ", ")))"
            )
        }
        for column in stage.exclude {
            if stage.target == column || stage.quasiIdentifiers.contains(column) || stage.sensitive.contains(column)
                || stage.protected.contains(column)
            {
                throw EngineError(
                    .refused, stage: "verify-source", "column '\(column)' is both excluded and needed by a check")
            }
        }
        let kept = table.columns.filter { !stage.exclude.contains($0.name) }
        guard !kept.isEmpty else {
            throw EngineError(.refused, stage: "verify-source", "every column is excluded; nothing is left to model")
        }
        return VerifiedSource(
            table: Table(columns: kept, rowCount: table.rowCount), digest: digest, rows: table.rowCount, stage: stage)
    }
}
