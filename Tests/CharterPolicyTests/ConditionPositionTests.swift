import CharterCore
import CharterPolicy
import Testing

/// A mistake inside a condition is reported at its own line and column in the file, whatever the
/// scalar style the condition is written in.
@Suite("positions inside conditions")
struct ConditionPositionTests {
    static func firstError(_ when: String) -> CharterCore.SourceLocation? {
        let text = """
            charter: 1
            kind: policy
            name: p
            tiers:
              - name: t
                when: \(when)
              - name: rest
                when: true

            """
        return PolicyLinter().lint(file: "p.yaml", bytes: Array(text.utf8)).first { $0.severity == .error }?.location
    }

    @Test(
        "plain, multi-line plain, single- and double-quoted, literal and folded scalars",
        arguments: [
            // (the `when:` value as written, expected line, expected column of "pubic")
            ("request.audience == \"pubic\"", 6, 31),
            ("request.high_risk_ai or\n          request.audience == \"pubic\"", 7, 31),
            ("'request.audience == \"pubic\"'", 6, 32),
            ("\"request.audience == \\\"pubic\\\"\"", 6, 32),
            ("\"request.id != '\\u00e9' or request.audience == 'pubic'\"", 6, 58),
            ("|\n      request.high_risk_ai or\n      request.audience == \"pubic\"", 8, 27),
            (">-\n      request.high_risk_ai\n      or request.audience == \"pubic\"", 8, 30),
        ] as [(String, Int, Int)])
    func styles(when: String, line: Int, column: Int) throws {
        let location = try #require(Self.firstError(when))
        #expect(location.line == line)
        #expect(location.column == column)
    }
}
