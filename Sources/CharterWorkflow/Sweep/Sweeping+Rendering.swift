public import CharterCore
import CharterEngine
import CharterProfile

extension Sweeping {
    /// The metrics a sweep plots, in order: JSON key, title, and whether higher is better.
    static let metrics: [(key: String, title: String, higherIsBetter: Bool)] = [
        ("quality", "SDMetrics quality", true), ("tstr_ratio", "TSTR ÷ TRTR (AUC)", true),
        ("mia_accuracy", "membership-inference accuracy", false),
        ("dcr_overfitting_protection", "DCR overfitting protection", true),
    ]

    static func value(_ point: PlanSweep.Point, _ key: String) -> Double? {
        switch key {
        case "quality": point.quality
        case "tstr_ratio": point.tstrRatio
        case "mia_accuracy": point.membershipInferenceAccuracy
        case "dcr_overfitting_protection": point.dcrOverfittingProtection
        default: nil
        }
    }

    static func label(_ point: PlanSweep.Point) -> String {
        "\(point.setting.generator) ε \(point.setting.epsilon.map { "\($0)" } ?? "–")"
    }

    /// The sweep as `charter sweep --format json` prints it and writes to `sweep.json`.
    public var json: JSONValue {
        .object([
            "request": .string(requestID),
            "source": .string(source),
            "tier": tier.map(JSONValue.string) ?? .null,
            "validation_fraction": .number(PlanSweep.validationFraction),
            "published": .bool(false),
            "reservations": .array(reservations.map(JSONValue.string)),
            "points": .array(
                points.map { point in
                    var object: [String: JSONValue] = [
                        "generator": .string(point.setting.generator),
                        "epsilon": point.setting.epsilon.map { .decimal("\($0)") } ?? .null,
                        "spent_epsilon": point.spentEpsilon.map(JSONValue.number) ?? .null,
                        "spent_delta": point.spentDelta.map(JSONValue.number) ?? .null,
                        "ledger_event": point.ledgerEvent.map { .integer(Int($0)) } ?? .null,
                        "warnings": .array(point.warnings.map(JSONValue.string)),
                    ]
                    for metric in Self.metrics {
                        object[metric.key] = Self.value(point, metric.key).map(JSONValue.number) ?? .null
                    }
                    return .object(object)
                }),
        ])
    }

    /// A fixed-width table, one row per setting.
    public var table: String {
        var out =
            "Sweep of \(ProfileText.printable(requestID)) on '\(ProfileText.printable(source))' (tier \(tier ?? "none")); fitted on the training split only, nothing published\n"
        for line in reservations { out += "  budget: \(line)\n" }
        let header = ["setting", "ε spent", "quality", "TSTR ratio", "MIA acc.", "DCR prot."]
        let rows = points.map { point in
            [Self.label(point), point.spentEpsilon.map(ProfileNumber.format) ?? "–"]
                + Self.metrics.map { Self.value(point, $0.key).map(ProfileNumber.format) ?? "n/a" }
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        for row in [header] + rows {
            let cells = row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }
            out += cells.joined(separator: "  ") + "\n"
        }
        return out
    }

    /// One self-contained page: the table and a line plot per metric against the settings (inline SVG, no scripts).
    public var html: String {
        var page = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>Charter sweep \(requestID.htmlEscaped)</title>
            <style>
            body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 24px; color: #1f2328; }
            table { border-collapse: collapse; font-size: 13px; } th, td { border: 1px solid #d0d7de; padding: 4px 8px; }
            th { background: #f6f8fa; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
            .plots { display: flex; flex-wrap: wrap; gap: 12px; } .plot { border: 1px solid #d0d7de; border-radius: 6px; padding: 6px; }
            </style>
            </head>
            <body>
            <h1>Privacy–utility sweep: \(requestID.htmlEscaped)</h1>
            <p>Source <code>\(source.htmlEscaped)</code>, tier \((tier ?? "none").htmlEscaped). Each setting was fitted on the training split only \
            (\(ProfileNumber.percent(1 - PlanSweep.validationFraction)) of it) and measured against the rest; nothing was published.</p>
            <ul>\(reservations.map { "<li>\($0.htmlEscaped)</li>" }.joined())</ul>
            <table>
            <tr><th>setting</th><th>ε spent</th>\(Self.metrics.map { "<th>\($0.title.htmlEscaped)</th>" }.joined())</tr>

            """
        for point in points {
            page +=
                "<tr><td>\(Self.label(point).htmlEscaped)</td><td class=\"num\">\(point.spentEpsilon.map(ProfileNumber.format) ?? "–")</td>"
            for metric in Self.metrics {
                page += "<td class=\"num\">\(Self.value(point, metric.key).map(ProfileNumber.format) ?? "n/a")</td>"
            }
            page += "</tr>\n"
        }
        page += "</table>\n<div class=\"plots\">\n"
        for metric in Self.metrics { page += "<div class=\"plot\">\(plot(metric.key, title: metric.title))</div>\n" }
        return page + "</div>\n</body>\n</html>\n"
    }

    /// A line per generator of `key` against the settings, y from 0 to 1.
    func plot(_ key: String, title: String) -> String {
        let width = 360.0
        let height = 200.0
        let left = 40.0
        let bottom = 30.0
        let count = max(points.count, 1)
        func x(_ index: Int) -> Double {
            left + (width - left - 10) * (count == 1 ? 0.5 : Double(index) / Double(count - 1))
        }
        func y(_ value: Double) -> Double { (height - bottom) - (height - bottom - 20) * min(max(value, 0), 1) }
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\">"
        svg += "<text x=\"\(Int(left))\" y=\"14\" font-size=\"12\">\(title.htmlEscaped)</text>"
        for tick in [0.0, 0.5, 1.0] {
            svg += "<line x1=\"\(left)\" x2=\"\(width - 10)\" y1=\"\(y(tick))\" y2=\"\(y(tick))\" stroke=\"#d0d7de\"/>"
            svg += "<text x=\"4\" y=\"\(y(tick) + 4)\" font-size=\"10\">\(ProfileNumber.format(tick))</text>"
        }
        var previous: (x: Double, y: Double, generator: String)?
        for (index, point) in points.enumerated() {
            svg +=
                "<text x=\"\(x(index))\" y=\"\(height - 10)\" font-size=\"10\" text-anchor=\"middle\">\((point.setting.epsilon.map { "ε\($0)" } ?? "no DP").htmlEscaped)</text>"
            guard let value = Self.value(point, key) else { continue }
            if let previous, previous.generator == point.setting.generator {
                svg +=
                    "<line x1=\"\(previous.x)\" y1=\"\(previous.y)\" x2=\"\(x(index))\" y2=\"\(y(value))\" stroke=\"#0969da\" stroke-width=\"2\"/>"
            }
            svg +=
                "<circle cx=\"\(x(index))\" cy=\"\(y(value))\" r=\"4\" fill=\"#0969da\"><title>\(Self.label(point).htmlEscaped): \(ProfileNumber.format(value))</title></circle>"
            previous = (x(index), y(value), point.setting.generator)
        }
        return svg + "</svg>"
    }
}
