import Testing

@testable import CharterCore

/// What reaches a terminal from a file never carries a control character.
@Suite struct TerminalTextTests {
    @Test func escapesControlCharacters() {
        #expect(TerminalText.escaped("plain · ü") == "plain · ü")
        #expect(TerminalText.escaped("a\u{1B}[2Jb") == "a\\u{1b}[2Jb")
        #expect(TerminalText.escaped("\u{9B}31m\u{7F}\u{0}") == "\\u{9b}31m\\u{7f}\\u{0}")
        #expect(TerminalText.escaped("a\tb\nc") == "a\tb\\u{a}c")
        #expect(TerminalText.escaped("a\tb\nc", keepingLineBreaks: true) == "a\tb\nc")
        #expect(TerminalText.firstControlCharacter(in: "ab\u{1B}c")?.offset == 2)
        #expect(TerminalText.firstControlCharacter(in: "abc") == nil)
    }

    func report(_ diagnostic: Diagnostic, _ source: String) -> DiagnosticReport {
        DiagnosticReport(
            tool: .init(name: "charter", version: "0", informationURI: "https://example.invalid"), command: "lint",
            files: ["r.yaml"], diagnostics: [diagnostic], sources: ["r.yaml": source])
    }

    @Test func diagnosticsEscapeMessagesAndQuotedLines() {
        let source = "ticket: \"GOV\u{1B}]52;c;ZXZpbA==\u{7}\"\n"
        let diagnostic = Diagnostic.error(
            DiagnosticCode("CH999", name: "test", summary: "test"), "ticket 'GOV\u{1B}[2J' is odd",
            at: SourceLocation(file: "r.yaml", line: 1, column: 9), notes: ["note \u{9B}1m"], help: "help \u{1B}c")
        let text = TextDiagnosticRenderer().render(
            report(diagnostic, source))
        #expect(!text.unicodeScalars.contains { $0.properties.generalCategory == .control && $0 != "\n" })
        #expect(text.contains("ticket 'GOV\\u{1b}[2J' is odd"))
        #expect(text.contains("ticket: \"GOV\\u{1b}]52;c;ZXZpbA==\\u{7}\""))
        // Colours are Charter's own and stay.
        let colored = TextDiagnosticRenderer(colors: true).render(
            report(diagnostic, source))
        #expect(colored.contains("\u{1B}[1;31m"))
        #expect(!colored.contains("GOV\u{1B}"))
    }
}
