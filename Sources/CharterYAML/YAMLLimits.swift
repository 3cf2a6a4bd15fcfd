/// Bounds on what the reader accepts, so that hostile or broken input fails fast with a clear
/// error instead of exhausting memory, time or the stack.
public struct YAMLLimits: Sendable, Equatable {
    /// The largest document, in bytes.
    public var maximumBytes: Int
    /// The deepest nesting of sequences and mappings.
    public var maximumDepth: Int
    /// The most nodes in one document, counting every alias expansion (the "billion laughs" bound).
    public var maximumNodes: Int
    /// The longest single scalar, in bytes.
    public var maximumScalarBytes: Int

    /// Creates limits.
    public init(maximumBytes: Int, maximumDepth: Int, maximumNodes: Int, maximumScalarBytes: Int) {
        self.maximumBytes = maximumBytes
        self.maximumDepth = maximumDepth
        self.maximumNodes = maximumNodes
        self.maximumScalarBytes = maximumScalarBytes
    }

    /// Generous for policies and requests, small enough to stop abuse: 8 MiB, 128 levels,
    /// 1,000,000 nodes, 1 MiB scalars.
    public static let `default` = YAMLLimits(
        maximumBytes: 8 << 20, maximumDepth: 128, maximumNodes: 1_000_000, maximumScalarBytes: 1 << 20)
}
