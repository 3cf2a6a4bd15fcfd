/// JUnit XML as CI servers read it (the Jenkins xUnit schema): one `<testsuite>` per command,
/// one `<testcase>` per examined file, a `<failure>` per error, warnings and notes in
/// `<system-out>`. No times or timestamps, so the output is deterministic.
public struct JUnitRenderer: Sendable {
    /// Creates a renderer.
    public init() {}

    /// The XML document, ending in a newline.
    public func render(_ report: DiagnosticReport) -> String {
        var cases: [(name: String, diagnostics: [Diagnostic])] = report.files.map { ($0, report.diagnostics(in: $0)) }
        let unattached = report.unattachedDiagnostics
        if !unattached.isEmpty { cases.append(("(inputs)", unattached)) }
        let failures = cases.filter { $0.diagnostics.contains { $0.severity == .error } }.count
        let suite = "\(report.tool.name) \(report.command)"
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"\(escape(suite))\" tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"0\">\n"
        xml += "  <testsuite name=\"\(escape(suite))\" tests=\"\(cases.count)\" failures=\"\(failures)\""
        xml += " errors=\"0\" skipped=\"0\">\n"
        let text = TextDiagnosticRenderer(colors: false)
        for (name, diagnostics) in cases {
            let classname = "\(report.tool.name).\(report.command)"
            if diagnostics.isEmpty {
                xml += "    <testcase name=\"\(escape(name))\" classname=\"\(escape(classname))\"/>\n"
                continue
            }
            xml += "    <testcase name=\"\(escape(name))\" classname=\"\(escape(classname))\">\n"
            var other = ""
            for diagnostic in diagnostics {
                var body = ""
                text.render(diagnostic, sources: report.sources, into: &body)
                if diagnostic.severity == .error {
                    xml += "      <failure type=\"\(escape(diagnostic.code.id))\" message=\"\(escape(diagnostic.message))\">"
                    xml += escape(body) + "</failure>\n"
                } else {
                    other += body
                }
            }
            if !other.isEmpty { xml += "      <system-out>\(escape(other))</system-out>\n" }
            xml += "    </testcase>\n"
        }
        xml += "  </testsuite>\n</testsuites>\n"
        return xml
    }

    func escape(_ text: String) -> String { text.xmlEscaped }
}
