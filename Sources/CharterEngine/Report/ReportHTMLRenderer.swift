internal import CharterCore

/// Renders a ``RunReport`` as one self-contained HTML page: inline CSS and SVG, no scripts, no
/// external resources, so that it opens anywhere (a browser, an archive, a headless screenshot).
///
/// The page shows the outcome, the gate table, lineage and privacy, a bar chart per column of the
/// real and synthetic marginals, and the real and synthetic correlation matrices as heat maps.
public struct ReportHTMLRenderer: Sendable {
    public init() {}

    /// The page.
    public func render(_ report: RunReport) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>Charter report \(escape(report.requestID))</title>
            <style>
            body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 24px; color: #1f2328; }
            h1 { font-size: 22px; margin-bottom: 4px; }
            h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
            .banner { padding: 10px 14px; border-radius: 6px; font-weight: 600; margin: 12px 0; }
            .published { background: #dafbe1; border: 1px solid #4ac26b; }
            .gate-failed { background: #ffebe9; border: 1px solid #ff8182; }
            table { border-collapse: collapse; font-size: 13px; }
            th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; }
            th { background: #f6f8fa; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; }
            .pass { color: #1a7f37; font-weight: 600; }
            .fail { color: #cf222e; font-weight: 600; }
            .plots { display: flex; flex-wrap: wrap; gap: 12px; }
            .plot { border: 1px solid #d0d7de; border-radius: 6px; padding: 6px; }
            .legend span { display: inline-block; margin-right: 14px; font-size: 13px; }
            .swatch { display: inline-block; width: 12px; height: 12px; vertical-align: middle; margin-right: 4px; }
            code { font-size: 12px; white-space: pre-wrap; word-break: break-all; }
            table { max-width: 100%; }
            </style>
            </head>
            <body>
            <h1>Charter run report: \(escape(report.requestID))</h1>
            <div>plan <code>\(escape(report.planDigest))</code>\(report.certificateID.map { " · certificate <code>\(escape($0))</code>" } ?? "")</div>

            """
        let failed = report.failedGates
        if report.outcome == .published {
            html +=
                "<div class=\"banner published\">Published: every gate passed (\(report.gates.count) checks).</div>\n"
        } else {
            html +=
                "<div class=\"banner gate-failed\">Not published: \(failed.count) of \(report.gates.count) checks failed — "
            html += failed.map { escape($0.summary) }.joined(separator: "; ") + ".</div>\n"
        }
        if !report.warnings.isEmpty {
            html += "<ul>\n" + report.warnings.map { "<li>\(escape($0))</li>\n" }.joined() + "</ul>\n"
        }
        html += gateTable(report.gates)
        html += "<h2>Lineage</h2>\n" + keyValueTable(report.lineage)
        html += "<h2>Privacy</h2>\n" + keyValueTable(report.privacy)
        html += "<h2>Marginals: real vs synthetic</h2>\n"
        html += """
            <div class="legend"><span><span class="swatch" style="background:\(Self.realColor)"></span>real (training rows)</span>\
            <span><span class="swatch" style="background:\(Self.syntheticColor)"></span>synthetic</span></div>

            """
        html += "<div class=\"plots\">\n"
        for marginal in report.marginals { html += "<div class=\"plot\">" + barChart(marginal) + "</div>\n" }
        html += "</div>\n"
        if !report.correlationColumns.isEmpty {
            html += "<h2>Correlations (Pearson)</h2>\n<div class=\"plots\">\n"
            html +=
                "<div class=\"plot\">" + heatMap("real", report.correlationColumns, report.realCorrelations)
                + "</div>\n"
            html +=
                "<div class=\"plot\">"
                + heatMap("synthetic", report.correlationColumns, report.syntheticCorrelations) + "</div>\n"
            html += "</div>\n"
        }
        html += "</body>\n</html>\n"
        return html
    }

    /// Three significant digits, for axis ticks.
    static func short(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 100 || value == value.rounded() { return GateCheck.format(value.rounded()) }
        let scale = magnitude >= 10 ? 10.0 : (magnitude >= 1 ? 100.0 : 1000.0)
        return GateCheck.format((value * scale).rounded() / scale)
    }

    static let realColor = "#0969da"
    static let syntheticColor = "#fb8f44"

    private func gateTable(_ gates: [GateCheck]) -> String {
        var html = "<h2>Gates</h2>\n<table>\n<tr><th>gate</th><th>check</th><th>measured</th><th>bound</th>"
        html += "<th>threshold</th><th>result</th><th>shortfall</th></tr>\n"
        for check in gates {
            let measured = check.measured.map { GateCheck.format($0) } ?? "—"
            html +=
                "<tr><td>\(check.gate.rawValue)</td><td>\(escape(check.check))</td><td class=\"num\">\(measured)</td>"
            html +=
                "<td>\(check.bound == .minimum ? "≥" : "≤")</td><td class=\"num\">\(GateCheck.format(check.threshold))</td>"
            html += check.passed ? "<td class=\"pass\">pass</td>" : "<td class=\"fail\">fail</td>"
            html += "<td class=\"num\">\(check.shortfall.map { GateCheck.format($0) } ?? "")</td></tr>\n"
        }
        return html + "</table>\n"
    }

    private func keyValueTable(_ items: [(label: String, value: String)]) -> String {
        "<table>\n"
            + items.map { "<tr><th>\(escape($0.label))</th><td><code>\(escape($0.value))</code></td></tr>\n" }.joined()
            + "</table>\n"
    }

    /// Grouped bars: real and synthetic share per bin or category.
    func barChart(_ marginal: Marginal) -> String {
        let width = 360.0
        let height = 220.0
        let left = 40.0
        let bottom = 46.0
        let top = 22.0
        let plotWidth = width - left - 10
        let plotHeight = height - top - bottom
        let count = max(1, marginal.labels.count)
        let peak = max(0.0001, (marginal.real + marginal.synthetic).max() ?? 0)
        let slot = plotWidth / Double(count)
        let bar = max(1, slot * 0.4)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
        svg += "role=\"img\" aria-label=\"\(escape(marginal.column)) marginal\">"
        svg += "<text x=\"\(Int(width / 2))\" y=\"15\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"600\">"
        svg += "\(escape(marginal.column))</text>"
        svg +=
            line(left, top, left, top + plotHeight) + line(left, top + plotHeight, left + plotWidth, top + plotHeight)
        for tick in [0.0, 0.5, 1.0] {
            let y = top + plotHeight * (1 - tick)
            svg += "<text x=\"\(fmt(left - 4))\" y=\"\(fmt(y + 4))\" text-anchor=\"end\" font-size=\"10\">"
            svg += "\(GateCheck.format(peak * tick))</text>"
        }
        for index in 0..<marginal.labels.count {
            let x = left + slot * Double(index) + slot * 0.1
            for (offset, value, color) in [
                (0.0, marginal.real[index], Self.realColor), (bar, marginal.synthetic[index], Self.syntheticColor),
            ] {
                let h = plotHeight * value / peak
                svg += "<rect x=\"\(fmt(x + offset))\" y=\"\(fmt(top + plotHeight - h))\" width=\"\(fmt(bar))\" "
                svg += "height=\"\(fmt(h))\" fill=\"\(color)\"/>"
            }
        }
        if let range = marginal.range {
            // A histogram: the range's ends and middle on the axis.
            for (fraction, anchor) in [(0.0, "start"), (0.5, "middle"), (1.0, "end")] {
                let value = range.lower + (range.upper - range.lower) * fraction
                svg += "<text x=\"\(fmt(left + plotWidth * fraction))\" y=\"\(fmt(top + plotHeight + 14))\" "
                svg += "text-anchor=\"\(anchor)\" font-size=\"10\">\(escape(Self.short(value)))</text>"
            }
        } else {
            let step = max(1, (marginal.labels.count + 7) / 8)
            for index in stride(from: 0, to: marginal.labels.count, by: step) {
                let x = left + slot * (Double(index) + 0.5)
                var label = marginal.labels[index]
                if label.count > 12 { label = String(label.prefix(11)) + "…" }
                svg +=
                    "<text x=\"\(fmt(x))\" y=\"\(fmt(top + plotHeight + 14))\" text-anchor=\"middle\" font-size=\"9\">"
                svg += "\(escape(label))</text>"
            }
        }
        svg +=
            "<text x=\"\(Int(width / 2))\" y=\"\(Int(height - 6))\" text-anchor=\"middle\" font-size=\"10\" fill=\"#57606a\">"
        svg += "share of rows (\(marginal.kind == "numeric" ? "\(marginal.labels.count) bins" : "categories"))</text>"
        return svg + "</svg>"
    }

    /// A correlation matrix as a grid of cells, blue (−1) through white (0) to red (+1).
    func heatMap(_ title: String, _ columns: [String], _ matrix: [[Double?]]) -> String {
        let n = columns.count
        let cell = max(12.0, min(34.0, 340.0 / Double(max(1, n))))
        let left = 110.0
        let top = 30.0
        let width = left + cell * Double(n) + 10
        let height = top + cell * Double(n) + 10
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
        svg += "role=\"img\" aria-label=\"\(escape(title)) correlations\">"
        svg += "<text x=\"\(fmt(left + cell * Double(n) / 2))\" y=\"16\" text-anchor=\"middle\" font-size=\"13\" "
        svg += "font-weight=\"600\">\(escape(title))</text>"
        for (i, name) in columns.enumerated() {
            var label = name
            if label.count > 16 { label = String(label.prefix(15)) + "…" }
            svg += "<text x=\"\(fmt(left - 4))\" y=\"\(fmt(top + cell * (Double(i) + 0.5) + 4))\" text-anchor=\"end\" "
            svg += "font-size=\"10\">\(escape(label))</text>"
            for j in 0..<n {
                let value = i < matrix.count && j < matrix[i].count ? matrix[i][j] : nil
                svg += "<rect x=\"\(fmt(left + cell * Double(j)))\" y=\"\(fmt(top + cell * Double(i)))\" "
                svg += "width=\"\(fmt(cell))\" height=\"\(fmt(cell))\" fill=\"\(color(value))\" stroke=\"#ffffff\">"
                svg +=
                    "<title>\(escape(name)) × \(escape(columns[j])): \(value.map { GateCheck.format($0) } ?? "undefined")</title>"
                svg += "</rect>"
            }
        }
        return svg + "</svg>"
    }

    private func color(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "#d0d7de" }
        let t = min(1, abs(value))
        let fade = Int((1 - t) * 255)
        func hex(_ v: Int) -> String {
            let digits = Array("0123456789abcdef")
            return String([digits[v / 16], digits[v % 16]])
        }
        return value >= 0 ? "#ff\(hex(fade))\(hex(fade))" : "#\(hex(fade))\(hex(fade))ff"
    }

    private func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double) -> String {
        "<line x1=\"\(fmt(x1))\" y1=\"\(fmt(y1))\" x2=\"\(fmt(x2))\" y2=\"\(fmt(y2))\" stroke=\"#57606a\"/>"
    }

    private func fmt(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    func escape(_ text: String) -> String {
        text.xmlEscaped
    }
}
