import CharterCore
import CharterYAML

/// Maps byte offsets of a scalar's value back to the policy file, for conditions written as
/// plain, quoted, literal or folded scalars.
///
/// A scalar's value is its source text with quotes, indentation, line folding and escapes
/// removed, so each value byte is matched, in order, to the next source byte equal to it (any
/// blank or line break for a value space or line break). A byte that an escape produced (`\u00e9`)
/// has no equal nearby and stays at the current position, so a single escape cannot throw off
/// the positions of the tokens after it.
struct ScalarPositions {
    private let source: YAMLSource
    private let offsets: [Int]

    /// - Parameters:
    ///   - value: the scalar's value.
    ///   - start: the byte offset where the scalar starts in the file (at its quote or indicator).
    init(value: String, start: Int, in source: YAMLSource) {
        self.source = source
        let bytes = source.bytes
        var offsets: [Int] = []
        offsets.reserveCapacity(value.utf8.count + 1)
        var cursor = start
        let window = 16
        for byte in value.utf8 {
            let isBlank = byte == 0x20 || byte == 0x09 || byte == 0x0A
            var probe = cursor
            var found: Int?
            var blanksSeen = 0
            while probe < bytes.count {
                let candidate = bytes[probe]
                if isBlank ? [0x20, 0x09, 0x0A, 0x0D].contains(candidate) : candidate == byte {
                    found = probe
                    break
                }
                // Line breaks and indentation may be skipped at any length; other bytes only
                // within a short window (quotes, escape backslashes).
                if [0x20, 0x09, 0x0A, 0x0D].contains(candidate) {
                    blanksSeen += 1
                } else if probe - cursor - blanksSeen >= window {
                    break
                }
                probe += 1
            }
            if let found {
                // A character written as an escape (`\"`) is located at its backslash.
                let escaped = found > cursor && bytes[found - 1] == UInt8(ascii: "\\")
                offsets.append(escaped ? found - 1 : found)
                cursor = found + 1
            } else {
                offsets.append(cursor)
            }
        }
        offsets.append(cursor)
        self.offsets = offsets
    }

    /// The file location of a byte offset of the value.
    func location(ofValueOffset offset: Int) -> SourceLocation {
        source.location(atByteOffset: offsets[max(0, min(offset, offsets.count - 1))])
    }

    /// The file location just past the value byte before `end` (where a token ending there ends).
    func location(ofValueEnd end: Int) -> SourceLocation {
        guard end > 0 else { return location(ofValueOffset: 0) }
        let last = offsets[min(end - 1, offsets.count - 1)]
        return source.location(atByteOffset: last + 1)
    }
}
