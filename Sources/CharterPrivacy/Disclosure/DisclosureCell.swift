internal import CharterData

/// One table value compared across tables: category identity is the text, numbers compare by value,
/// and missing is a value of its own (equal only to missing).
enum DisclosureCell: Hashable, Sendable {
    case missing
    case number(Double)
    case text(String)

    /// Row `row` of `values`. Numbers keep their parsed value (−0 is folded into 0).
    init(_ values: ColumnValues, row: Int) {
        switch values {
        case .numeric(let numbers):
            self = numbers.isMissing[row] ? .missing : .number(numbers.values[row] + 0)
        case .categorical, .boolean:
            self = values.text(at: row).map(DisclosureCell.text) ?? .missing
        }
    }
}

/// A column that a disclosure metric needs but a table lacks.
public struct DisclosureInputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, naming the column and table.
    public var message: String
    public var description: String { message }

    package init(_ message: String) { self.message = message }

    static func column(_ name: String, in table: Table, role: String) throws(DisclosureInputError) -> Column {
        guard let column = table.column(named: name) else {
            throw DisclosureInputError("the \(role) table has no column '\(name)'")
        }
        return column
    }
}
