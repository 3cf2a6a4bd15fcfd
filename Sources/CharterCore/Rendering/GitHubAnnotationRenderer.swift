/// GitHub Actions workflow commands (`::error file=…,line=…,col=…,title=…::message`), which
/// annotate the pull request's diff at each finding.
public struct GitHubAnnotationRenderer: Sendable {
    /// Creates a renderer.
    public init() {}

    /// One command per diagnostic, then a plain summary line.
    public func render(_ report: DiagnosticReport) -> String {
        var output = ""
        for diagnostic in report.diagnostics {
            let command =
                switch diagnostic.severity {
                case .error: "error"
                case .warning: "warning"
                case .note: "notice"
                }
            var properties: [String] = []
            if let location = diagnostic.location {
                properties.append("file=" + escapeProperty(location.file))
                properties.append("line=\(location.line)")
                properties.append("col=\(location.column)")
            }
            properties.append("title=" + escapeProperty("\(diagnostic.code.id) \(diagnostic.code.name)"))
            output += "::\(command) \(properties.joined(separator: ","))::\(escapeData(SARIFRenderer.messageText(diagnostic)))\n"
        }
        output += TextDiagnosticRenderer(colors: false).summary(report) + "\n"
        return output
    }

    func escapeData(_ text: String) -> String {
        escape(text, extra: [])
    }

    func escapeProperty(_ text: String) -> String {
        escape(text, extra: [":", ","])
    }

    /// Percent-encodes `%`, CR, LF and the extra scalars, scalar by scalar (so CRLF is caught too).
    private func escape(_ text: String, extra: Set<Unicode.Scalar>) -> String {
        var output = ""
        for scalar in text.unicodeScalars {
            if scalar == "%" || scalar == "\r" || scalar == "\n" || extra.contains(scalar) {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                output += "%" + (hex.count == 1 ? "0" : "") + hex
            } else {
                output.unicodeScalars.append(scalar)
            }
        }
        return output
    }
}
