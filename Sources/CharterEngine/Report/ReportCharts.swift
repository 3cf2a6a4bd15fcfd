internal import CharterCore
internal import CharterStats

/// The report's inline SVG charts. Every chart is a self-contained `<svg>` with a `role="img"` and an
/// `aria-label`, every mark carries its value in a `<title>` (shown on hover, read by screen
/// readers), and every text is escaped. No ids, no scripts, no external references.
enum ReportCharts {
    static let realColor = "#0969da"
    static let syntheticColor = "#e16f24"
    static let holdoutColor = "#0969da"
    static let trainingColor = "#e16f24"

    // MARK: Marginals

    /// Grouped bars: real and synthetic share per bin or category.
    static func marginal(_ marginal: Marginal) -> String {
        let width = 340.0
        let height = 210.0
        let left = 40.0
        let bottom = 44.0
        let top = 22.0
        let plotWidth = width - left - 8
        let plotHeight = height - top - bottom
        let count = max(1, marginal.labels.count)
        let peak = max(0.0001, (marginal.real + marginal.synthetic).max() ?? 0)
        let slot = plotWidth / Double(count)
        let bar = max(1, slot * 0.4)
        var svg = open(width, height, label: "\(marginal.column): real and synthetic distribution")
        svg += text(width / 2, 15, marginal.column, size: 13, anchor: "middle", weight: "600")
        svg +=
            line(left, top, left, top + plotHeight) + line(left, top + plotHeight, left + plotWidth, top + plotHeight)
        for tick in [0.0, 0.5, 1.0] {
            let y = top + plotHeight * (1 - tick)
            svg += text(left - 4, y + 4, percent(peak * tick), size: 10, anchor: "end")
        }
        for index in 0..<marginal.labels.count {
            let x = left + slot * Double(index) + slot * 0.1
            for (offset, value, color, side) in [
                (0.0, marginal.real[index], realColor, "real"),
                (bar, marginal.synthetic[index], syntheticColor, "synthetic"),
            ] {
                let h = plotHeight * value / peak
                svg += "<rect x=\"\(f(x + offset))\" y=\"\(f(top + plotHeight - h))\" width=\"\(f(bar))\" "
                svg += "height=\"\(f(max(0, h)))\" fill=\"\(color)\">"
                svg += "<title>\(marginal.labels[index].htmlEscaped): \(side) \(percent(value))</title></rect>"
            }
        }
        if let range = marginal.range {
            for (fraction, anchor) in [(0.0, "start"), (0.5, "middle"), (1.0, "end")] {
                let value = range.lower + (range.upper - range.lower) * fraction
                svg += text(left + plotWidth * fraction, top + plotHeight + 14, short(value), size: 10, anchor: anchor)
            }
        } else {
            let step = max(1, (marginal.labels.count + 7) / 8)
            for index in stride(from: 0, to: marginal.labels.count, by: step) {
                let x = left + slot * (Double(index) + 0.5)
                svg += text(x, top + plotHeight + 14, clipped(marginal.labels[index], 12), size: 9, anchor: "middle")
            }
        }
        let axis =
            marginal.kind == "numeric" ? "share of rows per bin (\(marginal.labels.count) bins)" : "share of rows"
        svg += text(width / 2, height - 6, axis, size: 10, anchor: "middle", fill: "#57606a")
        return svg + "</svg>"
    }

    // MARK: Correlations

    /// The colour of a correlation: blue (−1) through white (0) to red (+1); grey when undefined.
    static func color(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "#d0d7de" }
        let t = min(1, abs(value))
        let fade = Int(((1 - t) * 255).rounded())
        let red = value >= 0 ? 255 : fade
        let green = fade
        let blue = value >= 0 ? fade : 255
        return "#" + [red, green, blue].map(hex).joined()
    }

    /// A matrix as a grid of cells coloured by ``color(_:)``, each with its value in a `<title>` and,
    /// where the cell is large enough, printed in it.
    static func heatMap(_ title: String, _ columns: [String], _ matrix: [[Double?]]) -> String {
        let n = columns.count
        let cell = max(10.0, min(52.0, 360.0 / Double(max(1, n))))
        let left = 104.0
        let top = 24.0
        let labelRoom = 56.0
        let width = left + cell * Double(n) + 8
        let height = top + cell * Double(n) + labelRoom
        var svg = open(width, height, label: "\(title) correlation matrix")
        svg += text(left + cell * Double(n) / 2, 16, title, size: 13, anchor: "middle", weight: "600")
        for (i, name) in columns.enumerated() {
            svg += text(left - 4, top + cell * (Double(i) + 0.5) + 4, clipped(name, 15), size: 10, anchor: "end")
            let x = left + cell * (Double(i) + 0.5)
            let y = top + cell * Double(n) + 4
            svg += "<text x=\"\(f(x))\" y=\"\(f(y))\" font-size=\"10\" text-anchor=\"end\" "
            svg += "transform=\"rotate(-55 \(f(x)) \(f(y)))\">\(clipped(name, 12).htmlEscaped)</text>"
            for j in 0..<n {
                let value = i < matrix.count && j < matrix[i].count ? matrix[i][j] : nil
                let shown = value.map { signed($0) } ?? "undefined"
                svg += "<rect x=\"\(f(left + cell * Double(j)))\" y=\"\(f(top + cell * Double(i)))\" "
                svg += "width=\"\(f(cell))\" height=\"\(f(cell))\" fill=\"\(color(value))\" stroke=\"#ffffff\">"
                svg += "<title>\(name.htmlEscaped) × \(columns[j].htmlEscaped): \(shown)</title></rect>"
                if cell >= 26, let value, value.isFinite {
                    let ink = abs(value) > 0.6 ? "#ffffff" : "#1f2328"
                    svg += text(
                        left + cell * (Double(j) + 0.5), top + cell * (Double(i) + 0.5) + 3.5, String(format2(value)),
                        size: cell >= 40 ? 11 : 9, anchor: "middle", fill: ink)
                }
            }
        }
        return svg + "</svg>"
    }

    /// The colour scale of the heat maps, −1 to +1, with its ticks.
    static func colorScale() -> String {
        let steps = 21
        let width = 260.0
        let step = width / Double(steps)
        var svg = open(width + 40, 40, label: "colour scale: −1 blue, 0 white, +1 red")
        for index in 0..<steps {
            let value = -1 + 2 * Double(index) / Double(steps - 1)
            svg += "<rect x=\"\(f(20 + step * Double(index)))\" y=\"4\" width=\"\(f(step + 0.5))\" height=\"14\" "
            svg += "fill=\"\(color(value))\"><title>\(signed(value))</title></rect>"
        }
        svg += "<rect x=\"20\" y=\"4\" width=\"\(f(width))\" height=\"14\" fill=\"none\" stroke=\"#57606a\"/>"
        for (value, anchor) in [(-1.0, "start"), (-0.5, "middle"), (0.0, "middle"), (0.5, "middle"), (1.0, "end")] {
            svg += text(20 + width * (value + 1) / 2, 32, signed(value), size: 10, anchor: anchor)
        }
        return svg + "</svg>"
    }

    // MARK: Privacy plots

    /// Two overlaid histograms of distances to the closest record: training (left-shifted when the
    /// generator copied) and holdout.
    static func distanceHistogram(_ histogram: RunReport.DistanceHistogram) -> String {
        let width = 460.0
        let height = 230.0
        let left = 46.0
        let top = 14.0
        let bottom = 44.0
        let plotWidth = width - left - 10
        let plotHeight = height - top - bottom
        let bins = histogram.toTraining.count
        let trainTotal = max(1, histogram.toTraining.reduce(0, +))
        let holdoutTotal = max(1, histogram.toHoldout.reduce(0, +))
        let train = histogram.toTraining.map { Double($0) / Double(trainTotal) }
        let hold = histogram.toHoldout.map { Double($0) / Double(holdoutTotal) }
        let peak = max(0.0001, (train + hold).max() ?? 0)
        let slot = plotWidth / Double(max(1, bins))
        var svg = open(width, height, label: "distance to closest record: training versus holdout")
        svg +=
            line(left, top, left, top + plotHeight) + line(left, top + plotHeight, left + plotWidth, top + plotHeight)
        for tick in [0.0, 0.5, 1.0] {
            svg += text(left - 4, top + plotHeight * (1 - tick) + 4, percent(peak * tick), size: 10, anchor: "end")
        }
        for index in 0..<bins {
            let x = left + slot * Double(index)
            let range =
                "[\(short(histogram.edges[index])), \(short(histogram.edges[index + 1]))\(index == bins - 1 ? "+" : ")")"
            for (value, count, color, side) in [
                (hold[index], histogram.toHoldout[index], holdoutColor, "to holdout"),
                (train[index], histogram.toTraining[index], trainingColor, "to training"),
            ] {
                let h = plotHeight * value / peak
                svg += "<rect x=\"\(f(x + 0.5))\" y=\"\(f(top + plotHeight - h))\" width=\"\(f(max(1, slot - 1)))\" "
                svg += "height=\"\(f(max(0, h)))\" fill=\"\(color)\" fill-opacity=\"0.55\">"
                svg += "<title>\(range.htmlEscaped) \(side): \(count) rows (\(percent(value)))</title></rect>"
            }
        }
        for (fraction, anchor) in [(0.0, "start"), (0.5, "middle"), (1.0, "end")] {
            let value = histogram.clippedAt * fraction
            svg += text(left + plotWidth * fraction, top + plotHeight + 14, short(value), size: 10, anchor: anchor)
        }
        svg += text(
            left + plotWidth / 2, height - 8,
            "distance from a synthetic row to its closest real row (last bin: beyond)",
            size: 10, anchor: "middle", fill: "#57606a")
        return svg + "</svg>"
    }

    /// The attack's ROC curve against the diagonal of guessing.
    static func roc(_ curve: ROCCurve, auc: Double?) -> String {
        let size = 230.0
        let left = 40.0
        let top = 10.0
        let plot = size - left - 10
        var svg = open(size + 10, size + 24, label: "membership-inference ROC curve")
        svg += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plot))\" height=\"\(f(plot))\" fill=\"#ffffff\" "
        svg += "stroke=\"#57606a\"/>"
        svg += "<line x1=\"\(f(left))\" y1=\"\(f(top + plot))\" x2=\"\(f(left + plot))\" y2=\"\(f(top))\" "
        svg += "stroke=\"#8c959f\" stroke-dasharray=\"4 3\"><title>a coin toss: AUC 0.5</title></line>"
        let points = curve.points.map { point in
            "\(f(left + plot * point.falsePositiveRate)),\(f(top + plot * (1 - point.truePositiveRate)))"
        }
        svg += "<polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"#cf222e\" "
        svg += "stroke-width=\"2\"><title>the attack: AUC \(auc.map { GateCheck.format($0) } ?? "undefined")</title>"
        svg += "</polyline>"
        for tick in [0.0, 0.5, 1.0] {
            svg += text(left - 4, top + plot * (1 - tick) + 4, GateCheck.format(tick), size: 10, anchor: "end")
            svg += text(left + plot * tick, top + plot + 14, GateCheck.format(tick), size: 10, anchor: "middle")
        }
        svg += text(
            left + plot / 2, top + plot + 28, "false-positive rate (non-members flagged)", size: 10,
            anchor: "middle", fill: "#57606a")
        svg += "<text x=\"12\" y=\"\(f(top + plot / 2))\" font-size=\"10\" fill=\"#57606a\" text-anchor=\"middle\" "
        svg += "transform=\"rotate(-90 12 \(f(top + plot / 2)))\">true-positive rate (members found)</text>"
        return svg + "</svg>"
    }

    // MARK: Inline bars

    /// A small horizontal bar for a score in [0, 1], with a marker at `threshold` when given.
    static func scoreBar(_ score: Double?, threshold: Double? = nil, width: Double = 120) -> String {
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"12\" role=\"img\" "
        svg += "aria-label=\"score \(score.map { GateCheck.format($0) } ?? "undefined")\">"
        svg += "<rect x=\"0\" y=\"2\" width=\"\(f(width))\" height=\"8\" fill=\"#eaeef2\"/>"
        if let score, score.isFinite {
            let value = min(1, max(0, score))
            let fill = value >= 0.8 ? "#2da44e" : (value >= 0.6 ? "#bf8700" : "#cf222e")
            svg += "<rect x=\"0\" y=\"2\" width=\"\(f(width * value))\" height=\"8\" fill=\"\(fill)\"/>"
        }
        if let threshold, threshold.isFinite {
            let x = width * min(1, max(0, threshold))
            svg += "<line x1=\"\(f(x))\" y1=\"0\" x2=\"\(f(x))\" y2=\"12\" stroke=\"#1f2328\" stroke-width=\"1.5\"/>"
        }
        return svg + "</svg>"
    }

    /// A budget bar: spent before, this run, and what is left of the cap.
    static func budgetBar(before: Double, run: Double, cap: Double) -> String {
        let width = 360.0
        guard cap > 0, cap.isFinite else { return "" }
        let b = min(1, max(0, before / cap))
        let r = min(1 - b, max(0, run / cap))
        var svg = open(width, 30, label: "privacy budget: spent before, this run, left")
        svg += "<rect x=\"0\" y=\"4\" width=\"\(f(width))\" height=\"14\" fill=\"#eaeef2\" stroke=\"#8c959f\"/>"
        svg += "<rect x=\"0\" y=\"4\" width=\"\(f(width * b))\" height=\"14\" fill=\"#8c959f\">"
        svg += "<title>spent before this run: ε \(GateCheck.format(before))</title></rect>"
        svg += "<rect x=\"\(f(width * b))\" y=\"4\" width=\"\(f(width * r))\" height=\"14\" fill=\"#8250df\">"
        svg += "<title>this run: ε \(GateCheck.format(run))</title></rect>"
        svg += text(0, 28, "0", size: 9, anchor: "start")
        svg += text(width, 28, "cap ε \(GateCheck.format(cap))", size: 9, anchor: "end")
        return svg + "</svg>"
    }

    // MARK: Primitives

    static func open(_ width: Double, _ height: Double, label: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" "
            + "viewBox=\"0 0 \(f(width)) \(f(height))\" role=\"img\" aria-label=\"\(label.htmlEscaped)\">"
    }

    static func text(
        _ x: Double, _ y: Double, _ content: String, size: Int, anchor: String, weight: String? = nil,
        fill: String? = nil
    ) -> String {
        var svg = "<text x=\"\(f(x))\" y=\"\(f(y))\" font-size=\"\(size)\" text-anchor=\"\(anchor)\""
        if let weight { svg += " font-weight=\"\(weight)\"" }
        if let fill { svg += " fill=\"\(fill)\"" }
        return svg + ">\(content.htmlEscaped)</text>"
    }

    static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double) -> String {
        "<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\" stroke=\"#57606a\"/>"
    }

    /// A coordinate to one decimal.
    static func f(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    /// Three significant digits, for axis ticks.
    static func short(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 100 || value == value.rounded() { return GateCheck.format(value.rounded()) }
        let scale = magnitude >= 10 ? 10.0 : (magnitude >= 1 ? 100.0 : 1000.0)
        return GateCheck.format((value * scale).rounded() / scale)
    }

    /// `12.5%`.
    static func percent(_ share: Double) -> String {
        guard share.isFinite else { return "—" }
        return GateCheck.format((share * 1000).rounded() / 10) + "%"
    }

    /// `+0.42`, `−0.07`, `0`: two decimals with the sign a reader sees.
    static func signed(_ value: Double) -> String {
        guard value.isFinite else { return "undefined" }
        let text = format2(abs(value))
        if text == "0.00" { return "0" }
        return (value < 0 ? "−" : "+") + text
    }

    /// Two decimals.
    static func format2(_ value: Double) -> String {
        DecimalText.fixed((value * 100).rounded() / 100, places: 2)
    }

    /// At most `limit` characters, an ellipsis when cut.
    static func clipped(_ text: String, _ limit: Int) -> String {
        text.count > limit ? String(text.prefix(limit - 1)) + "…" : text
    }

    static func hex(_ value: Int) -> String {
        let digits = Array("0123456789abcdef")
        let v = min(255, max(0, value))
        return String([digits[v / 16], digits[v % 16]])
    }
}
