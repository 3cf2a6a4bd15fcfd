/// A position in a source file: 1-based line and column (in Unicode scalars, as libyaml counts)
/// and the 0-based byte offset from the start of the file.
///
/// Locations order by file, then offset, so diagnostics sort the way a reader scans a file.
public struct SourceLocation: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The path of the file as the user named it.
    public var file: String
    /// The line, counting from 1.
    public var line: Int
    /// The column in Unicode scalars, counting from 1.
    public var column: Int
    /// The byte offset from the start of the file, counting from 0.
    public var offset: Int

    /// Creates a location; `line` and `column` count from 1, `offset` from 0.
    public init(file: String, line: Int, column: Int, offset: Int = 0) {
        self.file = file
        self.line = line
        self.column = column
        self.offset = offset
    }

    /// A location that names a whole file (its first line and column).
    public static func file(_ path: String) -> SourceLocation {
        SourceLocation(file: path, line: 1, column: 1, offset: 0)
    }

    /// `file:line:column`, the form editors and terminals turn into links.
    public var description: String { "\(file):\(line):\(column)" }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        if lhs.file != rhs.file { return lhs.file < rhs.file }
        if lhs.line != rhs.line { return lhs.line < rhs.line }
        return lhs.column < rhs.column
    }
}
