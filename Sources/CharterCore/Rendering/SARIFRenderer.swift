/// SARIF 2.1.0 (OASIS, errata 01), the format code-scanning services ingest.
///
/// One run; `tool.driver.rules` lists each code used, sorted; each result points at its rule by
/// id and index, at its artifact by index, and carries related locations and fixes. Columns are
/// Unicode code points (`columnKind`), as libyaml counts them.
public struct SARIFRenderer: Sendable {
    /// Creates a renderer.
    public init() {}

    /// The SARIF log as pretty, sorted JSON ending in a newline.
    public func render(_ report: DiagnosticReport) throws(JSONEncodingError) -> String {
        try value(report).pretty()
    }

    /// The SARIF log as a JSON value.
    public func value(_ report: DiagnosticReport) -> JSONValue {
        let rules = report.codes
        let ruleIndex = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($1.id, $0) })
        var artifacts = report.files
        for diagnostic in report.diagnostics {
            for file in [diagnostic.location?.file].compactMap({ $0 }) + diagnostic.related.map(\.location.file)
            where !artifacts.contains(file) {
                artifacts.append(file)
            }
        }
        let artifactIndex = Dictionary(artifacts.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })

        func physical(_ location: SourceLocation) -> JSONValue {
            var artifact: [String: JSONValue] = ["uri": .string(Self.uri(location.file))]
            if let index = artifactIndex[location.file] { artifact["index"] = .integer(index) }
            return [
                "artifactLocation": .object(artifact),
                "region": ["startLine": .integer(location.line), "startColumn": .integer(location.column)],
            ]
        }

        let results: [JSONValue] = report.diagnostics.map { diagnostic in
            var result: [String: JSONValue] = [
                "ruleId": .string(diagnostic.code.id),
                "ruleIndex": .integer(ruleIndex[diagnostic.code.id] ?? 0),
                "level": .string(Self.level(diagnostic.severity)),
                "message": ["text": .string(Self.messageText(diagnostic))],
            ]
            if let location = diagnostic.location {
                result["locations"] = [["physicalLocation": physical(location)]]
            }
            if !diagnostic.related.isEmpty {
                result["relatedLocations"] = .array(
                    diagnostic.related.enumerated().map { index, related in
                        [
                            "id": .integer(index + 1),
                            "physicalLocation": physical(related.location),
                            "message": ["text": .string(related.message)],
                        ]
                    })
            }
            if let fix = diagnostic.fix {
                result["fixes"] = [
                    [
                        "description": ["text": .string(fix.summary)],
                        "artifactChanges": [
                            [
                                "artifactLocation": ["uri": .string(Self.uri(fix.location.file))],
                                "replacements": [
                                    [
                                        "deletedRegion": [
                                            "startLine": .integer(fix.location.line),
                                            "startColumn": .integer(fix.location.column),
                                            "endLine": .integer(fix.location.line),
                                            "endColumn": .integer(fix.location.column + fix.length),
                                        ],
                                        "insertedContent": ["text": .string(fix.replacement)],
                                    ]
                                ],
                            ]
                        ],
                    ]
                ]
            }
            return .object(result)
        }

        let driver: JSONValue = [
            "name": .string(report.tool.name),
            "version": .string(report.tool.version),
            "semanticVersion": .string(report.tool.version),
            "informationUri": .string(report.tool.informationURI),
            "rules": .array(
                rules.map { code in
                    [
                        "id": .string(code.id),
                        "name": .string(code.name),
                        "shortDescription": ["text": .string(code.summary)],
                    ]
                }),
        ]
        let run: JSONValue = [
            "tool": ["driver": driver],
            "columnKind": "unicodeCodePoints",
            "artifacts": .array(artifacts.map { ["location": ["uri": .string(Self.uri($0))]] }),
            "results": .array(results),
        ]
        return [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [run],
        ]
    }

    static func level(_ severity: Diagnostic.Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .note: "note"
        }
    }

    /// The message with notes and help appended, since SARIF viewers show only the text.
    static func messageText(_ diagnostic: Diagnostic) -> String {
        var text = diagnostic.message
        for note in diagnostic.notes { text += "\nnote: " + note }
        if let help = diagnostic.help { text += "\nhelp: " + help }
        return text
    }

    /// A relative or absolute path as a URI reference (RFC 3986): unreserved characters and `/`
    /// stay, everything else is percent-encoded byte by byte.
    static func uri(_ path: String) -> String {
        var text = path.hasPrefix("/") ? "file://" : ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: "/"):
                text.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                text += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return text
    }
}
