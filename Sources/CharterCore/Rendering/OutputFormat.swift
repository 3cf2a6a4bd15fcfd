/// The output formats every command offers (DESIGN §7).
public enum OutputFormat: String, Sendable, CaseIterable, Codable {
    /// Compiler-style text for people, with the source line and a caret.
    case text
    /// Charter's own JSON document, sorted and stable.
    case json
    /// SARIF 2.1.0, for code-scanning dashboards.
    case sarif
    /// JUnit XML, for CI test reports.
    case junit
    /// GitHub Actions workflow commands, which annotate pull requests.
    case github
}

extension DiagnosticReport {
    /// Renders the report in one format.
    ///
    /// - Parameter colors: whether text output may use ANSI colours (only on a terminal).
    /// - Throws: ``JSONEncodingError`` only if a diagnostic holds a non-finite number, which none
    ///   built by Charter does.
    public func rendered(as format: OutputFormat, colors: Bool = false) throws(JSONEncodingError) -> String {
        switch format {
        case .text: TextDiagnosticRenderer(colors: colors).render(self)
        case .json: try JSONDiagnosticRenderer().render(self)
        case .sarif: try SARIFRenderer().render(self)
        case .junit: JUnitRenderer().render(self)
        case .github: GitHubAnnotationRenderer().render(self)
        }
    }
}
