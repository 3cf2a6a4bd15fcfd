internal import CharterCore

extension ReportHTMLRenderer {
    /// Where the data came from, what made it with which settings and seeds, the digests that pin every
    /// input, who approved, and who may use the release for what.
    func lineageSection(_ report: RunReport) -> String {
        let lineage = report.lineage
        let context = report.context
        var html = "<div class=\"grid\">\n<div>\n<h3>Source</h3>\n"
        var source: [(label: String, value: String)] = [
            ("dataset", "\(lineage.dataset) (\(lineage.classification))"),
            ("file", lineage.sourcePath), ("sha256", lineage.sourceDigest), ("rows", String(lineage.sourceRows)),
        ]
        if !lineage.excludedColumns.isEmpty {
            source.append(("excluded columns", lineage.excludedColumns.joined(separator: ", ")))
        }
        source.append(("quasi-identifiers", Self.list(lineage.quasiIdentifiers)))
        source.append(("sensitive", Self.list(lineage.sensitive)))
        source.append(("protected", Self.list(lineage.protected)))
        source.append(("target", lineage.target ?? "none"))
        html += HTMLDocument.facts(source, class: "wide")
        html += "<h3>Split</h3>\n"
        html += HTMLDocument.facts(
            [
                (
                    "held out",
                    "fraction \(lineage.holdoutFraction): \(lineage.holdoutRows) rows, never seen by the generator"
                ),
                ("training", "\(lineage.trainRows) rows"), ("split seed", lineage.splitSeed),
            ], class: "wide")
        html += "</div>\n<div>\n<h3>Generator</h3>\n"
        var generator: [(label: String, value: String)] = [
            ("generator", "\(lineage.generator) \(lineage.generatorVersion)"),
            ("model seed", lineage.generatorSeed),
            ("output", "\(lineage.syntheticRows) rows: \(lineage.syntheticColumns.joined(separator: ", "))"),
        ]
        if let file = lineage.syntheticFile { generator.append(("published file", file)) }
        if let digest = lineage.syntheticDigest { generator.append(("its sha256", digest)) }
        html += HTMLDocument.facts(generator, class: "wide")
        html += "</div>\n</div>\n"
        html += "<h3>Generator parameters</h3>\n" + parameters(lineage.parameters)
        html += "<h3>Inputs pinned by digest</h3>\n"
        html += HTMLDocument.facts(
            [
                ("plan", report.planDigest), ("policy set", context.policyDigest),
                ("request (without approvals)", context.requestDigest), ("source file", lineage.sourceDigest),
                ("source's ledger state", context.ledgerDigest),
            ], class: "wide digests")
        html += "<h3>Approvals</h3>\n"
        if context.approvals.isEmpty {
            html += "<p>None were needed or attached.</p>\n"
        } else {
            html += HTMLDocument.table(
                ["role", "by", "on", "signed", "counted"],
                context.approvals.map { approval in
                    [
                        .text(approval.role), .text(approval.by), .text(approval.at),
                        .text(approval.signed ? "yes (SSH signature over the plan digest)" : "no"),
                        approval.counted
                            ? .html("<span class=\"pass\">yes</span>")
                            : .html("<span class=\"fail\">no</span>: \(approval.reason?.htmlEscaped ?? "")"),
                    ]
                })
        }
        html += "<h3>Usage</h3>\n"
        html += HTMLDocument.facts(
            [
                ("audience", context.audience), ("purpose", context.purpose),
                ("consumers", context.consumers.isEmpty ? "none named" : context.consumers.joined(separator: ", ")),
                ("issued", context.issuedAt ?? "not issued"), ("expires", context.expiresAt ?? "not set"),
                ("requested by", context.requester), ("ticket", context.ticket ?? "none"),
            ], class: "wide")
        html += "<p class=\"note\">Any other audience, purpose or consumer, use after expiry or revocation, and any "
        html += "attempt to re-identify people are out of scope. This report holds aggregate statistics of the "
        html += "real source (distributions, correlations): share it as the source's classification allows.</p>\n"
        return section("lineage", "Lineage and usage", newPage: true, html)
    }

    static func list(_ items: [String]) -> String { items.isEmpty ? "none declared" : items.joined(separator: ", ") }

    /// The generator's parameters as a table of dotted names and values, sorted by name.
    func parameters(_ value: JSONValue) -> String {
        var rows: [(name: String, value: String)] = []
        Self.flatten(value, prefix: "", into: &rows, depth: 0)
        guard !rows.isEmpty else { return "<p class=\"muted\">The generator reported none.</p>\n" }
        return HTMLDocument.table(
            ["parameter", "value"],
            rows.sorted { $0.name < $1.name }.map { [.html("<code>\($0.name.htmlEscaped)</code>"), .text($0.value)] },
            class: "wide")
    }

    /// Objects become dotted names; arrays of scalars a list; deeper structure its JSON.
    static func flatten(
        _ value: JSONValue, prefix: String, into rows: inout [(name: String, value: String)], depth: Int
    ) {
        switch value {
        case .object(let members) where depth < 4:
            for (key, member) in members {
                flatten(member, prefix: prefix.isEmpty ? key : "\(prefix).\(key)", into: &rows, depth: depth + 1)
            }
        case .array(let items) where items.allSatisfy(\.isScalar):
            rows.append((prefix, items.map(scalarText).joined(separator: ", ")))
        default:
            rows.append((prefix, value.isScalar ? scalarText(value) : ((try? value.canonical()) ?? "")))
        }
    }

    static func scalarText(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let flag): flag ? "true" : "false"
        case .integer(let number): String(number)
        case .number(let number): GateCheck.format(number)
        case .decimal(let text): text
        case .string(let text): text
        case .array, .object: (try? value.canonical()) ?? ""
        }
    }
}

extension JSONValue {
    fileprivate var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }
}
