import CharterCore

/// What a column means for the metrics, as SDV's metadata calls it (`sdtype`).
public enum SemanticType: String, Sendable, Hashable, CaseIterable, Codable {
    /// A continuous quantity: KS for shapes, Pearson for pairs, binned in mixed pairs.
    case numerical
    /// Unordered categories, identified by their CSV text.
    case categorical
    /// Ordered codes (often small integers); treated as categories by the fidelity metrics and as
    /// numbers by correlations and TSTR when every value is numeric.
    case ordinal
    /// `true`/`false`.
    case boolean

    /// The meaning of a column read without a schema: numeric → numerical, boolean → boolean,
    /// text → categorical (``TableSchema/inferred(from:)`` applies it across tables).
    public static func inferred(from type: ColumnType) -> SemanticType {
        switch type {
        case .numeric: .numerical
        case .categorical: .categorical
        case .boolean: .boolean
        }
    }

    /// The physical type a CSV column of this meaning is read as.
    public var storage: ColumnType {
        switch self {
        case .numerical: .numeric
        case .categorical, .ordinal: .categorical
        case .boolean: .boolean
        }
    }
}

/// The semantic type of each column, declared or inferred.
public struct TableSchema: Sendable, Equatable {
    /// Column name → semantic type.
    public var types: [String: SemanticType]

    /// Creates a schema.
    public init(types: [String: SemanticType]) {
        self.types = types
    }

    /// The schema of tables read without one: one rule for `charter evaluate` (train, holdout and
    /// synthetic tables) and the engine (the run's training, holdout and synthetic rows).
    ///
    /// A column is numerical when it was read as numeric in every table, boolean when boolean in
    /// every table, and categorical otherwise: a column that is numbers in the real rows but text
    /// in the synthetic ones is compared as categories, not silently dropped from the numeric
    /// metrics. SDV would call small integer codes ordinal; declare those in a schema. Columns are
    /// matched by name; the first table's columns are the schema's, and a column missing from a
    /// later table does not affect its type.
    /// - Complexity: O(tables × columns²) name look-ups.
    public static func inferred(from tables: [Table]) -> TableSchema {
        precondition(!tables.isEmpty, "a schema is inferred from at least one table")
        var types: [String: SemanticType] = [:]
        for column in tables[0].columns {
            var type = SemanticType.inferred(from: column.type)
            for table in tables.dropFirst() {
                if let other = table.column(named: column.name), SemanticType.inferred(from: other.type) != type {
                    type = .categorical
                }
            }
            types[column.name] = type
        }
        return TableSchema(types: types)
    }

    /// The CSV reader overrides this schema implies.
    public var columnTypes: [String: ColumnType] { types.mapValues(\.storage) }

    /// Why a schema file cannot be used.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// What is wrong.
        public var message: String
        public var description: String { message }
    }

    /// Reads SDV-style metadata JSON: `{"columns": {"age": {"sdtype": "numerical"}, ...}}`, either at
    /// the top level or under `metadata` (so a reference `metrics.json` works as a schema), or under
    /// `tables.<name>` when there is exactly one table (SDV multi-table form).
    public static func parse(json text: String) throws(Problem) -> TableSchema {
        let value: JSONValue
        do {
            value = try JSONParser().parse(text)
        } catch {
            throw Problem(message: "schema is not valid JSON: \(error)")
        }
        var root = value
        if let metadata = value["metadata"], metadata["columns"] != nil { root = metadata }
        if root["columns"] == nil, let tables = value["tables"]?.objectValue, tables.count == 1,
            let only = tables.values.first
        {
            root = only
        }
        guard let columns = root["columns"]?.objectValue else {
            throw Problem(message: "schema has no 'columns' object")
        }
        var types: [String: SemanticType] = [:]
        for name in columns.keys.sorted() {
            guard let sdtype = columns[name]?["sdtype"]?.stringValue else {
                throw Problem(message: "schema column '\(name)' has no 'sdtype'")
            }
            guard let type = SemanticType(rawValue: sdtype) else {
                let known = SemanticType.allCases.map(\.rawValue).joined(separator: ", ")
                throw Problem(message: "schema column '\(name)' has sdtype '\(sdtype)'; expected one of \(known)")
            }
            types[name] = type
        }
        return TableSchema(types: types)
    }
}
