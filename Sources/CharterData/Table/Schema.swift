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

    /// A schema inferred from a table read without one: numeric → numerical, boolean → boolean,
    /// text → categorical. (SDV would call small integer codes ordinal; declare those in a schema.)
    public static func inferred(from table: Table) -> TableSchema {
        var types: [String: SemanticType] = [:]
        for column in table.columns {
            types[column.name] =
                switch column.type {
                case .numeric: .numerical
                case .categorical: .categorical
                case .boolean: .boolean
                }
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
