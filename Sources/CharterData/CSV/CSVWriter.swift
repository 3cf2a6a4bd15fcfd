/// Writes a ``Table`` as RFC 4180 CSV that ``CSVReader`` reads back to an equal table.
///
/// - Numbers in the shortest form that reads back to the same double (`NumberFormatting`).
/// - Missing values as empty fields.
/// - Text is quoted when it contains a comma, quote, CR or LF, has leading or trailing spaces,
///   is `NA` (which unquoted would read as missing), or would read back as a number or boolean
///   (so the column keeps its categorical type); quotes inside are doubled.
/// - Lines end with LF.
/// - With ``neutralisesFormulas``, a cell a spreadsheet would run as a formula is written as text
///   (``formulaRule``).
public struct CSVWriter: Sendable {
    /// Whether text cells and header names that a spreadsheet would execute are neutralised
    /// (``formulaRule``): for files people open, such as published synthetic data. Off for files
    /// a program reads back, which must hold the values exactly.
    public var neutralisesFormulas: Bool

    /// The rule ``neutralisesFormulas`` applies, in words, as a certificate records it. After OWASP,
    /// "CSV Injection" (https://owasp.org/www-community/attacks/CSV_Injection).
    public static let formulaRule =
        "CSV formula injection (OWASP): a text cell or header name that starts with =, +, -, @, a tab or a "
        + "carriage return and is not a number is written with a leading ' and quoted; numbers are written as numbers"

    /// The characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
    static let formulaTriggers: Set<UInt8> = [
        UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 9, 13,
    ]

    /// Creates a writer.
    ///
    /// - Parameter neutralisesFormulas: neutralise cells a spreadsheet would execute (``formulaRule``).
    public init(neutralisesFormulas: Bool = false) {
        self.neutralisesFormulas = neutralisesFormulas
    }

    /// The CSV text of `table`, header first.
    /// - Complexity: O(rows × columns).
    public func write(_ table: Table) -> String {
        var output = ""
        output.append(table.columns.map { quoted(neutralised($0.name), force: false) }.joined(separator: ","))
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
                    output.append(quoted(neutralised(text), force: forceQuotes[index]))
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

    /// `text` with a leading `'` when formulas are neutralised and a spreadsheet would run it:
    /// it starts with a trigger and is not a number (`-3.5` stays a number).
    func neutralised(_ text: String) -> String {
        guard neutralisesFormulas, let first = text.utf8.first, Self.formulaTriggers.contains(first),
            NumberParsing.parse(text)?.isFinite != true
        else { return text }
        return "'" + text
    }

    /// `text` as one field, quoted when it must be, and always when it was neutralised (so that the
    /// leading `'` is visibly part of the text).
    func quoted(_ text: String, force: Bool) -> String {
        Self.quoted(text, force: force || (neutralisesFormulas && text.hasPrefix("'")))
    }

    static func quoted(_ text: String, force: Bool) -> String {
        let needs =
            force || text == "NA" || text.first == " " || text.last == " "
            || text.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
        guard needs else { return text }
        return "\"" + text.replacing("\"", with: "\"\"") + "\""
    }
}
