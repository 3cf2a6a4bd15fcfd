public import CharterCore

extension DiagnosticCode {
    /// A request text field holds a control character (C0, DEL, C1; so any ANSI escape sequence).
    public static let requestControlCharacter = DiagnosticCode(
        "CH245", name: "request-control-character",
        summary: "a request field holds a control character or terminal escape sequence")
    /// `output.path` is absolute, climbs with `..`, or is otherwise not a plain relative path.
    public static let requestUnsafeOutputPath = DiagnosticCode(
        "CH246", name: "unsafe-output-path",
        summary: "output.path must be a plain relative path under the output folder")
}

/// Checks over a loaded request's text that no single field's reader can make: no control
/// characters in any text a person will later read on a terminal or in a spreadsheet, and an
/// `output.path` that stays under the output folder. Both are errors, so a request that fails
/// them is refused by `lint`, `check` and `plan` before any budget is reserved.
package enum RequestFieldChecks {
    /// Reports every finding in `request` through `report`.
    static func check(_ request: GenerationRequest, report: (Diagnostic) -> Void) {
        for (field, value) in textFields(request) {
            guard let found = TerminalText.firstControlCharacter(in: value.value) else { continue }
            let hex = String(found.scalar.value, radix: 16, uppercase: true)
            let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            report(
                .error(
                    .requestControlCharacter,
                    "\(TerminalText.escaped(field)) holds the control character \(code) at character \(found.offset + 1)",
                    at: value.location,
                    help: "remove it: request text is printed on terminals and in reports, and a control character "
                        + "(an ANSI escape sequence starts with one) could drive them"))
        }
        if let path = request.output.path, let problem = outputPathProblem(path.value) {
            report(
                .error(
                    .requestUnsafeOutputPath, "output.path \"\(TerminalText.escaped(path.value))\" \(problem)",
                    at: path.location,
                    help: "write a path relative to the output folder (out/, or the folder given with --out), "
                        + "such as \"gbsg2/synthetic.csv\""))
        }
    }

    /// Why `path` cannot name a file under the output folder, or `nil` when it can: it must be
    /// relative, name a file (not end with `/`), and have no empty, `.`, `..` or `~` component.
    /// Symbolic links are checked when the run publishes (the engine resolves them).
    package static func outputPathProblem(_ path: String) -> String? {
        if path.isEmpty { return "is empty" }
        if path.hasPrefix("/") { return "is absolute; outputs are written only under the output folder" }
        if path.hasPrefix("~") { return "starts with ~; outputs are written only under the output folder" }
        if path.hasSuffix("/") { return "names a folder; it must name the synthetic CSV file" }
        if path.contains("\\") { return "holds a backslash; separate folders with /" }
        for component in path.split(separator: "/", omittingEmptySubsequences: false) {
            switch component {
            case "": return "has an empty component (//)"
            case ".": return "has a '.' component"
            case "..": return "has a '..' component, which could leave the output folder"
            default: if component.utf8.count > 255 { return "has a component longer than 255 bytes" }
            }
        }
        return nil
    }

    /// Every text field of a request, named as the request writes it.
    static func textFields(_ r: GenerationRequest) -> [(String, Located<String>)] {
        var fields: [(String, Located<String>)] = [
            ("id", r.id), ("requester", r.requester), ("purpose", r.purpose), ("audience", r.audience),
        ]
        func add(_ name: String, _ value: Located<String>?) {
            if let value { fields.append((name, value)) }
        }
        func add(_ name: String, _ list: Located<[Located<String>]>?) {
            for item in list?.value ?? [] { fields.append((name, item)) }
        }
        add("ticket", r.ticket)
        add("consumers", r.consumers)
        add("jurisdiction", r.jurisdiction)
        let source = r.source
        fields += [("source.dataset", source.dataset), ("source.path", source.path)]
        add("source.classification", source.classification)
        add("source.jurisdiction", source.jurisdiction)
        add("source.privacy_unit", source.privacyUnit)
        add("source.quasi_identifiers", source.quasiIdentifiers)
        add("source.sensitive", source.sensitive)
        add("source.protected", source.protected)
        add("source.target", source.target)
        add("source.exclude", source.exclude)
        for column in source.columns {
            fields.append(("source.columns", column.name))
            for category in column.categories ?? [] {
                fields.append(("categories of '\(column.name.value)'", category))
            }
        }
        for argument in r.generator.command ?? [] { fields.append(("generator.command", argument)) }
        add("output.path", r.output.path)
        for approval in r.approvals {
            fields += [("an approval's role", approval.role), ("an approval's by", approval.by)]
            add("an approval's override", approval.override)
        }
        return fields
    }
}
