/// Collects a CSV stream into one ``FieldArena`` per header column, checking the record shape.
struct ColumnarSink: CSVSink {
    private(set) var header: [String] = []
    private(set) var headerStarts: [Int] = []
    private(set) var store = FieldStore(columns: 0)
    /// The byte offset where each data row starts.
    private(set) var rowStarts: [Int] = []
    private var headerDone = false
    private var pending: [UInt8] = []
    private var fieldIndex = 0
    private var firstExtraField = 0

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) throws(CSVFailure) {
        if !headerDone {
            pending.append(contentsOf: bytes)
        } else if fieldIndex < store.columns {
            store.bytes.append(contentsOf: bytes)
        }
    }

    mutating func endField(quoted: Bool, start: Int) throws(CSVFailure) {
        if !headerDone {
            guard let name = String(validating: pending, as: UTF8.self) else {
                throw CSVFailure(.invalidUTF8, offset: start)
            }
            header.append(name)
            headerStarts.append(start)
            pending.removeAll(keepingCapacity: true)
            return
        }
        if fieldIndex < store.columns {
            let end = store.bytes.count
            let begin = store.ends.last ?? 0
            var missing = end == begin
            if !quoted, end - begin == 2, store.bytes[begin] == UInt8(ascii: "N"),
                store.bytes[begin + 1] == UInt8(ascii: "A")
            {
                missing = true
                store.bytes.removeLast(2)
            }
            store.ends.append(missing ? begin : end)
            store.isMissing.append(missing)
            if quoted && !missing { store.anyQuoted[fieldIndex] = true }
        } else if fieldIndex == store.columns {
            firstExtraField = start
        }
        fieldIndex += 1
    }

    mutating func endRecord(start: Int) throws(CSVFailure) {
        if !headerDone {
            var seen: [String: Int] = [:]
            for (index, name) in header.enumerated() {
                if name.isEmpty { throw CSVFailure(.emptyHeaderName(column: index + 1), offset: headerStarts[index]) }
                if seen[name] != nil { throw CSVFailure(.duplicateHeaderName(name), offset: headerStarts[index]) }
                seen[name] = index
            }
            store = FieldStore(columns: header.count)
            headerDone = true
            fieldIndex = 0
            return
        }
        if fieldIndex != store.columns {
            let offset = fieldIndex > store.columns ? firstExtraField : start
            throw CSVFailure(.raggedRow(expected: store.columns, found: fieldIndex), offset: offset)
        }
        rowStarts.append(start)
        fieldIndex = 0
    }

    var sawHeader: Bool { headerDone }
}

/// Collects every record as strings (for conformance tests and small files).
struct RecordSink: CSVSink {
    var records: [[String]] = []
    private var current: [String] = []
    private var pending: [UInt8] = []

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) throws(CSVFailure) {
        pending.append(contentsOf: bytes)
    }

    mutating func endField(quoted: Bool, start: Int) throws(CSVFailure) {
        guard let text = String(validating: pending, as: UTF8.self) else {
            throw CSVFailure(.invalidUTF8, offset: start)
        }
        current.append(text)
        pending.removeAll(keepingCapacity: true)
    }

    mutating func endRecord(start: Int) throws(CSVFailure) {
        records.append(current)
        current.removeAll(keepingCapacity: true)
    }
}

/// Records the start offset of every field of the first record it sees, then stops.
struct FieldOffsetSink: CSVSink {
    var starts: [Int] = []
    var done = false

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) throws(CSVFailure) {}

    mutating func endField(quoted: Bool, start: Int) throws(CSVFailure) {
        if !done { starts.append(start) }
    }

    mutating func endRecord(start: Int) throws(CSVFailure) {
        done = true
    }
}
