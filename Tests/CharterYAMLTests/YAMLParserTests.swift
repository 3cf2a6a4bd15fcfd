import CharterCore
import CharterYAML
import Testing

@Suite("YAML reader")
struct YAMLParserTests {
    func parse(_ text: String) throws -> YAMLNode {
        try #require(try YAMLParser().parse(text, file: "t.yaml").documents.first).root
    }

    @Test(
        "plain scalars resolve by the YAML 1.2 core schema",
        arguments: [
            ("~", YAMLValue.null), ("null", .null), ("", .null), ("NULL", .null),
            ("true", .bool(true)), ("False", .bool(false)),
            ("no", .string("no")), ("yes", .string("yes")), ("on", .string("on")), ("off", .string("off")),
            ("42", .int(42)), ("-17", .int(-17)), ("+3", .int(3)), ("0o17", .int(15)), ("0x1F", .int(31)),
            ("012", .int(12)), ("1.5", .float(1.5)), ("1.0e-6", .float(1.0e-6)), (".5", .float(0.5)),
            ("1e3", .float(1000)), ("-.inf", .float(-.infinity)), ("2026-02-20", .string("2026-02-20")),
            ("90d", .string("90d")), ("0b101", .string("0b101")), ("1_000", .string("1_000")),
            ("99999999999999999999", .float(1e20)), ("0x", .string("0x")), ("1.2.3", .string("1.2.3")),
        ])
    func coreSchema(text: String, expected: YAMLValue) throws {
        let node = try parse("v: \(text)")
        #expect(node["v"]?.scalar?.value == expected)
    }

    @Test("NaN resolves to a float")
    func nan() throws {
        guard case .float(let value)? = try parse("v: .nan")["v"]?.scalar?.value else {
            Issue.record("not a float")
            return
        }
        #expect(value.isNaN)
    }

    @Test("quoted scalars stay strings; explicit tags are honoured")
    func quotingAndTags() throws {
        let node = try parse("a: '1'\nb: \"true\"\nc: !!str 12\nd: !!int \"12\"\ne: !!float 3\nf: ! 7\ng: |\n  42\n")
        #expect(node["a"]?.scalar?.value == .string("1"))
        #expect(node["a"]?.scalar?.style == .singleQuoted)
        #expect(node["b"]?.scalar?.value == .string("true"))
        #expect(node["c"]?.scalar?.value == .string("12"))
        #expect(node["d"]?.scalar?.value == .int(12))
        #expect(node["e"]?.scalar?.value == .float(3))
        #expect(node["f"]?.scalar?.value == .string("7"))
        #expect(node["g"]?.scalar?.value == .string("42\n"))
        #expect(node["g"]?.scalar?.style == .literal)
    }

    @Test("a scalar that does not fit its core tag is an error", arguments: ["!!int abc", "!!bool yes", "!!null x", "!!float 1e"])
    func invalidTaggedValue(text: String) throws {
        #expect(throws: YAMLError.self) { try YAMLParser().parse("v: \(text)", file: "t.yaml") }
        do {
            _ = try YAMLParser().parse("v: \(text)", file: "t.yaml")
        } catch {
            #expect(error.diagnostic.code == .yamlInvalidTaggedValue)
            #expect(error.location.line == 1 && error.location.column == 4)
        }
    }

    @Test("every node carries line, column and byte offset")
    func locations() throws {
        let text = "# comment\nname: café\nlist:\n  - é: x\n    b: [1, \"two\"]\n"
        let root = try parse(text)
        #expect(root.location == SourceLocation(file: "t.yaml", line: 2, column: 1, offset: 10))
        let pairs = try #require(root.mapping)
        #expect(pairs[0].value.location == SourceLocation(file: "t.yaml", line: 2, column: 7, offset: 16))
        let item = try #require(root["list"]?.sequence?.first)
        #expect(item.location == SourceLocation(file: "t.yaml", line: 4, column: 5, offset: 32))
        let itemPairs = try #require(item.mapping)
        // "é" is one column but two bytes.
        #expect(itemPairs[0].value.location == SourceLocation(file: "t.yaml", line: 4, column: 8, offset: 36))
        let flow = try #require(itemPairs[1].value.sequence)
        #expect(flow[1].location == SourceLocation(file: "t.yaml", line: 5, column: 12, offset: 49))
        // Offsets point at the node's first byte.
        let bytes = Array(text.utf8)
        #expect(bytes[49] == UInt8(ascii: "\""))
    }

    @Test("CRLF line breaks and a UTF-8 byte order mark keep positions right")
    func crlfAndBOM() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("a: 1\r\nb: 2\r\n".utf8)
        let root = try #require(try YAMLParser().parse(bytes, file: "t.yaml").documents.first).root
        let b = try #require(root.mapping?[1])
        #expect(b.key.location == SourceLocation(file: "t.yaml", line: 2, column: 1, offset: 9))
        #expect(b.value.location == SourceLocation(file: "t.yaml", line: 2, column: 4, offset: 12))
    }

    @Test("UTF-16 input is read")
    func utf16() throws {
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in "k: v\n".utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let root = try #require(try YAMLParser().parse(bytes, file: "t.yaml").documents.first).root
        #expect(root["k"]?.scalar?.value == .string("v"))
    }

    @Test("duplicate keys are an error naming both places")
    func duplicateKeys() throws {
        let text = "name: a\nother: 1\n\"name\": b\n"
        do {
            _ = try YAMLParser().parse(text, file: "d.yaml")
            Issue.record("accepted a duplicate key")
        } catch {
            #expect(error.kind == .duplicateKey(key: "name", first: SourceLocation(file: "d.yaml", line: 1, column: 1, offset: 0)))
            #expect(error.location == SourceLocation(file: "d.yaml", line: 3, column: 1, offset: 17))
            let diagnostic = error.diagnostic
            #expect(diagnostic.message == "duplicate key \"name\"")
            #expect(diagnostic.related.map(\.location.line) == [1])
        }
    }

    @Test("keys that mean the same value are duplicates", arguments: ["1: a\n0x1: b", "~: a\nnull: b", "a: 1\n!!str a: 2"])
    func equivalentKeys(text: String) {
        #expect(throws: YAMLError.self) { try YAMLParser().parse(text, file: "d.yaml") }
    }

    @Test("keys that only look alike are not duplicates")
    func distinctKeys() throws {
        let root = try parse("1: a\n\"1\": b\n1.0: c\ntrue: d\n\"true\": e\n")
        #expect(root.mapping?.count == 5)
    }

    @Test("duplicate keys are found in nested and flow mappings")
    func nestedDuplicates() {
        #expect(throws: YAMLError.self) { try YAMLParser().parse("a:\n  b: 1\n  c: {x: 1, x: 2}\n", file: "d.yaml") }
        #expect(throws: YAMLError.self) { try YAMLParser().parse("- {k: 1}\n- k: 1\n  k: 2\n", file: "d.yaml") }
    }

    @Test("aliases resolve to their anchor's node, located at the alias")
    func aliases() throws {
        let root = try parse("base: &b {x: 1}\ncopy: *b\n")
        let copy = try #require(root["copy"])
        #expect(copy == root["base"])
        #expect(copy["x"]?.scalar?.value == .int(1))
        #expect(copy.location.line == 2 && copy.location.column == 7)
    }

    @Test("an alias to an undefined or not-yet-finished anchor is an error", arguments: ["a: *nope", "a: &x [*x]"])
    func undefinedAlias(text: String) {
        do {
            _ = try YAMLParser().parse(text, file: "a.yaml")
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.diagnostic.code == .yamlUndefinedAlias || error.diagnostic.code == .yamlSyntax)
        }
    }

    @Test("anchors do not leak across documents")
    func anchorsPerDocument() {
        #expect(throws: YAMLError.self) { try YAMLParser().parse("a: &x 1\n---\nb: *x\n", file: "a.yaml") }
    }

    @Test("multi-document streams keep every document in order")
    func multiDocument() throws {
        let stream = try YAMLParser().parse("---\na: 1\n---\n- 2\n...\n---\n", file: "m.yaml")
        #expect(stream.documents.count == 3)
        #expect(stream.documents[0].root["a"]?.scalar?.value == .int(1))
        #expect(stream.documents[1].root.sequence?.count == 1)
        #expect(stream.documents[2].root.scalar?.value == .null)
        #expect(stream.documents[1].root.location.line == 4)
    }

    @Test("an empty file has no documents")
    func emptyStream() throws {
        #expect(try YAMLParser().parse("", file: "e.yaml").documents.isEmpty)
        #expect(try YAMLParser().parse("# only a comment\n", file: "e.yaml").documents.isEmpty)
    }

    @Test("a merge key is read as a plain key, with a warning")
    func mergeKey() throws {
        let stream = try YAMLParser().parse("base: &b {x: 1}\nchild:\n  <<: *b\n  y: 2\n", file: "m.yaml")
        #expect(stream.warnings.map(\.code) == [.yamlMergeKey])
        #expect(stream.warnings.first?.location?.line == 3)
        #expect(stream.documents[0].root["child"]?.mapping?.count == 2)
    }

    @Test(
        "libyaml's errors become located diagnostics",
        arguments: [
            ("a: [1, 2\nb: c\n", 2, 2), ("a: b: c\n", 1, 5), ("- a\nb: c\n", 2, 1), ("a: 'open\n", 2, 1),
            ("\t- a\n", 1, 1), ("a: @b\n", 1, 4),
        ])
    func syntaxErrors(text: String, line: Int, column: Int) {
        do {
            _ = try YAMLParser().parse(text, file: "s.yaml")
            Issue.record("accepted \(text.debugDescription)")
        } catch {
            #expect(error.diagnostic.code == .yamlSyntax)
            #expect(error.diagnostic.severity == .error)
            #expect(error.location.line == line && error.location.column == column, "\(error)")
            #expect(!error.diagnostic.message.isEmpty && !error.diagnostic.message.hasSuffix("."))
        }
    }

    @Test("invalid UTF-8 is rejected at its byte")
    func invalidUTF8() {
        do {
            _ = try YAMLParser().parse(Array("a: b\nc: ".utf8) + [0xFF, 0xFE, 0x41], file: "u.yaml")
            Issue.record("accepted invalid UTF-8")
        } catch {
            #expect(error.diagnostic.code == .yamlSyntax)
            #expect(error.location.line == 2)
            #expect(error.location.offset == 8)
        }
    }

    @Test("node equality ignores locations and styles but not values or custom tags")
    func equality() throws {
        let a = try parse("x: [1, 'a']")
        let b = try parse("\n\nx:\n  - 1\n  - \"a\"\n")
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(try parse("x: 1") != parse("x: '1'"))
        #expect(try parse("x: !custom a") != parse("x: a"))
    }

    @Test("nodes convert to JSON as the YAML test suite writes it")
    func json() throws {
        let node = try parse("a: [1, 2.5, true, ~, text]\n1: x\nnull: y\n")
        #expect(node.jsonValue == ["a": [1, 2.5, true, nil, "text"], "1": "x", "": "y"])
        #expect(try parse("? [a]\n: b\n").jsonValue == nil)
        #expect(try parse("x: .inf").jsonValue == nil)
    }
}
