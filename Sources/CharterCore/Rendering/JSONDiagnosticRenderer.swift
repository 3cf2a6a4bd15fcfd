/// Charter's own JSON form of a report: `{"diagnostics": [...], "files": [...], "summary": {...},
/// "tool": {...}}`, pretty-printed with sorted keys so that the same findings give the same bytes.
public struct JSONDiagnosticRenderer: Sendable {
    /// Creates a renderer.
    public init() {}

    /// The report as pretty, sorted JSON ending in a newline.
    public func render(_ report: DiagnosticReport) throws(JSONEncodingError) -> String {
        try value(report).pretty()
    }

    /// The report as a JSON value, for embedding in larger documents.
    public func value(_ report: DiagnosticReport) -> JSONValue {
        .object([
            "tool": ["name": .string(report.tool.name), "version": .string(report.tool.version)],
            "command": .string(report.command),
            "files": .array(report.files.map { .string($0) }),
            "summary": [
                "files": .integer(report.files.count),
                "errors": .integer(report.count(.error)),
                "warnings": .integer(report.count(.warning)),
                "notes": .integer(report.count(.note)),
            ],
            "diagnostics": .array(report.diagnostics.map(Self.value)),
        ])
    }

    /// One diagnostic as a JSON object; absent optional parts are omitted.
    public static func value(_ diagnostic: Diagnostic) -> JSONValue {
        var object: [String: JSONValue] = [
            "severity": .string(diagnostic.severity.rawValue),
            "code": .string(diagnostic.code.id),
            "name": .string(diagnostic.code.name),
            "message": .string(diagnostic.message),
        ]
        if let location = diagnostic.location { object["location"] = value(location) }
        if !diagnostic.related.isEmpty {
            object["related"] = .array(
                diagnostic.related.map { ["location": value($0.location), "message": .string($0.message)] })
        }
        if !diagnostic.notes.isEmpty { object["notes"] = .array(diagnostic.notes.map { .string($0) }) }
        if let help = diagnostic.help { object["help"] = .string(help) }
        if let fix = diagnostic.fix {
            object["fix"] = [
                "summary": .string(fix.summary), "location": value(fix.location),
                "length": .integer(fix.length), "replacement": .string(fix.replacement),
            ]
        }
        return .object(object)
    }

    /// A location as `{"file", "line", "column", "offset"}`.
    public static func value(_ location: SourceLocation) -> JSONValue {
        [
            "file": .string(location.file), "line": .integer(location.line),
            "column": .integer(location.column), "offset": .integer(location.offset),
        ]
    }
}
