import CharterCore
internal import CYAML

/// Reads YAML text into ``YAMLNode`` trees through libyaml's event API.
///
/// The reader builds nodes with an explicit stack (no recursion, so deep input cannot overflow
/// the call stack), resolves aliases while counting the nodes they expand to, rejects duplicate
/// keys, and resolves plain scalars by the YAML 1.2 core schema. Every limit in ``YAMLLimits`` is
/// checked as the events arrive, so hostile input stops early.
public struct YAMLParser: Sendable {
    /// The bounds enforced while reading.
    public var limits: YAMLLimits

    /// Creates a reader with the given limits.
    public init(limits: YAMLLimits = .default) {
        self.limits = limits
    }

    /// Reads every document of a stream.
    ///
    /// - Parameters:
    ///   - text: the bytes of the file; UTF-8, or UTF-16 with a byte order mark.
    ///   - file: the path to name in locations.
    /// - Throws: ``YAMLError`` for the first problem found.
    /// - Complexity: O(n) in the size of the text plus the number of nodes.
    public func parse(_ text: [UInt8], file: String) throws(YAMLError) -> YAMLStream {
        let bytes = Self.utf8(text)
        guard bytes.count <= limits.maximumBytes else {
            throw YAMLError(.tooLarge(bytes: bytes.count, limit: limits.maximumBytes), at: .file(file))
        }
        let bom = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var builder = TreeBuilder(limits: limits, sourceMap: SourceMap(file: file, bytes: bytes, firstCharacter: bom))
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw YAMLError(.syntax(problem: "libyaml could not start (out of memory)", context: nil, contextLocation: nil), at: .file(file))
        }
        defer { yaml_parser_delete(&parser) }
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(bytes.count, 1))
        defer { buffer.deallocate() }
        _ = buffer.initialize(from: bytes)
        yaml_parser_set_input_string(&parser, buffer.baseAddress, bytes.count)

        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(&parser, &event) == 1 else {
                throw builder.libyamlError(parser)
            }
            let done = event.type == YAML_STREAM_END_EVENT
            do {
                try builder.handle(event)
            } catch {
                yaml_event_delete(&event)
                throw error
            }
            yaml_event_delete(&event)
            if done { break }
        }
        return YAMLStream(
            documents: builder.documents, warnings: builder.warnings,
            source: YAMLSource(map: builder.sourceMap))
    }

    /// Reads a string.
    public func parse(_ text: String, file: String) throws(YAMLError) -> YAMLStream {
        try parse(Array(text.utf8), file: file)
    }

    /// UTF-16 input (with a byte order mark) is transcoded to UTF-8, so that offsets count UTF-8
    /// bytes of the transcoded text; UTF-8 passes through untouched.
    private static func utf8(_ bytes: [UInt8]) -> [UInt8] {
        let bigEndian = bytes.starts(with: [0xFE, 0xFF])
        guard bigEndian || bytes.starts(with: [0xFF, 0xFE]) else { return bytes }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var index = 2
        while index + 1 < bytes.count {
            let (high, low) = bigEndian ? (bytes[index], bytes[index + 1]) : (bytes[index + 1], bytes[index])
            units.append(UInt16(high) << 8 | UInt16(low))
            index += 2
        }
        return Array(String(decoding: units, as: UTF16.self).utf8)
    }
}

/// Turns events into nodes with an explicit stack.
private struct TreeBuilder {
    /// A sequence or mapping being built.
    struct Frame {
        var isMapping: Bool
        var tag: String?
        var anchor: String?
        var location: SourceLocation
        var items: [YAMLNode] = []
        var pairs: [YAMLPair] = []
        var pendingKey: YAMLNode?
        /// Scalar keys seen so far, with where each was first written.
        var keys: [YAMLNode: SourceLocation] = [:]
    }

    let limits: YAMLLimits
    var sourceMap: SourceMap
    var stack: [Frame] = []
    var anchors: [String: YAMLNode] = [:]
    var nodeCount = 0
    var documents: [YAMLDocument] = []
    var warnings: [Diagnostic] = []
    var root: YAMLNode?

    init(limits: YAMLLimits, sourceMap: SourceMap) {
        self.limits = limits
        self.sourceMap = sourceMap
    }

    mutating func location(_ mark: yaml_mark_t) -> SourceLocation {
        sourceMap.location(line: Int(mark.line), column: Int(mark.column))
    }

    mutating func handle(_ event: yaml_event_t) throws(YAMLError) {
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            anchors = [:]
            nodeCount = 0
            root = nil
        case YAML_DOCUMENT_END_EVENT:
            let start = location(event.start_mark)
            documents.append(YAMLDocument(root: root ?? YAMLNode(.scalar(YAMLScalar(text: "", style: .plain, value: .null)), location: start)))
            root = nil
        case YAML_ALIAS_EVENT:
            let at = location(event.start_mark)
            let name = Self.string(event.data.alias.anchor) ?? ""
            guard var node = anchors[name] else { throw YAMLError(.undefinedAlias(name: name), at: at) }
            try count(node.expandedSize, at: at)
            node.location = at
            try append(node)
        case YAML_SCALAR_EVENT:
            let at = location(event.start_mark)
            let data = event.data.scalar
            guard data.length <= limits.maximumScalarBytes else {
                throw YAMLError(.scalarTooLarge(bytes: data.length, limit: limits.maximumScalarBytes), at: at)
            }
            try count(1, at: at)
            let text = data.value.map { String(decoding: UnsafeBufferPointer(start: $0, count: data.length), as: UTF8.self) } ?? ""
            let tag = Self.string(data.tag)
            let style = Self.style(data.style)
            let value: YAMLValue
            if let tag, tag != "!" {
                guard let resolved = CoreSchema.resolve(text, tag: tag) else {
                    throw YAMLError(.invalidTaggedValue(text: text, tag: tag), at: at)
                }
                value = resolved
            } else if style == .plain && tag == nil {
                value = CoreSchema.resolvePlain(text)
            } else {
                value = .string(text)
            }
            let node = YAMLNode(.scalar(YAMLScalar(text: text, style: style, value: value)), tag: tag, anchor: Self.string(data.anchor), location: at)
            try finish(node)
        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
            let at = location(event.start_mark)
            guard stack.count < limits.maximumDepth else { throw YAMLError(.tooDeep(limit: limits.maximumDepth), at: at) }
            try count(1, at: at)
            let isMapping = event.type == YAML_MAPPING_START_EVENT
            let tag = isMapping ? Self.string(event.data.mapping_start.tag) : Self.string(event.data.sequence_start.tag)
            let anchor = isMapping ? Self.string(event.data.mapping_start.anchor) : Self.string(event.data.sequence_start.anchor)
            stack.append(Frame(isMapping: isMapping, tag: tag, anchor: anchor, location: at))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else { return }
            let content: YAMLNode.Content = frame.isMapping ? .mapping(frame.pairs) : .sequence(frame.items)
            try finish(YAMLNode(content, tag: frame.tag, anchor: frame.anchor, location: frame.location))
        default:
            break  // stream start and end carry nothing
        }
    }

    /// Adds nodes to the running total and enforces the expansion limit.
    mutating func count(_ nodes: Int, at location: SourceLocation) throws(YAMLError) {
        nodeCount += nodes
        guard nodeCount <= limits.maximumNodes else { throw YAMLError(.tooManyNodes(limit: limits.maximumNodes), at: location) }
    }

    /// A node is complete: register its anchor, then place it.
    mutating func finish(_ node: YAMLNode) throws(YAMLError) {
        if let anchor = node.anchor { anchors[anchor] = node }
        try append(node)
    }

    /// Places a complete node in its parent, or makes it the document's root.
    mutating func append(_ node: YAMLNode) throws(YAMLError) {
        guard !stack.isEmpty else {
            root = node
            return
        }
        let top = stack.count - 1
        guard stack[top].isMapping else {
            stack[top].items.append(node)
            return
        }
        guard let key = stack[top].pendingKey else {
            // Scalar keys must be unique. Collection keys are left alone, as the YAML test suite
            // expects (X38W); Charter's own schemas accept only scalar keys.
            if node.scalar != nil {
                if let first = stack[top].keys[node] {
                    throw YAMLError(.duplicateKey(key: Self.describe(node), first: first), at: node.location)
                }
                stack[top].keys[node] = node.location
            }
            if let scalar = node.scalar, scalar.style == .plain, scalar.text == "<<", node.tag == nil {
                warnings.append(
                    .warning(
                        .yamlMergeKey, "'<<' is read as a plain key, not merged", at: node.location,
                        help: "write the merged keys out; YAML 1.2 has no merge keys"))
            }
            stack[top].pendingKey = node
            return
        }
        stack[top].pairs.append(YAMLPair(key: key, value: node))
        stack[top].pendingKey = nil
    }

    /// The error libyaml reported, located at its mark.
    mutating func libyamlError(_ parser: yaml_parser_t) -> YAMLError {
        let problem = Self.string(parser.problem) ?? "invalid YAML"
        let at: SourceLocation
        if parser.error == YAML_READER_ERROR {
            at = sourceMap.location(byteOffset: parser.problem_offset)
            return YAMLError(.syntax(problem: Self.sentence(problem), context: nil, contextLocation: nil), at: at)
        }
        at = location(parser.problem_mark)
        let context = Self.string(parser.context).map(Self.sentence)
        let contextAt = context == nil ? nil : location(parser.context_mark)
        return YAMLError(.syntax(problem: Self.sentence(problem), context: context, contextLocation: contextAt), at: at)
    }

    /// A key for messages: scalars as written, collections by kind.
    static func describe(_ node: YAMLNode) -> String {
        node.scalar?.text ?? "<\(node.kindName)>"
    }

    /// libyaml's messages, lowercased first letter and no final period (Cedar's style).
    static func sentence(_ text: String) -> String {
        var text = text
        while text.hasSuffix(".") { text.removeLast() }
        return text
    }

    static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    static func string(_ pointer: UnsafePointer<CChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    static func style(_ style: yaml_scalar_style_t) -> YAMLScalar.Style {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: .literal
        case YAML_FOLDED_SCALAR_STYLE: .folded
        default: .plain
        }
    }
}
