import CharterCore
import CharterData
import CharterStats
import Foundation

/// Reads and checks the three tables, the schema and the TSTR options of `charter evaluate`,
/// turning every problem into a located diagnostic.
struct EvaluationInputLoader {
    struct Failure: Error {
        var diagnostics: [Diagnostic]
    }

    struct Loaded {
        var inputs: EvaluationReport.Inputs
        var tstrProtocol: TSTRProtocol?
    }

    var train: String
    var holdout: String
    var synthetic: String
    var schemaPath: String?
    var target: String?
    var positive: String?
    var dropTargetValues: [String]
    var excluded: [String]
    var protected: String?

    func load() throws(Failure) -> Loaded {
        var declared: TableSchema?
        if let schemaPath {
            guard let data = FileManager.default.contents(atPath: schemaPath) else {
                throw Failure(diagnostics: [
                    .error(.unreadableInput, "cannot read the schema file", at: .file(schemaPath))
                ])
            }
            do {
                declared = try TableSchema.parse(json: String(decoding: data, as: UTF8.self))
            } catch {
                throw Failure(diagnostics: [.error(.dataUnusable, error.message, at: .file(schemaPath))])
            }
        }
        let reader = CSVReader(columnTypes: declared?.columnTypes ?? [:])
        var tables: [Table] = []
        var diagnostics: [Diagnostic] = []
        var files: [String: JSONValue] = [:]
        for (role, path) in [("train", train), ("holdout", holdout), ("synthetic", synthetic)] {
            do throws(CSVError) {
                let table = try reader.read(contentsOf: path)
                tables.append(table)
                let bytes = FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? []
                files[role] = [
                    "path": .string(path), "rows": .integer(table.rowCount),
                    "sha256": .string(ContentDigest.sha256(bytes)),
                ]
                if table.rowCount == 0 {
                    diagnostics.append(
                        .error(
                            .dataUnusable, "the \(role) table has a header but no rows",
                            at: SourceLocation(file: path, line: 1, column: 1),
                            help: "every metric needs at least one row in each table"))
                }
            } catch {
                if case .unknownColumn(let name) = error.kind {
                    diagnostics.append(
                        .error(
                            .dataUnusable, "schema column '\(name)' is not in the \(role) table", at: error.location))
                } else {
                    diagnostics.append(error.diagnostic)
                }
            }
        }
        guard diagnostics.isEmpty, tables.count == 3 else { throw Failure(diagnostics: diagnostics) }
        let names = tables[0].columnNames
        for (index, path) in [holdout, synthetic].enumerated() where tables[index + 1].columnNames != names {
            throw Failure(diagnostics: [
                .error(
                    .dataUnusable, "the columns differ from the train table's",
                    at: SourceLocation(file: path, line: 1, column: 1),
                    notes: [
                        "train: \(names.joined(separator: ", "))",
                        "this file: \(tables[index + 1].columnNames.joined(separator: ", "))",
                    ],
                    help: "all three tables need the same columns in the same order")
            ])
        }
        if let declared {
            for name in names where declared.types[name] == nil {
                diagnostics.append(
                    .error(.dataUnusable, "column '\(name)' is not in the schema", at: .file(schemaPath ?? "")))
            }
        }
        let schema = declared ?? Self.inferredSchema(tables)
        var tstrProtocol: TSTRProtocol?
        if let target {
            for (option, name) in [("--target", target), ("--protected", protected)]
                + excluded.map({ ("--exclude", $0) })
            {
                if let name, !names.contains(name) {
                    diagnostics.append(
                        .error(.dataUnusable, "\(option) column '\(name)' is not in the tables", at: .file(train)))
                }
            }
            if diagnostics.isEmpty {
                let label = positive ?? Self.defaultPositive(tables[0], target)
                if let label {
                    tstrProtocol = TSTRProtocol(
                        target: target, positiveLabel: label, droppedTargetLabels: dropTargetValues,
                        excludedColumns: excluded, subgroupColumn: protected)
                } else {
                    diagnostics.append(
                        .error(
                            .dataUnusable, "cannot tell which value of target '\(target)' is positive",
                            at: .file(train),
                            help: "name it with --positive"))
                }
            }
        } else if protected != nil || !excluded.isEmpty || positive != nil {
            diagnostics.append(
                .error(.dataUnusable, "--positive, --exclude and --protected need --target", at: nil))
        }
        guard diagnostics.isEmpty else { throw Failure(diagnostics: diagnostics) }
        return Loaded(
            inputs: EvaluationReport.Inputs(
                train: tables[0], holdout: tables[1], synthetic: tables[2], schema: schema, files: files),
            tstrProtocol: tstrProtocol)
    }

    /// Without a schema: numerical when the column is numeric in all three tables, boolean when
    /// boolean in all three, else categorical.
    static func inferredSchema(_ tables: [Table]) -> TableSchema {
        var types: [String: SemanticType] = [:]
        for (index, column) in tables[0].columns.enumerated() {
            let kinds = Set(tables.map { $0.columns[index].type })
            types[column.name] = kinds == [.numeric] ? .numerical : (kinds == [.boolean] ? .boolean : .categorical)
        }
        return TableSchema(types: types)
    }

    /// `1` for a 0/1 target, `true` for a boolean one; otherwise there is no safe default.
    static func defaultPositive(_ table: Table, _ target: String) -> String? {
        guard let column = table.column(named: target) else { return nil }
        switch column.values {
        case .boolean: return "true"
        case .numeric(let values):
            return Set(values.present) == [0, 1] ? "1" : nil
        case .categorical(let values):
            let levels = Set(values.levels)
            if levels == ["0", "1"] { return "1" }
            if Set(levels.map { $0.lowercased() }) == ["false", "true"] {
                return values.levels.first { $0.lowercased() == "true" }
            }
            return nil
        }
    }
}
