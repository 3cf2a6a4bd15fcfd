import CharterCore
import CharterData

/// Renders a ``DatasetProfile`` as one self-contained HTML page: inline CSS and SVG, no scripts,
/// no external resources. Every text from the data (headers, categories, evidence) is escaped.
public struct ProfileHTMLRenderer: Sendable {
    /// Creates a renderer.
    public init() {}

    /// The page for `profile` of the file called `file`.
    public func render(_ profile: DatasetProfile, file: String) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>Charter profile \(escape(file))</title>
            <style>
            body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 24px; color: #1f2328; }
            h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #d0d7de; }
            table { border-collapse: collapse; font-size: 13px; max-width: 100%; }
            th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
            th { background: #f6f8fa; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
            .identifier { background: #ffebe9; } .kind { color: #cf222e; font-weight: 600; }
            code { font-size: 12px; white-space: pre-wrap; word-break: break-all; }
            </style>
            </head>
            <body>
            <h1>Profile of <code>\(escape(file))</code></h1>
            <p>\(profile.rowCount) rows, \(profile.columns.count) columns, \(profile.directIdentifiers.count) flagged as direct identifiers.</p>
            <h2>Columns</h2>
            <table>
            <tr><th>column</th><th>type</th><th>missing</th><th>distinct</th><th>uniqueness</th><th>range or top categories</th><th>histogram</th><th>direct identifier</th></tr>

            """
        for column in profile.columns {
            let flagged = column.directIdentifier != nil
            html += flagged ? "<tr class=\"identifier\">" : "<tr>"
            html += "<td><code>\(escape(column.name))</code></td>"
            html += "<td>\(column.profile.type.rawValue) (\(column.semanticType.rawValue))</td>"
            html += "<td class=\"num\">\(ProfileNumber.percent(column.profile.missingShare))</td>"
            html += "<td class=\"num\">\(column.profile.distinctCount)</td>"
            html += "<td class=\"num\">\(ProfileNumber.percent(column.uniqueness))</td>"
            if column.valuesWithheld {
                html += "<td><em>withheld: a direct identifier</em></td><td></td>"
            } else {
                html += "<td>\(escape(Self.summary(column.profile)))</td>"
                html += "<td>\(histogram(column.profile))</td>"
            }
            if let identifier = column.directIdentifier {
                html +=
                    "<td><span class=\"kind\">\(identifier.kind.rawValue)</span>: \(escape(identifier.evidence))</td>"
            } else {
                html += "<td></td>"
            }
            html += "</tr>\n"
        }
        html += "</table>\n<h2>Quasi-identifier candidates</h2>\n"
        html +=
            "<p>Sets of columns whose combined values single out rows (rows alone in their class); direct identifiers left out.</p>\n"
        html +=
            "<table>\n<tr><th>columns</th><th>unique rows</th><th>share</th><th>smallest class</th><th>classes</th></tr>\n"
        for set in profile.quasiIdentifierCandidates {
            html += "<tr><td><code>\(escape(set.columns.joined(separator: ", ")))</code></td>"
            html +=
                "<td class=\"num\">\(set.uniqueRows)</td><td class=\"num\">\(ProfileNumber.percent(set.uniqueShare))</td>"
            html += "<td class=\"num\">\(set.smallestClass)</td><td class=\"num\">\(set.classes)</td></tr>\n"
        }
        html += "</table>\n</body>\n</html>\n"
        return html
    }

    /// `21 – 80` for numbers, the five most frequent categories for text.
    static func summary(_ profile: ColumnProfile) -> String {
        if let minimum = profile.minimum, let maximum = profile.maximum {
            return "\(ProfileNumber.format(minimum)) – \(ProfileNumber.format(maximum))"
        }
        let top = profile.histogram.prefix(5).map { "\(ProfileText.clipped($0.label ?? "", to: 40)) (\($0.count))" }
        let more = profile.histogram.count > 5 ? ", … \(profile.histogram.count - 5) more" : ""
        return top.joined(separator: ", ") + more
    }

    /// A bar per histogram bin (at most 20 bars), as inline SVG.
    func histogram(_ profile: ColumnProfile) -> String {
        let bins = Array(profile.histogram.prefix(20))
        guard let largest = bins.map(\.count).max(), largest > 0 else { return "" }
        let width = 8
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(bins.count * width)\" height=\"30\" role=\"img\">"
        for (index, bin) in bins.enumerated() {
            let height = max(1, Int((Double(bin.count) / Double(largest) * 28).rounded()))
            let label =
                bin.label.map { ProfileText.clipped($0, to: 40) }
                ?? "\(ProfileNumber.format(bin.lower ?? 0))–\(ProfileNumber.format(bin.upper ?? 0))"
            svg +=
                "<rect x=\"\(index * width)\" y=\"\(30 - height)\" width=\"\(width - 1)\" height=\"\(height)\" fill=\"#0969da\">"
            svg += "<title>\(escape(label)): \(bin.count)</title></rect>"
        }
        return svg + "</svg>"
    }

    func escape(_ text: String) -> String { text.htmlEscaped }
}
