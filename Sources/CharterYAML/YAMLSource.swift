public import CharterCore

/// The text a ``YAMLStream`` was read from (UTF-8; UTF-16 input transcoded), so that a layer
/// above can point inside a scalar — at a token of an expression, say — and not only at its start.
public struct YAMLSource: Sendable {
    private let map: SourceMap

    init(map: SourceMap) {
        self.map = map
    }

    /// The file's path as the user named it.
    public var file: String { map.file }

    /// The bytes of the text, UTF-8.
    public var bytes: [UInt8] { map.bytes }

    /// The location of a byte offset: its line, and its column in Unicode scalars.
    ///
    /// - Complexity: O(log lines + line length).
    public func location(atByteOffset offset: Int) -> SourceLocation {
        map.location(byteOffset: offset)
    }
}
