/// Compiler-style text: `file:line:col: error[CH002]: message`, the quoted source line with a
/// caret under the column, related locations, notes and help, then a one-line summary.
///
/// Colours (ANSI) only when asked, which the CLI does only when stdout is a terminal. Everything
/// that comes from a file (messages quote it, and the quoted source line is it) is printed with its
/// control characters escaped (``TerminalText``), so that a request cannot drive the terminal.
public struct TextDiagnosticRenderer: Sendable {
    /// Whether to use ANSI colours.
    public var colors: Bool

    /// Creates a renderer.
    public init(colors: Bool = false) {
        self.colors = colors
    }

    /// Renders every diagnostic and the summary line.
    public func render(_ report: DiagnosticReport) -> String {
        var output = ""
        for diagnostic in report.diagnostics {
            render(diagnostic, sources: report.sources, into: &output)
            output.append("\n")
        }
        output.append(summary(report))
        output.append("\n")
        return output
    }

    /// Renders one diagnostic, ending with a newline.
    public func render(_ diagnostic: Diagnostic, sources: [String: String], into output: inout String) {
        let label = "\(diagnostic.severity.rawValue)[\(diagnostic.code.id)]"
        let prefix = diagnostic.location.map { safe("\($0): ") } ?? "charter: "
        output.append(bold(prefix) + paint(label, diagnostic.severity) + bold(": " + safe(diagnostic.message)) + "\n")
        if let location = diagnostic.location {
            quote(location, sources: sources, into: &output)
        }
        for related in diagnostic.related {
            output.append(
                bold(safe("\(related.location): ")) + paint("note", .note) + ": " + safe(related.message) + "\n")
            quote(related.location, sources: sources, into: &output)
        }
        for note in diagnostic.notes {
            output.append(gutter("  = ") + bold("note") + ": " + safe(note) + "\n")
        }
        if let help = diagnostic.help {
            output.append(gutter("  = ") + bold("help") + ": " + safe(help) + "\n")
        }
        if let fix = diagnostic.fix {
            output.append(gutter("  = ") + bold("fix") + ": " + safe(fix.summary) + "\n")
        }
    }

    /// `N files checked: E errors, W warnings` (or `no problems`).
    public func summary(_ report: DiagnosticReport) -> String {
        let files = plural(report.files.count, "file")
        let errors = report.count(.error)
        let warnings = report.count(.warning)
        if errors == 0 && warnings == 0 { return "\(files) checked: no problems" }
        return "\(files) checked: \(plural(errors, "error")), \(plural(warnings, "warning"))"
    }

    private func quote(_ location: SourceLocation, sources: [String: String], into output: inout String) {
        guard let text = sources[location.file], let raw = SourceLines.line(location.line, of: text) else { return }
        let line = safe(raw)
        let number = String(location.line)
        let pad = String(repeating: " ", count: number.count)
        output.append(gutter("\(pad) |") + "\n")
        output.append(gutter("\(number) |") + " " + line + "\n")
        // Keep tabs so the caret lines up under tab-indented text.
        let lead = String(line.prefix(max(0, location.column - 1)).map { $0 == "\t" ? "\t" : " " })
        output.append(gutter("\(pad) |") + " " + lead + paint("^", .error) + "\n")
    }

    private func safe(_ text: String) -> String { TerminalText.escaped(text, keepingLineBreaks: true) }

    private func plural(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }

    private func paint(_ text: String, _ severity: Diagnostic.Severity) -> String {
        guard colors else { return text }
        let code =
            switch severity {
            case .error: "1;31"
            case .warning: "1;33"
            case .note: "1;36"
            }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }

    private func bold(_ text: String) -> String {
        colors ? "\u{1B}[1m\(text)\u{1B}[0m" : text
    }

    private func gutter(_ text: String) -> String {
        colors ? "\u{1B}[1;34m\(text)\u{1B}[0m" : text
    }
}

/// Line lookup for quoting source.
package enum SourceLines {
    /// The text of a 1-based line, without its line break; `nil` past the end.
    package static func line(_ number: Int, of text: String) -> String? {
        guard number >= 1 else { return nil }
        var current = 1
        var start = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "\n" || character == "\r\n" || character == "\r" {
                if current == number { return String(text[start..<index]) }
                current += 1
                start = text.index(after: index)
            }
            index = text.index(after: index)
        }
        return current == number ? String(text[start..<text.endIndex]) : nil
    }
}
