import CharterCore
import CharterYAML
import Foundation
import Testing

@testable import CharterPolicy

/// Parses a condition on its own (positions are offsets on line 1).
private func parse(_ text: String) throws(ExpressionSyntaxError) -> ConditionExpression {
    let locate = { (offset: Int) in SourceLocation(file: "t", line: 1, column: offset + 1, offset: offset) }
    return try ExpressionParser.parse(text, locate: locate, locateEnd: locate)
}

@Suite("condition language")
struct ExpressionTests {
    @Test(
        "precedence: or < and < not < comparison; canonical form round-trips",
        arguments: [
            ("a.b or c.d and not e.f", "a.b or c.d and not e.f"),
            ("(a.b or c.d) and e.f", "(a.b or c.d) and e.f"),
            ("not (x.y == 1)", "not x.y == 1"),
            ("source.rows < 200", "source.rows < 200"),
            ("request.audience not in [\"public\",'partner']", "request.audience not in [\"public\", \"partner\"]"),
            (
                "has_approval('legal') and len(source.protected) > 0",
                "has_approval(\"legal\") and len(source.protected) > 0"
            ),
            ("days_until(request.expires_at) <= 30", "days_until(request.expires_at) <= 30"),
            ("request.expires_at < 2027-02-20", "request.expires_at < 2027-02-20"),
            ("generator.epsilon <= 1.0e-6", "generator.epsilon <= 0.000001"),
            ("x.y == -2.5", "x.y == -2.5"),
            ("a.b or (c.d or e.f)", "a.b or (c.d or e.f)"),
        ])
    func canonical(source: String, expected: String) throws {
        let expression = try parse(source)
        #expect(expression.description == expected)
        #expect(try parse(expression.description) == expression)
    }

    @Test("durations, dates and exact decimals are typed literals")
    func literals() throws {
        #expect(try parse("90d").kind == .literal(.duration(CalendarDuration(days: 90))))
        #expect(try parse("12w").kind == .literal(.duration(CalendarDuration(days: 84))))
        #expect(try parse("2028-02-29").kind == .literal(.date(CalendarDate(year: 2028, month: 2, day: 29)!)))
        let sum = try parse("0.3")
        #expect(sum.kind == .literal(.number(Decimal.exact("0.1")! + Decimal.exact("0.2")!)))
    }

    @Test(
        "syntax errors name the offending offset",
        arguments: [
            ("", 0, "the condition is empty"),
            ("a.b ==", 6, "expected a value, a field or '(', found the end of the condition"),
            ("a.b = 1", 4, "unexpected '='"),
            ("a.b && c.d", 4, "unexpected '&&'"),
            ("(a.b", 4, "expected ')' to close '(', found the end of the condition"),
            ("a.b < 1 < 2", 8, "comparisons do not chain"),
            ("'open", 0, "unterminated string"),
            ("x.y == 2026-02-30", 7, "'2026-02-30' is not a date"),
            ("x.y > 90m", 6, "'90m' is not a number or a duration"),
            ("a. == 1", 3, "expected a field name after '.', found '=='"),
            ("[1, 2", 5, "expected ',' or ']', found the end of the condition"),
            ("a.b c.d", 4, "expected 'and', 'or' or the end of the condition, found 'c'"),
            ("x.y == \"\\q\"", 8, "unknown escape '\\q'"),
            ("a.b # c", 4, "unexpected character '#'"),
        ])
    func syntaxErrors(source: String, offset: Int, message: String) {
        #expect(throws: ExpressionSyntaxError.self) { try parse(source) }
        do {
            _ = try parse(source)
        } catch {
            #expect(error.offset == offset)
            #expect(error.message == message)
        }
    }

    @Test("nesting beyond the limit is an error, not a stack overflow")
    func deepNesting() {
        let deep = String(repeating: "(", count: 100_000) + "true" + String(repeating: ")", count: 100_000)
        #expect(throws: ExpressionSyntaxError.self) { try parse(deep) }
        let nots = String(repeating: "not ", count: 100_000) + "true"
        #expect(throws: ExpressionSyntaxError.self) { try parse(nots) }
        let ok = String(repeating: "(", count: 64) + "true" + String(repeating: ")", count: 64)
        #expect((try? parse(ok)) != nil)
    }

    @Test(
        "type checker: fields, operands, enumerations, functions",
        arguments: [
            ("request.high_risk_ai", nil),
            ("source.rows < 200 and generator.epsilon <= 1", nil),
            ("request.audience in [\"partner\", \"public\"]", nil),
            ("\"age\" in source.quasi_identifiers", nil),
            ("has_approval(\"legal\") or days_until(request.expires_at) < 30", nil),
            ("request.jurisdiction != source.jurisdiction", nil),
            ("source.rows", "CH117"),
            ("source.rowz > 1", "CH116"),
            ("audience == \"public\"", "CH116"),
            ("request.audience == \"pubic\"", "CH118"),
            ("request.purpose in [\"analytics\", \"clinical-reserch\"]", "CH118"),
            ("source.rows == \"200\"", "CH117"),
            ("request.audience < \"public\"", "CH117"),
            ("not source.rows", "CH117"),
            ("source.rows in source.rows", "CH117"),
            ("[1, \"a\"] == [1]", "CH117"),
            ("has_approval(\"legl\")", "CH105"),
            ("has_approval(request.requester)", "CH117"),
            ("has_aproval(\"legal\")", "CH119"),
            ("len(source.rows) > 1", "CH117"),
            ("len() > 1", "CH119"),
            ("days_until(source.rows) > 1", "CH117"),
        ] as [(String, String?)])
    func typeChecking(source: String, code: String?) throws {
        let checker = ExpressionTypeChecker(
            schema: RequestSchema(purposes: ["analytics", "clinical-research"], roles: ["legal"]))
        let diagnostics = checker.check(try parse(source))
        if let code {
            #expect(diagnostics.map(\.code.id).contains(code), "\(diagnostics.map(\.message))")
        } else {
            #expect(diagnostics.isEmpty, "\(diagnostics.map(\.message))")
        }
    }

    @Test("a misspelt enum value gets a suggestion and a fix that replaces the literal")
    func enumSuggestion() throws {
        let checker = ExpressionTypeChecker(schema: RequestSchema(purposes: [], roles: []))
        let diagnostics = checker.check(try parse("request.audience == \"pubic\""))
        let diagnostic = try #require(diagnostics.first)
        #expect(diagnostic.help == "did you mean 'public'?")
        #expect(diagnostic.location?.column == 21)
        #expect(diagnostic.fix?.replacement == "\"public\"")
        #expect(diagnostic.fix?.length == 7)
    }
}
