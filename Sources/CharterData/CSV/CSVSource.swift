package import CharterCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where CSV bytes come from: memory, or a file read in fixed-size chunks so that memory stays
/// near the size of the table being built rather than the file plus the table.
package enum CSVSource {
    case bytes([UInt8], name: String)
    case file(path: String)

    /// The name used in locations.
    package var name: String {
        switch self {
        case .bytes(_, let name): name
        case .file(let path): path
        }
    }

    /// The size of one read from a file.
    static let chunkSize = 1 << 20

    /// Calls `body` with consecutive chunks of the input, the byte-order mark removed.
    package func forEachChunk(
        _ body: (UnsafeBufferPointer<UInt8>) throws(CSVFailure) -> Void
    ) throws(CSVError) -> (bytes: Int, failure: CSVFailure?) {
        switch self {
        case .bytes(let bytes, _):
            return bytes.withUnsafeBufferPointer { buffer in
                let skip = Self.bomLength(buffer)
                do throws(CSVFailure) {
                    try body(UnsafeBufferPointer(rebasing: buffer[skip...]))
                } catch {
                    return (buffer.count - skip, error)
                }
                return (buffer.count - skip, nil)
            }
        case .file(let path):
            let descriptor = open(path, O_RDONLY)
            guard descriptor >= 0 else {
                throw CSVError(.unreadable(String(cString: strerror(errno))), at: .file(path))
            }
            defer { close(descriptor) }
            var chunk = [UInt8](repeating: 0, count: Self.chunkSize)
            var total = 0
            var first = true
            while true {
                let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, Self.chunkSize) }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw CSVError(.unreadable(String(cString: strerror(errno))), at: .file(path))
                }
                if count == 0 { break }
                let failure: CSVFailure? = chunk.withUnsafeBufferPointer { buffer in
                    var slice = UnsafeBufferPointer(rebasing: buffer[0..<count])
                    if first {
                        slice = UnsafeBufferPointer(rebasing: slice[Self.bomLength(slice)...])
                        first = false
                    }
                    total += slice.count
                    do throws(CSVFailure) {
                        try body(slice)
                    } catch {
                        return error
                    }
                    return nil
                }
                if let failure { return (total, failure) }
            }
            return (total, nil)
        }
    }

    /// The whole input without its byte-order mark (only on error paths, to locate a problem).
    package func allBytes() -> [UInt8] {
        var result: [UInt8] = []
        _ = try? forEachChunk { chunk in result.append(contentsOf: chunk) }
        return result
    }

    private static func bomLength(_ buffer: UnsafeBufferPointer<UInt8>) -> Int {
        buffer.count >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF ? 3 : 0
    }

    /// The line and column (in Unicode scalars, both from 1) of byte `offset`, counted after the
    /// byte-order mark. Line breaks are LF, CRLF and a lone CR.
    package func location(ofOffset offset: Int, in bytes: [UInt8]) -> SourceLocation {
        var line = 1
        var column = 1
        var i = 0
        let end = min(offset, bytes.count)
        while i < end {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte == UInt8(ascii: "\r") {
                if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\n") {
                    i += 1
                    if i >= end { break }
                }
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            i += 1
        }
        return SourceLocation(file: name, line: line, column: column, offset: offset)
    }
}
