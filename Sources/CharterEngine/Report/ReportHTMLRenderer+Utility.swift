internal import CharterCore

extension ReportHTMLRenderer {
    /// The most pair-trend rows the page lists (the worst first); report.json has them all.
    static let pairLimit = 40

    /// Fidelity per column and pair, the correlation heat maps, the marginals, TSTR/TRTS with its
    /// protocol, and the subgroup scores.
    func utilitySection(_ report: RunReport) -> String {
        var html = ""
        if let utility = report.utility {
            html += HTMLDocument.facts([
                ("SDMetrics quality", Self.value(utility.quality.overall)),
                ("column shapes", Self.value(utility.quality.columnShapes)),
                ("column pair trends", Self.value(utility.quality.columnPairTrends)),
            ])
            html += tstr(report, utility)
            html += fairness(report)
            html += "<h3>Column shapes</h3>\n" + shapes(report, utility)
            html += "<h3>Column pair trends</h3>\n" + pairs(utility)
        } else {
            html += "<p class=\"muted\">No utility measures were recorded.</p>\n"
        }
        html += "<h3>Correlations</h3>\n" + correlations(report)
        html += "<h3>Distributions: real vs synthetic</h3>\n" + marginals(report)
        return section("utility", "Utility validation", newPage: true, html)
    }

    func tstr(_ report: RunReport, _ utility: Certificate.UtilityResults) -> String {
        var html = "<h3>Machine-learning utility: TSTR and TRTS</h3>\n"
        guard let tstr = utility.tstr else {
            html += "<p class=\"muted\">Not measured"
            if let reason = report.tstrProtocol.first(where: { $0.label == "not measured" })?.value {
                html += ": \(reason.htmlEscaped)"
            }
            return html + ".</p>\n"
        }
        html += "<p class=\"explain\">Train on synthetic, test on real (TSTR): a model fitted on the synthetic rows "
        html += "predicts <code>\(tstr.target.htmlEscaped)</code> for real holdout patients nearly as well as one "
        html += "fitted on real rows when the ratio is near 1. Train on real, test on synthetic (TRTS) checks the "
        html += "other way round.</p>\n"
        html += HTMLDocument.table(
            ["model trained on", "tested on", "ROC AUC#"],
            [
                [.text("real training rows (TRTR)"), .text("real holdout"), .number(Self.value(tstr.aucTRTR))],
                [.text("synthetic rows (TSTR)"), .text("real holdout"), .number(Self.value(tstr.aucTSTR))],
                [.text("real training rows (TRTS)"), .text("synthetic rows"), .number(Self.value(tstr.aucTRTS))],
                [.html("<strong>TSTR ÷ TRTR</strong>"), .text(""), .number(Self.value(tstr.ratio))],
            ])
        let steps = report.tstrProtocol.filter { $0.label != "not measured" }
        if !steps.isEmpty { html += "<p><strong>Protocol</strong></p>\n" + HTMLDocument.facts(steps, class: "wide") }
        return html
    }

    func fairness(_ report: RunReport) -> String {
        guard !report.fairness.isEmpty else { return "" }
        var html = "<h3>Fairness: utility per subgroup</h3>\n"
        for attribute in report.fairness {
            html += "<p>Protected attribute <code>\(attribute.protected.htmlEscaped)</code>: largest TSTR AUC gap "
            html += "\(Self.value(attribute.tstrGap)), largest ratio gap \(Self.value(attribute.ratioGap)).</p>\n"
            html += HTMLDocument.table(
                ["subgroup", "TSTR AUC#", "TSTR ÷ TRTR#"],
                attribute.subgroups.map {
                    [.text($0.value), .number(Self.value($0.aucTSTR)), .number(Self.value($0.ratio))]
                })
        }
        return html
    }

    func shapes(_ report: RunReport, _ utility: Certificate.UtilityResults) -> String {
        guard !utility.columns.isEmpty else { return "<p class=\"muted\">No column was scored.</p>\n" }
        let floor = report.gates.first { $0.check.hasPrefix("fidelity.column_shapes") }?.threshold
        let rows: [[HTMLDocument.Cell]] = utility.columns.map { column in
            [
                .html("<code>\(column.column.htmlEscaped)</code>"), .text(column.metric),
                .number(Self.value(column.score)), .html(ReportCharts.scoreBar(column.score, threshold: floor)),
            ]
        }
        var html = HTMLDocument.table(["column", "metric", "score#", ""], rows)
        html += "<p class=\"note\">1 means the synthetic column's distribution matches the real one (KSComplement for "
        html += "numbers, TVComplement for categories)"
        if let floor { html += "; the mark is the policy's floor for the average, \(GateCheck.format(floor))" }
        return html + ".</p>\n"
    }

    func pairs(_ utility: Certificate.UtilityResults) -> String {
        guard !utility.pairs.isEmpty else { return "<p class=\"muted\">No pair was scored.</p>\n" }
        let sorted = utility.pairs.sorted { ($0.score ?? -1) < ($1.score ?? -1) }
        let shown = sorted.prefix(Self.pairLimit)
        let rows: [[HTMLDocument.Cell]] = shown.map { pair in
            [
                .html("<code>\(pair.column1.htmlEscaped)</code> × <code>\(pair.column2.htmlEscaped)</code>"),
                .text(pair.metric), .number(Self.value(pair.score)), .html(ReportCharts.scoreBar(pair.score)),
            ]
        }
        var html = HTMLDocument.table(["pair", "metric", "score#", ""], rows)
        html += "<p class=\"note\">Worst first"
        if sorted.count > shown.count { html += "; \(sorted.count - shown.count) more pairs in report.json" }
        return html + ". 1 means the pair relates in the synthetic rows as in the real ones.</p>\n"
    }

    func correlations(_ report: RunReport) -> String {
        guard !report.correlationColumns.isEmpty else {
            return "<p class=\"muted\">Fewer than two numeric columns: no correlation matrix.</p>\n"
        }
        let n = report.correlationColumns.count
        var difference: [[Double?]] = []
        for i in 0..<n {
            difference.append(
                (0..<n).map { j in
                    guard i < report.realCorrelations.count, j < report.realCorrelations[i].count,
                        i < report.syntheticCorrelations.count, j < report.syntheticCorrelations[i].count,
                        let real = report.realCorrelations[i][j], let synthetic = report.syntheticCorrelations[i][j]
                    else { return nil }
                    return synthetic - real
                })
        }
        var html = "<p class=\"explain\">Pearson correlation of every pair of numeric columns "
        html +=
            "in the real training rows and in the synthetic rows, and their difference. Hover a cell for its value.</p>\n"
        html += "<div class=\"plots\">\n"
        html +=
            "<figure class=\"plot\">" + ReportCharts.heatMap("real", report.correlationColumns, report.realCorrelations)
        html += "</figure>\n<figure class=\"plot\">"
        html += ReportCharts.heatMap("synthetic", report.correlationColumns, report.syntheticCorrelations)
        html += "</figure>\n<figure class=\"plot\">"
        html += ReportCharts.heatMap("synthetic − real", report.correlationColumns, difference)
        html += "</figure>\n</div>\n<figure class=\"keep\">" + ReportCharts.colorScale()
        html +=
            "<figcaption class=\"note\">colour scale: −1 (blue) to +1 (red); grey: undefined</figcaption></figure>\n"
        return html
    }

    func marginals(_ report: RunReport) -> String {
        guard !report.marginals.isEmpty else { return "<p class=\"muted\">No column to draw.</p>\n" }
        var html = "<div class=\"legend\"><span><span class=\"swatch\" style=\"background:\(ReportCharts.realColor)\">"
        html += "</span>real (training rows)</span><span><span class=\"swatch\" style=\"background:"
        html += "\(ReportCharts.syntheticColor)\"></span>synthetic</span></div>\n<div class=\"plots\">\n"
        for marginal in report.marginals {
            html += "<figure class=\"plot\">" + ReportCharts.marginal(marginal) + "</figure>\n"
        }
        return html + "</div>\n"
    }
}
