import CharterCore
import CharterData
import CharterStats

/// The three tables, the schema and the TSTR protocol of an ``Evaluation``, read through a store
/// and checked, every problem a located diagnostic.
struct EvaluationInputs {
    /// Why the inputs cannot be evaluated (errors only).
    struct Failure: Error {
        var diagnostics: [Diagnostic]
    }

    var tables: EvaluationReport.Inputs
    var tstrProtocol: TSTRProtocol?
    /// The positive class, when a target was named.
    var positive: PositiveClass?
    /// Warnings about the inputs (a column read as categorical because of NaN or infinity spellings).
    var warnings: [Diagnostic] = []

    /// Reads and checks the inputs of `files` with `options` from `store`.
    init(_ files: Evaluation.Files, _ options: Evaluation.Options, from store: any InputStore) throws(Failure) {
        let declared = try Self.schema(files.schema, from: store)
        let reader = CSVReader(columnTypes: declared?.columnTypes ?? [:])
        var tables: [Table] = []
        var diagnostics: [Diagnostic] = []
        var records: [String: JSONValue] = [:]
        var limit: Diagnostic?
        reading: for (role, path) in [
            ("train", files.train), ("holdout", files.holdout), ("synthetic", files.synthetic),
        ] {
            let bytes: [UInt8]
            switch store.read(path) {
            case .failure(let error):
                diagnostics.append(error.diagnostic)
                continue
            case .success(let read): bytes = read
            }
            do throws(CSVError) {
                let table = try reader.read(bytes: bytes, name: path)
                // Refused before the next table is read or anything is measured.
                if let refused =
                    EvaluationLimits.sizeLimit(
                        rows: table.rowCount, columns: table.columnNames.count, role: role, file: path)
                    ?? EvaluationLimits.columnLimit(columns: table.columnNames.count, file: path)
                {
                    limit = refused
                    break reading
                }
                tables.append(table)
                records[role] = [
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
        if let limit { throw Failure(diagnostics: [limit]) }
        guard diagnostics.isEmpty, tables.count == 3 else { throw Failure(diagnostics: diagnostics) }
        let names = tables[0].columnNames
        if let refused = EvaluationLimits.columnLimit(columns: names.count, file: files.train) {
            throw Failure(diagnostics: [refused])
        }
        for (index, path) in [files.holdout, files.synthetic].enumerated() where tables[index + 1].columnNames != names
        {
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
        if let declared, let schemaPath = files.schema {
            for name in names where declared.types[name] == nil {
                diagnostics.append(
                    .error(.dataUnusable, "column '\(name)' is not in the schema", at: .file(schemaPath)))
            }
        }
        if let target = options.target {
            for (option, name) in [("--target", target), ("--protected", options.protected)]
                + options.excluded.map({ ("--exclude", $0) })
            {
                if let name, !names.contains(name) {
                    diagnostics.append(
                        .error(
                            .dataUnusable, "\(option) column '\(name)' is not in the tables", at: .file(files.train)))
                }
            }
            if diagnostics.isEmpty {
                do throws(PositiveClass.Problem) {
                    let positive = try PositiveClass(
                        target: target, in: tables[0], declared: options.positive,
                        dropping: options.dropTargetValues)
                    self.positive = positive
                    tstrProtocol = TSTRProtocol(
                        target: target, positiveLabel: positive.label, droppedTargetLabels: options.dropTargetValues,
                        excludedColumns: options.excluded, subgroupColumn: options.protected)
                } catch {
                    diagnostics.append(Self.diagnostic(error, target: target, train: files.train))
                }
            }
        } else if options.protected != nil || !options.excluded.isEmpty || options.positive != nil {
            diagnostics.append(
                .error(.dataUnusable, "--positive, --exclude and --protected need --target", at: nil))
        }
        guard diagnostics.isEmpty else { throw Failure(diagnostics: diagnostics) }
        let schema = declared ?? TableSchema.inferred(from: tables)
        if declared == nil {
            warnings = EvaluationLimits.nonFiniteWarnings(
                zip([files.train, files.holdout, files.synthetic], tables).map { ($0, $1) }, schema: schema)
        }
        self.tables = EvaluationReport.Inputs(
            train: tables[0], holdout: tables[1], synthetic: tables[2], schema: schema, files: records)
    }

    /// The declared schema at `path`, if one is named.
    static func schema(_ path: String?, from store: any InputStore) throws(Failure) -> TableSchema? {
        guard let path else { return nil }
        switch store.read(path) {
        case .failure(let error): throw Failure(diagnostics: [error.diagnostic])
        case .success(let bytes):
            do {
                return try TableSchema.parse(json: String(decoding: bytes, as: UTF8.self))
            } catch {
                throw Failure(diagnostics: [.error(.dataUnusable, error.message, at: .file(path))])
            }
        }
    }

    /// Why the target has no positive class, said for `evaluate`'s options.
    static func diagnostic(_ problem: PositiveClass.Problem, target: String, train: String) -> Diagnostic {
        switch problem.kind {
        case .notTwoClasses(let count):
            .error(
                .dataUnusable,
                "cannot tell which value of target '\(target)' is positive: it has \(count) distinct values in the train table",
                at: .file(train),
                help: "name it with --positive (the other values are then negative)")
        case .declaredAbsent(let value):
            .error(
                .dataUnusable, "--positive '\(value)' is not a value of target '\(target)' in the train table",
                at: .file(train))
        case .unknownTarget:
            .error(.dataUnusable, "--target column '\(target)' is not in the tables", at: .file(train))
        }
    }
}
