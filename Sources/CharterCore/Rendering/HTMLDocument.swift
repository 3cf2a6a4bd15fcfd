/// The frame of Charter's self-contained HTML documents (the run report, the data card, compliance
/// reports): one inline style sheet that also lays the page out for A4 printing, a Content Security
/// Policy that forbids scripts and every external resource, and table helpers that escape every
/// cell they are given as text.
///
/// Text goes in through ``String/htmlEscaped`` only; markup a caller builds itself is passed as
/// ``Cell/html(_:)`` and must escape its own text.
package enum HTMLDocument {
    /// A table cell: text (escaped here) or markup (escaped by whoever built it).
    package enum Cell: Sendable, Equatable {
        case text(String)
        case html(String)
        /// Text in a right-aligned, tabular-figure cell.
        case number(String)

        var rendered: String {
            switch self {
            case .text(let text): "<td>\(text.htmlEscaped)</td>"
            case .html(let markup): "<td>\(markup)</td>"
            case .number(let text): "<td class=\"num\">\(text.htmlEscaped)</td>"
            }
        }
    }

    /// Forbids scripts, frames, fonts, images from anywhere but the page itself: a page whose
    /// escaping failed still runs nothing and fetches nothing.
    package static let contentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

    /// The shared style: system fonts, bordered tables that never clip (they wrap), and print rules
    /// for A4 (margins, no page break inside a row or a figure, each `section.page` on a new page).
    package static let baseStyle = """
        @page { size: A4; margin: 14mm 12mm 16mm 12mm; }
        * { box-sizing: border-box; }
        body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; font-size: 14px; line-height: 1.4; \
        margin: 24px auto; max-width: 1180px; padding: 0 16px; color: #1f2328; }
        h1 { font-size: 24px; margin: 0 0 4px; }
        h2 { font-size: 19px; margin: 28px 0 8px; border-bottom: 2px solid #d0d7de; padding-bottom: 4px; }
        h3 { font-size: 15px; margin: 18px 0 6px; }
        p { margin: 6px 0; }
        table { border-collapse: collapse; font-size: 13px; margin: 6px 0 10px; max-width: 100%; }
        th, td { border: 1px solid #d0d7de; padding: 3px 7px; text-align: left; vertical-align: top; \
        overflow-wrap: break-word; }
        table.facts > tbody > tr > th { width: 13em; }
        th { background: #f6f8fa; font-weight: 600; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        table.wide { width: 100%; }
        code, .digest { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12px; \
        overflow-wrap: anywhere; }
        .muted { color: #57606a; }
        .note { color: #57606a; font-size: 12px; }
        figure { margin: 0; }
        @media print {
          body { margin: 0; max-width: none; padding: 0; font-size: 10.5pt; }
          section.page { break-before: page; }
          h2, h3 { break-after: avoid; }
          tr, figure, .keep { break-inside: avoid; }
          thead { display: table-header-group; }
          a { color: inherit; text-decoration: none; }
        }
        """

    /// A complete page: doctype, language, charset, the policy, the title (escaped), the base style
    /// followed by `style`, and `body` (markup).
    package static func page(title: String, style: String = "", body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="\(contentSecurityPolicy)">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title.htmlEscaped)</title>
        <style>
        \(baseStyle)
        \(style)
        </style>
        </head>
        <body>
        \(body)
        </body>
        </html>

        """
    }

    /// A table with a header row (escaped text; a header ending in `#` is right-aligned, without the
    /// `#`) and rows of cells.
    package static func table(_ header: [String], _ rows: [[Cell]], class className: String? = nil) -> String {
        var html = className.map { "<table class=\"\($0.htmlEscaped)\">" } ?? "<table>"
        html += "<thead><tr>"
        for title in header {
            if title.hasSuffix("#") {
                html += "<th class=\"num\">\(String(title.dropLast()).htmlEscaped)</th>"
            } else {
                html += "<th>\(title.htmlEscaped)</th>"
            }
        }
        html += "</tr></thead>\n<tbody>\n"
        for row in rows { html += "<tr>" + row.map(\.rendered).joined() + "</tr>\n" }
        return html + "</tbody></table>\n"
    }

    /// A two-column table of label → value, both escaped text.
    package static func facts(_ items: [(label: String, value: String)], class className: String? = nil) -> String {
        var html = "<table class=\"facts\(className.map { " " + $0.htmlEscaped } ?? "")\">"
        html += "<tbody>\n"
        for item in items { html += "<tr><th>\(item.label.htmlEscaped)</th><td>\(item.value.htmlEscaped)</td></tr>\n" }
        return html + "</tbody></table>\n"
    }
}
