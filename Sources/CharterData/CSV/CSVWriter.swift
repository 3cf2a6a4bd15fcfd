/// Writes a ``Table`` as RFC 4180 CSV that ``CSVReader`` reads back to an equal table.
///
/// - Numbers in the shortest form that reads back to the same double (`NumberFormatting`).
/// - Missing values as empty fields.
/// - Text is quoted when it contains a comma, quote, CR or LF, has leading or trailing spaces,
///   is `NA` (which unquoted would read as missing), or would read back as a number or boolean
///   (so the column keeps its categorical type); quotes inside are doubled.
/// - Lines end with LF.
public struct CSVWriter: Sendable {
    /// Creates a writer.
    public init() {}

    /// The CSV text of `table`, header first.
    /// - Complexity: O(rows × columns).
    public func write(_ table: Table) -> String {
        var output = ""
        output.append(table.columns.map { Self.quoted($0.name, force: false) }.joined(separator: ","))
        output.append("\n")
        let forceQuotes = table.columns.map { column -> Bool in
            // A categorical column whose every level looks like a number or boolean would be
            // re-inferred as numeric or boolean: quote its values so the type survives.
            guard case .categorical(let values) = column.values else { return false }
            return values.levels.allSatisfy { NumberParsing.parse($0) != nil || Self.looksBoolean($0) }
        }
        for row in 0..<table.rowCount {
            for (index, column) in table.columns.enumerated() {
                if index > 0 { output.append(",") }
                guard let text = column.values.text(at: row) else { continue }
                if case .categorical = column.values {
                    output.append(Self.quoted(text, force: forceQuotes[index]))
                } else {
                    output.append(text)
                }
            }
            output.append("\n")
        }
        return output
    }

    private static func looksBoolean(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower == "true" || lower == "false"
    }

    static func quoted(_ text: String, force: Bool) -> String {
        let needs =
            force || text == "NA" || text.first == " " || text.last == " "
            || text.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
        guard needs else { return text }
        return "\"" + text.replacing("\"", with: "\"\"") + "\""
    }
}
