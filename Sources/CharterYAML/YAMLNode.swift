public import CharterCore

/// One node of a YAML document: a scalar, a sequence or a mapping, with the place it starts.
///
/// Aliases are resolved: an alias becomes a copy of its anchor's node (sharing storage), so a
/// consumer never sees `*name`. Equality and hashing ignore locations, anchors and scalar styles:
/// two nodes are equal when they mean the same (the rule YAML uses for duplicate keys).
public struct YAMLNode: Sendable {
    /// What a node holds.
    public indirect enum Content: Sendable {
        case scalar(YAMLScalar)
        case sequence([YAMLNode])
        /// Key–value pairs in source order.
        case mapping([YAMLPair])
    }

    /// What the node holds.
    public var content: Content
    /// The explicit tag as libyaml resolved it (`tag:yaml.org,2002:str` for `!!str`), or `nil`.
    public var tag: String?
    /// The anchor the node was defined with, if any.
    public var anchor: String?
    /// Where the node starts: for an alias, where the alias is.
    public var location: SourceLocation
    /// The number of nodes in this subtree, counting every alias expansion.
    public internal(set) var expandedSize: Int

    /// Creates a node.
    public init(_ content: Content, tag: String? = nil, anchor: String? = nil, location: SourceLocation) {
        self.content = content
        self.tag = tag
        self.anchor = anchor
        self.location = location
        switch content {
        case .scalar: expandedSize = 1
        case .sequence(let items): expandedSize = items.reduce(1) { $0 + $1.expandedSize }
        case .mapping(let pairs): expandedSize = pairs.reduce(1) { $0 + $1.key.expandedSize + $1.value.expandedSize }
        }
    }

    /// The scalar, when the node is one.
    public var scalar: YAMLScalar? {
        if case .scalar(let scalar) = content { return scalar }
        return nil
    }

    /// The elements, when the node is a sequence.
    public var sequence: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    /// The pairs, when the node is a mapping.
    public var mapping: [YAMLPair]? {
        if case .mapping(let pairs) = content { return pairs }
        return nil
    }

    /// The value for a string key, when the node is a mapping that has it.
    public subscript(key: String) -> YAMLNode? {
        mapping?.first { $0.key.scalar?.value == .string(key) }?.value
    }

    /// `scalar`, `sequence` or `mapping`, for messages.
    public var kindName: String {
        switch content {
        case .scalar: "scalar"
        case .sequence: "sequence"
        case .mapping: "mapping"
        }
    }

    /// The tag that matters for equality: an explicit tag outside the core schema, else `nil`.
    var identityTag: String? {
        guard let tag, !YAMLTag.core.contains(tag), tag != "!" else { return nil }
        return tag
    }
}

/// One entry of a mapping.
public struct YAMLPair: Sendable, Hashable {
    /// The key node.
    public var key: YAMLNode
    /// The value node.
    public var value: YAMLNode

    /// Creates a pair.
    public init(key: YAMLNode, value: YAMLNode) {
        self.key = key
        self.value = value
    }
}

extension YAMLNode: Hashable {
    public static func == (lhs: YAMLNode, rhs: YAMLNode) -> Bool {
        guard lhs.identityTag == rhs.identityTag else { return false }
        switch (lhs.content, rhs.content) {
        case (.scalar(let l), .scalar(let r)): return l.value == r.value
        case (.sequence(let l), .sequence(let r)): return l == r
        case (.mapping(let l), .mapping(let r)): return l == r
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(identityTag)
        switch content {
        case .scalar(let scalar):
            hasher.combine(0)
            hasher.combine(scalar.value)
        case .sequence(let items):
            hasher.combine(1)
            hasher.combine(items)
        case .mapping(let pairs):
            hasher.combine(2)
            hasher.combine(pairs)
        }
    }
}

/// One YAML document of a stream.
public struct YAMLDocument: Sendable {
    /// The root node; an empty document has a null scalar.
    public var root: YAMLNode
}

/// The result of reading a YAML stream: its documents and any warnings.
public struct YAMLStream: Sendable {
    /// The documents in order.
    public var documents: [YAMLDocument]
    /// Findings that do not stop reading (such as a `<<` merge key, which YAML 1.2 reads as a
    /// plain key).
    public var warnings: [Diagnostic]
    /// The text the stream was read from, to locate positions inside scalars.
    public var source: YAMLSource
}
