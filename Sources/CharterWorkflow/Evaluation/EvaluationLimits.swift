import CharterCore
import CharterData

/// What `evaluate` refuses, and what it warns about, before measuring anything.
///
/// Column Pair Trends scores every pair of columns, so the work and the report grow with the square
/// of the column count: 10,000 columns are 49,995,000 pairs (the crash issue 21 measured, 9.7 GB for
/// one allocation). Past ``maxColumns`` the tables are refused with exit 2 and a message naming the
/// count, instead of running out of memory.
enum EvaluationLimits {
    /// The most columns `evaluate` accepts: 499,500 pairs.
    static let maxColumns = 1_000

    /// An error when the tables have more than ``maxColumns`` columns.
    static func columnLimit(columns: Int, file: String) -> Diagnostic? {
        guard columns > maxColumns else { return nil }
        return .error(
            .dataUnusable,
            "the tables have \(columns) columns; evaluate scores every column pair (\(columns * (columns - 1) / 2) pairs) and accepts at most \(maxColumns) columns",
            at: SourceLocation(file: file, line: 1, column: 1),
            help: "evaluate a subset of the columns (at most \(maxColumns)), e.g. the ones the release keeps")
    }

    /// The most rows `evaluate` accepts in one table.
    static let maxRows = 2_000_000
    /// The most cells (rows × columns) `evaluate` accepts in one table: 20 million cells keep the
    /// three tables' columns, the CSV bytes and the measures' working copies under about 2 GB.
    static let maxCells = 20_000_000

    /// An error when a table has more than ``maxRows`` rows or ``maxCells`` cells.
    static func sizeLimit(rows: Int, columns: Int, role: String, file: String) -> Diagnostic? {
        let cells = rows.multipliedReportingOverflow(by: max(1, columns))
        guard rows > maxRows || cells.overflow || cells.partialValue > maxCells else { return nil }
        return .error(
            .dataUnusable,
            "the \(role) table has \(rows) rows × \(columns) columns; evaluate accepts at most \(maxRows) rows and \(maxCells) cells per table",
            at: SourceLocation(file: file, line: 1, column: 1),
            help:
                "evaluate a seeded sample of the rows (the measures' own subsampling is documented in charter evaluate --help)"
        )
    }

    /// Spellings of not-a-number and infinity that make a numeric column read as text.
    static let nonFiniteTokens: Set<String> = [
        "nan", "NaN", "NAN", "inf", "Inf", "INF", "-inf", "-Inf", "-INF", "+inf", "Infinity", "-Infinity",
        "infinity", "-infinity",
    ]

    /// Warnings for columns inferred categorical only because some values spell NaN or infinity: every
    /// other distinct value in every table is a number. Without them the column would be numerical
    /// (and scored by KSComplement, not TVComplement over thousands of one-row categories).
    static func nonFiniteWarnings(_ tables: [(path: String, table: Table)], schema: TableSchema) -> [Diagnostic] {
        guard let first = tables.first?.table else { return [] }
        var warnings: [Diagnostic] = []
        for name in first.columnNames where schema.types[name] == .categorical {
            var odd: [String: Int] = [:]
            var numbers = 0
            var other = false
            var where_: String?
            for (path, table) in tables {
                guard case .categorical(let values)? = table.column(named: name)?.values else { continue }
                var counts = [Int](repeating: 0, count: values.levels.count)
                for code in values.codes where code >= 0 { counts[Int(code)] += 1 }
                for (level, text) in values.levels.enumerated() {
                    if nonFiniteTokens.contains(text) {
                        odd[text, default: 0] += counts[level]
                        if where_ == nil { where_ = path }
                    } else if NumberParsing.parse(text) != nil {
                        numbers += 1
                    } else {
                        other = true
                    }
                }
            }
            guard !other, numbers > 0, !odd.isEmpty, let path = where_ else { continue }
            let listed = odd.keys.sorted().map { "'\($0)' (\(odd[$0] ?? 0) rows)" }.joined(separator: ", ")
            warnings.append(
                .warning(
                    .dataUnusable,
                    "column '\(name)' is numbers except \(listed), so it was read as categorical and is scored by TVComplement",
                    at: SourceLocation(file: path, line: 1, column: 1),
                    help: "write those cells empty (missing), or declare the column's sdtype with --schema"))
        }
        return warnings
    }
}
