public import CharterCore
public import CharterData
public import CharterProfile

/// `profile`: a CSV file read and profiled (``DatasetProfile``), or the located errors that say
/// why it cannot be.
///
/// Besides the CSV reader's own errors, a header name holding a control character (a terminal
/// escape, a line break) and a table without rows are errors; text cells that a spreadsheet
/// would run as formulas (`=`, `@`, or `+`/`-` not followed by a digit) are a warning.
public struct Profiling: Sendable {
    /// The file profiled, as named.
    public var file: String
    /// The table read; `nil` when it could not be.
    public var table: Table?
    /// The profile; `nil` when the file could not be read or used.
    public var profile: DatasetProfile?
    /// The sha256 of the file's bytes (`sha256:…`), empty when unreadable.
    public var sha256 = ""
    /// Errors when there is no profile; warnings otherwise.
    public var diagnostics: [Diagnostic] = []

    /// Reads `file` from `store` and profiles it.
    public init(file: String, in store: any InputStore) {
        self.file = file
        let bytes: [UInt8]
        switch store.read(file) {
        case .failure(let error):
            diagnostics = [error.diagnostic]
            return
        case .success(let read): bytes = read
        }
        sha256 = ContentDigest.sha256(bytes)
        let table: Table
        do throws(CSVError) {
            table = try CSVReader().read(bytes: bytes, name: file)
        } catch {
            diagnostics = [error.diagnostic]
            return
        }
        for (index, name) in table.columnNames.enumerated()
        where name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            diagnostics.append(
                .error(
                    .csvMalformed, "header name of column \(index + 1) contains a control character",
                    at: SourceLocation(file: file, line: 1, column: 1),
                    help: "rename the column with printable characters only"))
        }
        if table.rowCount == 0 {
            diagnostics.append(
                .error(
                    .dataUnusable, "the table has a header but no rows",
                    at: SourceLocation(file: file, line: 1, column: 1),
                    help: "a profile needs at least one row"))
        }
        guard diagnostics.isEmpty else { return }
        for column in table.columns {
            guard case .categorical(let values) = column.values else { continue }
            let formulas = values.levels.filter(Self.looksLikeFormula)
            if !formulas.isEmpty {
                diagnostics.append(
                    .warning(
                        .formulaCells,
                        "column '\(ProfileText.printable(column.name))' has \(formulas.count) distinct value\(formulas.count == 1 ? "" : "s") a spreadsheet would run as a formula",
                        at: .file(file),
                        help: "the profile shows them as text; never open this file in a spreadsheet unescaped"))
            }
        }
        self.table = table
        profile = DatasetProfile(table)
    }

    /// Whether a text cell starts as a spreadsheet formula does (OWASP's CSV injection list).
    static func looksLikeFormula(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first else { return false }
        switch first {
        case "=", "@", "\t", "\r": return true
        case "+", "-":
            let second = text.unicodeScalars.dropFirst().first
            return !(second.map { ("0"..."9").contains($0) || $0 == "." } ?? true)
        default: return false
        }
    }

    /// How it ended: unreadable when there is no profile, else clean.
    public var status: OperationStatus { profile == nil ? .unreadable : .clean }

    /// The profile as `charter profile --format json` prints it.
    public var json: JSONValue? { profile.map { $0.json(file: file, sha256: sha256) } }
}
