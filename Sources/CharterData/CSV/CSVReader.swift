import CharterCore

/// Reads RFC 4180 CSV into a columnar ``Table``.
///
/// - The first record is the header: names must be non-empty and distinct.
/// - An empty field (quoted or not) and an unquoted `NA` are missing values; a quoted `"NA"` is
///   the text `NA`.
/// - Each column's type is inferred from all its non-missing values unless ``columnTypes`` names
///   it: numeric when every value is unquoted and a plain decimal number (see ``NumberParsing``), boolean when
///   every value is `true`/`false` (any case), otherwise categorical (the CSV text is the category).
///   A column with no values at all is numeric and entirely missing.
/// - A leading UTF-8 byte-order mark is skipped; line ends may be LF, CRLF or CR; blank lines are
///   skipped.
///
/// Files are read in 1 MiB chunks straight into per-column buffers, so memory stays near the size
/// of the data. Every error names the line and column.
public struct CSVReader: Sendable {
    /// Column types that override inference, by header name.
    public var columnTypes: [String: ColumnType]

    /// Creates a reader with optional type overrides.
    public init(columnTypes: [String: ColumnType] = [:]) {
        self.columnTypes = columnTypes
    }

    /// Reads the file at `path`.
    /// - Throws: ``CSVError`` naming the line and column of the first problem.
    /// - Complexity: O(n) in the file size.
    public func read(contentsOf path: String) throws(CSVError) -> Table {
        try read(.file(path: path))
    }

    /// Reads CSV held in memory; `name` is used in error locations.
    public func read(bytes: [UInt8], name: String = "<input>") throws(CSVError) -> Table {
        try read(.bytes(bytes, name: name))
    }

    /// Reads CSV text held in memory; `name` is used in error locations.
    public func read(text: String, name: String = "<input>") throws(CSVError) -> Table {
        try read(.bytes(Array(text.utf8), name: name))
    }

    /// Every record (the header included) as strings, exactly as RFC 4180 defines them: no
    /// missing-value handling and no typing. For conformance checks and small inputs.
    public static func records(bytes: [UInt8], name: String = "<input>") throws(CSVError) -> [[String]] {
        let source = CSVSource.bytes(bytes, name: name)
        var tokenizer = CSVTokenizer()
        var sink = RecordSink()
        let (_, failure) = try source.forEachChunk { chunk throws(CSVFailure) in
            try tokenizer.feed(chunk, into: &sink)
        }
        if let failure { throw located(failure, in: source) }
        do { try tokenizer.finish(into: &sink) } catch { throw located(error, in: source) }
        return sink.records
    }

    func read(_ source: CSVSource) throws(CSVError) -> Table {
        var tokenizer = CSVTokenizer()
        var sink = ColumnarSink()
        let (byteCount, failure) = try source.forEachChunk { chunk throws(CSVFailure) in
            try tokenizer.feed(chunk, into: &sink)
        }
        if let failure { throw Self.located(failure, in: source) }
        do { try tokenizer.finish(into: &sink) } catch { throw Self.located(error, in: source) }
        guard byteCount > 0, sink.sawHeader else {
            throw CSVError(.emptyFile, at: .file(source.name))
        }
        for name in columnTypes.keys.sorted() where !sink.header.contains(name) {
            throw CSVError(.unknownColumn(name), at: SourceLocation(file: source.name, line: 1, column: 1))
        }
        var columns: [Column] = []
        columns.reserveCapacity(sink.header.count)
        for (index, name) in sink.header.enumerated() {
            let arena = sink.store.column(index)
            switch ColumnConversion.convert(arena, as: columnTypes[name]) {
            case .success(let values):
                columns.append(Column(name: name, values: values))
            case .failure(let problem):
                let offset = Self.fieldOffset(row: problem.row, column: index, rowStarts: sink.rowStarts, in: source)
                let kind: CSVError.Kind =
                    switch problem.reason {
                    case .invalidUTF8: .invalidUTF8
                    case .notA(let expected):
                        .invalidValue(column: name, value: arena.text(problem.row), expected: expected)
                    }
                throw CSVError(kind, at: source.location(ofOffset: offset, in: source.allBytes()))
            }
        }
        return Table(columns: columns, rowCount: sink.rowStarts.count)
    }

    static func located(_ failure: CSVFailure, in source: CSVSource) -> CSVError {
        CSVError(failure.kind, at: source.location(ofOffset: failure.offset, in: source.allBytes()))
    }

    /// The byte offset of field `column` of data row `row`, found by tokenizing that record again.
    static func fieldOffset(row: Int, column: Int, rowStarts: [Int], in source: CSVSource) -> Int {
        let start = rowStarts[row]
        let bytes = source.allBytes()
        guard start < bytes.count else { return start }
        var tokenizer = CSVTokenizer()
        var sink = FieldOffsetSink()
        bytes[start...].withUnsafeBufferPointer { buffer in
            try? tokenizer.feed(buffer, into: &sink)
        }
        return column < sink.starts.count ? start + sink.starts[column] : start
    }
}
