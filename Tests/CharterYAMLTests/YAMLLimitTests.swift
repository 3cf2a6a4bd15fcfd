import CharterCore
import CharterYAML
import Foundation
import Testing

@Suite("YAML limits")
struct YAMLLimitTests {
    /// The classic "billion laughs": 9 levels, each a sequence of 10 aliases to the level below.
    static let aliasBomb: String = {
        var lines = ["a0: &a0 [\"lol\"]"]
        for level in 1...9 {
            let aliases = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            lines.append("a\(level): &a\(level) [\(aliases)]")
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    // Timings live in Benchmarks/ (YAMLLimitBenchmarks); these tests prove the limits stop the
    // reader early, at the first node past them, which is what keeps it fast.

    /// The error the reader throws, or `nil` when it accepts the text.
    static func rejection(_ text: String, file: String) -> YAMLError? {
        do throws(YAMLError) {
            _ = try YAMLParser().parse(text, file: file)
            return nil
        } catch {
            return error
        }
    }

    @Test("an alias bomb (9 levels × 10 aliases) is rejected early")
    func aliasBomb() throws {
        let error = try #require(Self.rejection(Self.aliasBomb, file: "bomb.yaml"))
        #expect(error.kind == .tooManyNodes(limit: YAMLLimits.default.maximumNodes))
        #expect(error.diagnostic.code == .yamlTooManyNodes)
        #expect(error.location.file == "bomb.yaml")
        #expect(error.location.line >= 6)  // the first level whose expansion passes a million nodes
    }

    @Test("a modest use of aliases is expanded and counted", arguments: [3, 4])
    func aliasesWithinLimit(levels: Int) throws {
        var lines = ["a0: &a0 [x]"]
        for level in 1...levels {
            lines.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]")
        }
        let stream = try YAMLParser().parse(lines.joined(separator: "\n"), file: "ok.yaml")
        let top = try #require(stream.documents.first?.root["a\(levels)"])
        // 10^levels leaves plus the sequences above them.
        let leaves = Int(pow(10, Double(levels)))
        #expect(top.expandedSize >= leaves)
        #expect(top.sequence?.count == 10)
    }

    @Test("100,000-deep nesting is rejected without a stack overflow", arguments: ["[", "{a: "])
    func deepFlowNesting(opener: String) throws {
        let text = String(repeating: opener, count: 100_000)
        let error = try #require(Self.rejection(text, file: "deep.yaml"))
        #expect(error.kind == .tooDeep(limit: YAMLLimits.default.maximumDepth))
        #expect(error.diagnostic.code == .yamlTooDeep)
    }

    @Test("100,000-deep block nesting is rejected early")
    func deepBlockNesting() throws {
        // "- - - x" nests block sequences on one line.
        let text = String(repeating: "- ", count: 100_000) + "x\n"
        let error = try #require(Self.rejection(text, file: "deep.yaml"))
        #expect(error.kind == .tooDeep(limit: YAMLLimits.default.maximumDepth))
        #expect(error.location.column == 2 * YAMLLimits.default.maximumDepth + 1)
    }

    @Test("nesting at the limit is accepted, one more is not")
    func depthBoundary() throws {
        let limits = YAMLLimits(maximumBytes: 1 << 20, maximumDepth: 5, maximumNodes: 100, maximumScalarBytes: 100)
        let parser = YAMLParser(limits: limits)
        _ = try parser.parse("[[[[[1]]]]]", file: "five.yaml")
        #expect(throws: YAMLError(.tooDeep(limit: 5), at: SourceLocation(file: "six.yaml", line: 1, column: 6, offset: 5))) {
            try parser.parse("[[[[[[1]]]]]]", file: "six.yaml")
        }
    }

    @Test("documents and scalars over their size limits are rejected")
    func sizeLimits() throws {
        let limits = YAMLLimits(maximumBytes: 64, maximumDepth: 10, maximumNodes: 100, maximumScalarBytes: 8)
        let parser = YAMLParser(limits: limits)
        #expect(throws: YAMLError(.tooLarge(bytes: 65, limit: 64), at: .file("big.yaml"))) {
            try parser.parse(String(repeating: "a", count: 65), file: "big.yaml")
        }
        #expect(throws: YAMLError(.scalarTooLarge(bytes: 9, limit: 8), at: SourceLocation(file: "s.yaml", line: 1, column: 4, offset: 3))) {
            try parser.parse("k: 123456789", file: "s.yaml")
        }
        _ = try parser.parse("k: 12345678", file: "s.yaml")
    }

    @Test("the node limit counts every node once per expansion")
    func nodeLimitBoundary() throws {
        let limits = YAMLLimits(maximumBytes: 1 << 20, maximumDepth: 10, maximumNodes: 7, maximumScalarBytes: 100)
        // mapping 1 + key 1 + [x, y] 3 + key 1 + alias 3 = 9 nodes.
        let text = "a: &s [x, y]\nb: *s\n"
        #expect(throws: YAMLError.self) { try YAMLParser(limits: limits).parse(text, file: "n.yaml") }
        var roomy = limits
        roomy.maximumNodes = 9
        _ = try YAMLParser(limits: roomy).parse(text, file: "n.yaml")
    }
}
