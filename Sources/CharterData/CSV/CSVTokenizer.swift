/// Receives the fields of a CSV stream from ``CSVTokenizer``.
///
/// A field arrives as zero or more byte pieces (a field may span chunks, and an escaped quote
/// splits it) followed by ``endField(quoted:start:)``; a record ends with ``endRecord(start:)``.
package protocol CSVSink {
    /// More bytes of the current field, already unescaped.
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) throws(CSVFailure)
    /// The current field is complete. `start` is the byte offset of its first byte (its opening
    /// quote when quoted).
    mutating func endField(quoted: Bool, start: Int) throws(CSVFailure)
    /// The current record is complete. `start` is the byte offset of its first byte.
    mutating func endRecord(start: Int) throws(CSVFailure)
}

/// A problem found while reading, located by byte offset (``CSVReader`` turns it into a line and
/// column).
package struct CSVFailure: Error, Sendable, Equatable {
    package var kind: CSVError.Kind
    package var offset: Int

    package init(_ kind: CSVError.Kind, offset: Int) {
        self.kind = kind
        self.offset = offset
    }
}

/// An incremental RFC 4180 tokenizer: feed it chunks of any size, then call ``finish(into:)``.
///
/// - Fields are separated by `,`; records end with LF, CRLF or a lone CR.
/// - A field starting with `"` is quoted: it may hold delimiters, line breaks and `""` (one quote)
///   and must be followed by a delimiter, a line end or the end of the input.
/// - A quote inside an unquoted field, text after a closing quote and a quote left open at the end
///   are errors, located at the offending byte.
/// - Blank lines (no bytes between two line ends) are skipped, as pandas does.
///
/// Reference: RFC 4180, "Common Format and MIME Type for Comma-Separated Values (CSV) Files", §2.
/// - Complexity: O(n) in the input; unquoted fields are passed on as one slice per chunk.
package struct CSVTokenizer {
    private enum State {
        case fieldStart
        case unquoted
        case quoted
        case quoteInQuoted
        case afterCR
    }

    private static let comma = UInt8(ascii: ",")
    private static let quote = UInt8(ascii: "\"")
    private static let lf = UInt8(ascii: "\n")
    private static let cr = UInt8(ascii: "\r")

    private var state = State.fieldStart
    /// The byte offset of the next chunk's first byte.
    private var base = 0
    private var fieldStart = 0
    private var recordStart = 0
    private var fieldsInRecord = 0

    package init() {}

    /// Tokenizes the next chunk.
    package mutating func feed<Sink: CSVSink>(
        _ buffer: UnsafeBufferPointer<UInt8>, into sink: inout Sink
    ) throws(CSVFailure) {
        let count = buffer.count
        var i = 0
        while i < count {
            switch state {
            case .afterCR:
                state = .fieldStart
                if buffer[i] == Self.lf { i += 1 }
            case .fieldStart:
                let byte = buffer[i]
                if fieldsInRecord == 0 { recordStart = base + i }
                fieldStart = base + i
                if byte == Self.quote {
                    state = .quoted
                    i += 1
                } else if byte == Self.comma {
                    try endField(quoted: false, into: &sink)
                    i += 1
                } else if byte == Self.lf || byte == Self.cr {
                    if fieldsInRecord > 0 {
                        try endField(quoted: false, into: &sink)
                        try endRecord(into: &sink)
                    }
                    state = byte == Self.cr ? .afterCR : .fieldStart
                    i += 1
                } else {
                    state = .unquoted
                }
            case .unquoted:
                var j = i
                while j < count {
                    let byte = buffer[j]
                    if byte == Self.comma || byte == Self.lf || byte == Self.cr || byte == Self.quote { break }
                    j += 1
                }
                if j > i { try sink.append(UnsafeBufferPointer(rebasing: buffer[i..<j])) }
                if j == count {
                    i = count
                    break
                }
                let byte = buffer[j]
                if byte == Self.quote { throw CSVFailure(.quoteInUnquotedField, offset: base + j) }
                try endField(quoted: false, into: &sink)
                if byte == Self.comma {
                    state = .fieldStart
                } else {
                    try endRecord(into: &sink)
                    state = byte == Self.cr ? .afterCR : .fieldStart
                }
                i = j + 1
            case .quoted:
                var j = i
                while j < count, buffer[j] != Self.quote { j += 1 }
                if j > i { try sink.append(UnsafeBufferPointer(rebasing: buffer[i..<j])) }
                if j < count { state = .quoteInQuoted }
                i = j + (j < count ? 1 : 0)
            case .quoteInQuoted:
                let byte = buffer[i]
                if byte == Self.quote {
                    try sink.append(UnsafeBufferPointer(rebasing: buffer[i..<(i + 1)]))
                    state = .quoted
                } else if byte == Self.comma {
                    try endField(quoted: true, into: &sink)
                    state = .fieldStart
                } else if byte == Self.lf || byte == Self.cr {
                    try endField(quoted: true, into: &sink)
                    try endRecord(into: &sink)
                    state = byte == Self.cr ? .afterCR : .fieldStart
                } else {
                    throw CSVFailure(.textAfterClosingQuote, offset: base + i)
                }
                i += 1
            }
        }
        base += count
    }

    /// Ends the input: completes the last record, or reports a quote left open.
    package mutating func finish<Sink: CSVSink>(into sink: inout Sink) throws(CSVFailure) {
        switch state {
        case .quoted:
            throw CSVFailure(.unterminatedQuote, offset: fieldStart)
        case .quoteInQuoted:
            try endField(quoted: true, into: &sink)
            try endRecord(into: &sink)
        case .unquoted:
            try endField(quoted: false, into: &sink)
            try endRecord(into: &sink)
        case .fieldStart:
            if fieldsInRecord > 0 {
                fieldStart = base
                try endField(quoted: false, into: &sink)
                try endRecord(into: &sink)
            }
        case .afterCR:
            break
        }
        state = .fieldStart
    }

    private mutating func endField<Sink: CSVSink>(quoted: Bool, into sink: inout Sink) throws(CSVFailure) {
        fieldsInRecord += 1
        try sink.endField(quoted: quoted, start: fieldStart)
    }

    private mutating func endRecord<Sink: CSVSink>(into sink: inout Sink) throws(CSVFailure) {
        fieldsInRecord = 0
        try sink.endRecord(start: recordStart)
    }
}
