/// A columnar table: named columns of equal length, each stored contiguously.
///
/// Read one with ``CSVReader``, write one with ``CSVWriter``. Values are immutable once read; a
/// computation that needs a subset makes a new table with ``selectingRows(_:)``.
public struct Table: Sendable, Equatable {
    /// The columns, in header order.
    public private(set) var columns: [Column]
    /// The number of rows.
    public let rowCount: Int

    /// Creates a table. Every column must have `rowCount` rows and names must be distinct.
    public init(columns: [Column], rowCount: Int) {
        precondition(columns.allSatisfy { $0.count == rowCount }, "columns differ in length")
        precondition(Set(columns.map(\.name)).count == columns.count, "column names repeat")
        self.columns = columns
        self.rowCount = rowCount
    }

    /// Creates a table from columns of equal length.
    public init(columns: [Column]) {
        self.init(columns: columns, rowCount: columns.first?.count ?? 0)
    }

    /// The column names, in order.
    public var columnNames: [String] { columns.map(\.name) }

    /// The column called `name`, or `nil`.
    public func column(named name: String) -> Column? {
        columns.first { $0.name == name }
    }

    /// The index of the column called `name`, or `nil`.
    public func columnIndex(named name: String) -> Int? {
        columns.firstIndex { $0.name == name }
    }

    /// A table of the rows `indices`, in that order; categorical levels are kept as they are.
    public func selectingRows(_ indices: [Int]) -> Table {
        Table(
            columns: columns.map { Column(name: $0.name, values: $0.values.selecting(indices)) },
            rowCount: indices.count)
    }
}
