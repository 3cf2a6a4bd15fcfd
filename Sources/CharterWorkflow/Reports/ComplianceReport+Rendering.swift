public import CharterCore

extension ComplianceReport {
    /// The report as Markdown: a summary, then one section per requirement.
    public var markdown: String {
        var out = [
            "# \(framework.title)", "",
            "Certificate `\(certificate)` for request `\(request)`, tier **\(tier)**, policy \(policy).",
            "Mapping `\(framework.framework)` version \(framework.version). Not legal advice: a requirement is",
            "**addressed** only where the policy sets the controls named and the certificate carries the evidence;",
            "everything else is **not covered** here and needs the organisation's own evidence.", "",
        ]
        if !policyMatches {
            out += ["> **Warning:** the policy read now is not the one the certificate was issued under (its digest differs): the controls shown may differ from those that applied.", ""]
        }
        out += ["| requirement | status |", "|---|---|"]
        for line in lines { out.append("| \(cell(line.requirement.id)) \(cell(line.requirement.title)) | \(line.status.rawValue) |") }
        for line in lines {
            out += ["", "## \(line.requirement.id): \(line.requirement.title)", "", "Status: **\(line.status.rawValue)**", "",
                line.requirement.text, ""]
            if !line.controls.isEmpty {
                out.append("Controls:")
                out += line.controls.map { "- `\($0.name)`: \($0.setting ?? "not set in this policy")" }
                out.append("")
            }
            if !line.evidence.isEmpty {
                out.append("Evidence in the certificate:")
                out += line.evidence.map { "- `\($0.path)`: \($0.value ?? "absent")" }
                out.append("")
            }
            out.append("Not shown by Charter: \(line.requirement.limits)")
        }
        out += ["", "## Sources", ""] + framework.sources.map { "- \($0)" }
        return out.joined(separator: "\n") + "\n"
    }

    /// The report as one self-contained HTML page (no scripts, everything escaped).
    public var html: String {
        func e(_ text: String) -> String { text.htmlEscaped }
        var rows = ""
        var sections = ""
        for line in lines {
            let status = line.status.rawValue
            rows += "<tr><td>\(e(line.requirement.id))</td><td>\(e(line.requirement.title))</td><td class=\"\(e(status.replacingOccurrences(of: " ", with: "-")))\">\(e(status))</td></tr>\n"
            sections += "<section><h2>\(e(line.requirement.id)): \(e(line.requirement.title))</h2>"
            sections += "<p><strong>\(e(status))</strong></p><p>\(e(line.requirement.text))</p>"
            if !line.controls.isEmpty {
                sections += "<p>Controls:</p><ul>" + line.controls.map {
                    "<li><code>\(e($0.name))</code>: \(e($0.setting ?? "not set in this policy"))</li>"
                }.joined() + "</ul>"
            }
            if !line.evidence.isEmpty {
                sections += "<p>Evidence in the certificate:</p><ul>" + line.evidence.map {
                    "<li><code>\(e($0.path))</code>: \(e($0.value ?? "absent"))</li>"
                }.joined() + "</ul>"
            }
            sections += "<p>Not shown by Charter: \(e(line.requirement.limits))</p></section>\n"
        }
        let warning = policyMatches ? "" : "<p class=\"warning\">The policy read now is not the one the certificate was issued under (its digest differs).</p>"
        let style = """
            .addressed { color: #0a6b2d; } .partly-addressed { color: #8a5a00; } .not-covered { color: #a11; }
            .warning { color: #a11; font-weight: bold; } section { break-inside: avoid; }
            """
        let body = """
            <h1>\(e(framework.title))</h1>
            <p>Certificate <code>\(e(certificate))</code> for request <code>\(e(request))</code>, tier <strong>\(e(tier))</strong>, policy \(e(policy)). Mapping <code>\(e(framework.framework))</code> version \(framework.version). Not legal advice: a requirement is addressed only where the policy sets the controls named and the certificate carries the evidence.</p>
            \(warning)
            <table><thead><tr><th>requirement</th><th></th><th>status</th></tr></thead><tbody>
            \(rows)</tbody></table>
            \(sections)<h2>Sources</h2><ul>\(framework.sources.map { "<li>\(e($0))</li>" }.joined())</ul>
            """
        return HTMLDocument.page(title: "\(framework.title): \(certificate)", style: style, body: body)
    }

    /// The report as data.
    public var json: JSONValue {
        [
            "framework": .string(framework.framework), "mapping_version": .integer(framework.version),
            "certificate": .string(certificate), "request": .string(request), "tier": .string(tier),
            "policy_matches_certificate": .bool(policyMatches),
            "requirements": .array(
                lines.map { line in
                    [
                        "id": .string(line.requirement.id), "title": .string(line.requirement.title),
                        "status": .string(line.status.rawValue), "limits": .string(line.requirement.limits),
                        "controls": .array(line.controls.map { ["name": .string($0.name), "setting": $0.setting.map(JSONValue.string) ?? .null] }),
                        "evidence": .array(line.evidence.map { ["path": .string($0.path), "value": $0.value.map(JSONValue.string) ?? .null] }),
                    ]
                }),
            "sources": .array(framework.sources.map(JSONValue.string)),
        ]
    }

    private func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
}
