import CharterCore

/// Turns libyaml's marks (0-based line and column in characters) and byte offsets into
/// ``SourceLocation``s with 1-based line and column and a byte offset.
///
/// Line breaks are the ones libyaml counts: LF, CRLF, CR, NEL, LS and PS. Lookups that move
/// forward through the file, as parse events do, cost amortised O(1).
struct SourceMap {
    let file: String
    let bytes: [UInt8]
    /// Byte offset of the first character of each line.
    private var lineStarts: [Int]
    /// The last lookup, to walk forward from it.
    private var cursor: (line: Int, column: Int, offset: Int) = (0, 0, 0)

    /// - Parameter firstCharacter: where line 1 starts (3 after a UTF-8 byte order mark).
    init(file: String, bytes: [UInt8], firstCharacter: Int) {
        self.file = file
        self.bytes = bytes
        var starts = [firstCharacter]
        var index = firstCharacter
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A {
                starts.append(index + 1)
            } else if byte == 0x0D {
                if index + 1 < bytes.count && bytes[index + 1] == 0x0A { index += 1 }
                starts.append(index + 1)
            } else if byte == 0xC2 && index + 1 < bytes.count && bytes[index + 1] == 0x85 {
                index += 1
                starts.append(index + 1)
            } else if byte == 0xE2 && index + 2 < bytes.count && bytes[index + 1] == 0x80
                && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9)
            {
                index += 2
                starts.append(index + 1)
            }
            index += 1
        }
        lineStarts = starts
        cursor = (0, 0, firstCharacter)
    }

    /// The location of a libyaml mark (0-based line and column).
    mutating func location(line: Int, column: Int) -> SourceLocation {
        guard line < lineStarts.count else {
            return SourceLocation(file: file, line: line + 1, column: column + 1, offset: bytes.count)
        }
        var current = (column: 0, offset: lineStarts[line])
        if cursor.line == line && cursor.column <= column { current = (cursor.column, cursor.offset) }
        var offset = current.offset
        var walked = current.column
        while walked < column && offset < bytes.count {
            offset += Self.scalarLength(bytes[offset])
            walked += 1
        }
        offset = min(offset, bytes.count)
        cursor = (line, walked, offset)
        return SourceLocation(file: file, line: line + 1, column: column + 1, offset: offset)
    }

    /// The location of a byte offset (for libyaml's reader errors, which give only an offset).
    func location(byteOffset: Int) -> SourceLocation {
        let offset = max(0, min(byteOffset, bytes.count))
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        var column = 0
        var index = lineStarts[low]
        while index < offset {
            index += Self.scalarLength(bytes[index])
            column += 1
        }
        return SourceLocation(file: file, line: low + 1, column: column + 1, offset: offset)
    }

    /// The length in bytes of the UTF-8 sequence a lead byte starts (1 for stray bytes).
    private static func scalarLength(_ lead: UInt8) -> Int {
        switch lead {
        case 0xF0...0xF7: 4
        case 0xE0...0xEF: 3
        case 0xC0...0xDF: 2
        default: 1
        }
    }
}
