import CharterCore
import CharterRegistry
import CharterWorkflow
import Foundation

/// The dashboard at `GET /` as one HTML document: no script, no external asset, one inline style
/// sheet, every shown value escaped (CharterCore's `htmlEscaped`, as report.html is). Each section links to the JSON it summarises.
///
/// The page is a pure function of what it is given, so tests render it without a server.
struct DashboardPage: Sendable {
    /// The parts of the page, each readable by the roles of one JSON route.
    enum Section: String, Sendable, CaseIterable {
        case budgets, approvals, runs, certificates, audit

        /// The heading.
        var title: String {
            switch self {
            case .budgets: "Privacy budgets"
            case .approvals: "Pending approvals"
            case .runs: "Runs in progress"
            case .certificates: "Certificates expiring or revoked"
            case .audit: "Audit chain"
            }
        }
    }

    /// The instant the page describes.
    var asOf: Timestamp
    /// The registry's overview, or `nil` when it cannot be read (``registryProblem`` says why).
    var overview: GovernanceOverview?
    /// Why the registry could not be read.
    var registryProblem: String?
    /// The runs queued or running, oldest first, as the caller may see them.
    var runs: [RunRecord]
    /// Sections the caller may not read, with the sentence saying so.
    var refused: [Section: String] = [:]
    /// Whether the server changes nothing (started without tokens).
    var readOnly: Bool

    /// The `Content-Security-Policy` the page is served with: nothing may load, no script runs,
    /// only inline styles apply (the bars' widths are numbers the page computes, never input).
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; script-src 'none'; base-uri 'none'; "
        + "form-action 'none'; frame-ancestors 'none'"

    /// The whole document.
    func render() -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Charter governance</title>
            <style>\(Self.style)</style>
            </head>
            <body>
            <header>
            <h1>Charter governance</h1>
            <p class="meta">As of <time>\(e(asOf.description))</time>. \(readOnly ? "This server is read-only (no tokens): it changes nothing." : "Changes need a bearer token.") Every section links to the JSON it shows; the API is described at <a href="/openapi.json">/openapi.json</a>.</p>
            </header>
            <main>

            """
        if let registryProblem {
            html += "<p class=\"problem\" id=\"registry\">\(e(registryProblem))</p>\n"
        }
        for section in Section.allCases {
            html += "<section id=\"\(section.rawValue)\">\n<h2>\(section.title)</h2>\n"
            if let refusal = refused[section] {
                html += "<p class=\"refused\">\(e(refusal))</p>\n</section>\n"
                continue
            }
            html += body(of: section)
            html += "</section>\n"
        }
        html += "</main>\n</body>\n</html>\n"
        return html
    }

    /// A section's content; runs come from the server's board, so they show even when the
    /// registry cannot be read.
    private func body(of section: Section) -> String {
        switch (section, overview) {
        case (.runs, _): runsSection()
        case (_, nil): "<p class=\"empty\">Nothing to show: the registry cannot be read.</p>\n"
        case (.budgets, let overview?): budgetsSection(overview)
        case (.approvals, let overview?): approvalsSection(overview)
        case (.certificates, let overview?): certificatesSection(overview)
        case (.audit, let overview?): auditSection(overview)
        }
    }

    // MARK: Sections

    private func budgetsSection(_ overview: GovernanceOverview) -> String {
        var html = api("/v1/budgets")
        guard !overview.budgets.isEmpty else { return html + empty("No source has a budget yet.") }
        html += table(["Source", "Spent ε", "Reserved ε", "Left ε", "Cap ε", "Use", "δ spent / cap"])
        for budget in overview.budgets {
            let spent = budget.committed.epsilon
            let reserved = budget.reservedEpsilon
            let link = "/v1/budgets/" + HTMLText.pathSegment(budget.source)
            html += "<tr\(budget.isExhausted ? " class=\"exhausted\"" : "")>"
            html += "<th scope=\"row\"><a href=\"\(e(link))\">\(e(budget.source))</a></th>"
            html += "<td>\(e(spent.map(\.description) ?? "unbounded"))</td>"
            html += "<td>\(e(reserved.map(\.description) ?? "unbounded"))</td>"
            html +=
                "<td>\(e(budget.remainingEpsilon.description))\(budget.isExhausted ? " <strong>used up</strong>" : "")</td>"
            html += "<td>\(e(budget.cap.epsilon.description))</td>"
            html += "<td>\(bar(spent: spent, reserved: reserved, cap: budget.cap.epsilon))</td>"
            html += "<td>\(e(budget.committed.delta.description)) / \(e(budget.cap.delta.description))</td></tr>\n"
        }
        return html + "</tbody>\n</table>\n"
    }

    private func approvalsSection(_ overview: GovernanceOverview) -> String {
        var html = api(
            "/v1/audit", note: "derived from the audit chain's refused runs (request.refuse) and accepted approvals")
        guard !overview.pendingApprovals.isEmpty else { return html + empty("No request is waiting for approvals.") }
        html += table(["Request", "Awaiting", "Plan", "Run asked by", "At"])
        for pending in overview.pendingApprovals {
            let awaiting = pending.awaiting.map { awaited in
                let need = awaited.need
                let roles = need.roles.isEmpty ? "an override" : need.roles.joined(separator: " or ")
                let kind = need.isOverride ? "override of " : ""
                return "\(need.count - awaited.received) of \(roles) (\(kind)\(need.source))"
            }
            html += "<tr><th scope=\"row\">\(e(pending.request))</th>"
            html += "<td><ul>" + awaiting.map { "<li>\(e($0))</li>" }.joined() + "</ul></td>"
            html += "<td><code>\(e(String(pending.plan.prefix(19))))…</code></td>"
            html += "<td>\(e(pending.actor))</td><td class=\"at\">\(e(pending.at))</td></tr>\n"
        }
        return html + "</tbody>\n</table>\n"
    }

    private func runsSection() -> String {
        var html = api("/v1/runs/{id}", link: false)
        guard !runs.isEmpty else { return html + empty("No run is queued or running.") }
        html += table(["Run", "Status", "Stage", "Request", "Source", "Started by"])
        for run in runs {
            let link = "/v1/runs/" + HTMLText.pathSegment(run.id)
            html += "<tr><th scope=\"row\"><a href=\"\(e(link))\">\(e(run.id))</a></th>"
            html += "<td>\(e(run.status))</td><td>\(e(run.stage ?? "–"))</td><td>\(e(run.requestID))</td>"
            html += "<td>\(e(run.source))</td><td>\(e(run.actor))</td></tr>\n"
        }
        return html + "</tbody>\n</table>\n"
    }

    private func certificatesSection(_ overview: GovernanceOverview) -> String {
        var html = api("/v1/certificates")
        let days = GovernanceOverview.expiryWindow.components.seconds / 86_400
        html += "<h3>Expiring within \(days) days</h3>\n"
        if overview.expiring.isEmpty {
            html += empty("No certificate expires within \(days) days.")
        } else {
            html += table(["Certificate", "Source", "Expires", "Status"])
            for certificate in overview.expiring {
                let status = certificate.status(at: overview.asOf)
                html += "<tr\(status == "expired" ? " class=\"expired\"" : "")>\(certificateCell(certificate))"
                html += "<td>\(e(certificate.source))</td><td class=\"at\">\(e(certificate.expiresAt.description))</td>"
                html += "<td>\(e(status))</td></tr>\n"
            }
            html += "</tbody>\n</table>\n"
        }
        html += "<h3>Revoked</h3>\n"
        guard !overview.revoked.isEmpty else { return html + empty("No certificate is revoked.") }
        html += table(["Certificate", "Source", "Revoked", "By", "Reason"])
        for certificate in overview.revoked {
            html += "<tr class=\"revoked\">\(certificateCell(certificate))<td>\(e(certificate.source))</td>"
            html += "<td class=\"at\">\(e(certificate.revocation?.at.description ?? ""))</td>"
            html +=
                "<td>\(e(certificate.revocation?.actor ?? ""))</td><td>\(e(certificate.revocation?.reason ?? ""))</td></tr>\n"
        }
        return html + "</tbody>\n</table>\n"
    }

    private func certificateCell(_ certificate: CertificateRecord) -> String {
        let link = "/v1/certificates/" + HTMLText.pathSegment(certificate.id)
        return "<th scope=\"row\"><a href=\"\(e(link))\">\(e(certificate.id))</a></th>"
    }

    private func auditSection(_ overview: GovernanceOverview) -> String {
        var html = api("/v1/audit", note: "full verification: POST /v1/audit:verify")
        let verification = overview.verification
        let reused =
            overview.unverifiedRecords > 0
            ? " (verified up to record \(verification.headSeq); \(overview.unverifiedRecords) later "
                + (overview.unverifiedRecords == 1 ? "record waits" : "records wait") + " for the next verification)"
            : overview.verificationReused ? " (result reused: the chain has not changed since it was verified)" : ""
        if verification.isIntact {
            html += "<p class=\"verified\"><strong>The chain verifies</strong>: \(verification.recordCount) records, "
            html +=
                "head \(verification.headSeq) <code>\(e(String(verification.headHash.prefix(19))))…</code>\(e(reused)).</p>\n"
        } else {
            html += "<p class=\"problem\"><strong>The chain does not verify</strong>: "
            html +=
                "\(verification.findings.count) finding\(verification.findings.count == 1 ? "" : "s")\(e(reused)).</p>\n<ul class=\"findings\">\n"
            for finding in verification.findings.prefix(5) {
                html +=
                    "<li>\(e(finding.kind.rawValue))\(finding.seq.map { " at record \($0)" } ?? ""): \(e(finding.message))</li>\n"
            }
            html += "</ul>\n"
        }
        guard !overview.latestAudit.isEmpty else { return html + empty("The chain has no records yet.") }
        html += "<h3>Latest \(overview.latestAudit.count) records</h3>\n"
        html += table(["Seq", "At", "Actor", "Action", "Subject"])
        for record in overview.latestAudit {
            html += "<tr><td>\(record.seq)</td><td class=\"at\">\(e(record.at))</td><td>\(e(record.actor))</td>"
            html += "<td><code>\(e(record.action))</code></td><td class=\"long\">\(e(record.subject))</td></tr>\n"
        }
        return html + "</tbody>\n</table>\n"
    }

    // MARK: Pieces

    private func e(_ text: String) -> String { text.htmlEscaped }

    /// A table's opening, up to its body, with one column heading per name.
    private func table(_ headings: [String]) -> String {
        "<table>\n<thead><tr>" + headings.map { "<th scope=\"col\">\(e($0))</th>" }.joined()
            + "</tr></thead>\n<tbody>\n"
    }

    private func empty(_ sentence: String) -> String { "<p class=\"empty\">\(e(sentence))</p>\n" }

    /// The line naming the JSON route a section shows.
    private func api(_ path: String, link: Bool = true, note: String? = nil) -> String {
        let target = link ? "<a href=\"\(e(path))\">\(e(path))</a>" : "<code>\(e(path))</code>"
        return "<p class=\"api\">JSON: \(target)\(note.map { "; \(e($0))" } ?? "")</p>\n"
    }

    /// A bar of the cap: spent, then reserved, then what is left; widths in per mille of the cap.
    private func bar(spent: Decimal?, reserved: Decimal?, cap: Decimal) -> String {
        func permille(_ value: Decimal?) -> Int {
            guard let value else { return 1000 }
            guard cap > 0 else { return value > 0 ? 1000 : 0 }
            let share = NSDecimalNumber(decimal: value / cap).doubleValue
            return share.isFinite ? min(1000, max(0, Int((share * 1000).rounded()))) : 1000
        }
        let used = permille(spent)
        let held = min(1000 - used, permille(reserved))
        func width(_ value: Int) -> String { "\(value / 10).\(value % 10)%" }
        let label = "spent \(width(used)), reserved \(width(held)) of the cap"
        return "<div class=\"bar\" role=\"img\" aria-label=\"\(e(label))\" title=\"\(e(label))\">"
            + "<span class=\"spent\" style=\"width: \(width(used))\"></span>"
            + "<span class=\"reserved\" style=\"width: \(width(held))\"></span></div>"
    }

    /// The page's only style sheet.
    static let style = """
        body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2433;background:#f5f6f8}\
        header{background:#1d2433;color:#fff;padding:1rem 2rem}header h1{margin:0 0 .25rem;font-size:1.5rem}\
        header a{color:#9cc3ff}.meta{margin:0;font-size:.9rem}\
        main{padding:1rem 2rem;display:grid;grid-template-columns:minmax(0,1fr);gap:1rem}\
        section{background:#fff;border:1px solid #d8dce3;border-radius:6px;padding:.75rem 1rem}\
        h2{margin:.25rem 0;font-size:1.15rem}h3{font-size:1rem;margin:.75rem 0 .25rem}\
        table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #eceef2;vertical-align:top}th[scope=row],.long{overflow-wrap:anywhere}\
        thead th{font-size:.8rem;color:#5b6475}.at{white-space:nowrap}td ul{margin:0;padding-left:1rem}\
        .api{margin:.1rem 0 .5rem;font-size:.85rem;color:#5b6475}\
        .bar{display:flex;width:12rem;height:.9rem;background:#d9f2e0;border:1px solid #9bc8a8;border-radius:3px;overflow:hidden}\
        .bar .spent{background:#c0392b}.bar .reserved{background:#e6a23c}\
        .exhausted th,.expired th{color:#a61b1b}.revoked td,.revoked th{color:#6b6f78}\
        .verified{color:#17663a}.problem{color:#a61b1b;font-weight:600}.refused,.empty{color:#5b6475;font-style:italic}\
        code{font-size:.85em}
        """
}
