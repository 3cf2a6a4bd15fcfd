internal import CharterCore

extension ReportHTMLRenderer {
    /// The decision, the request at a glance, the budget, and every gate.
    func summary(_ report: RunReport) -> String {
        var html = banner(report)
        if !report.warnings.isEmpty {
            html += "<div class=\"warnings\"><strong>Notes and warnings</strong><ul>\n"
            html += report.warnings.map { "<li>\($0.htmlEscaped)</li>\n" }.joined()
            html += "</ul></div>\n"
        }
        let context = report.context
        html += "<div class=\"grid\">\n<div>\n<h3>The release</h3>\n"
        html += HTMLDocument.facts(
            [
                ("requested by", context.requester + (context.ticket.map { " (ticket \($0))" } ?? "")),
                ("purpose", context.purpose), ("audience", context.audience),
                ("consumers", context.consumers.isEmpty ? "none named" : context.consumers.joined(separator: ", ")),
                ("expires", context.expiresAt ?? "not set"),
                (
                    "data",
                    "\(report.lineage.syntheticRows) synthetic rows × \(report.lineage.syntheticColumns.count) columns "
                        + "from \(report.lineage.dataset) (\(report.lineage.classification))"
                ),
                ("generator", "\(report.lineage.generator) \(report.lineage.generatorVersion)"),
            ], class: "wide")
        html += "</div>\n<div>\n<h3>Privacy budget</h3>\n" + budget(report) + "</div>\n</div>\n"
        html += gateTable(report.gates)
        return section("summary", "Summary", newPage: false, html)
    }

    func banner(_ report: RunReport) -> String {
        let failed = report.failedGates
        if report.outcome == .published {
            return "<div class=\"banner published\">Released: every gate passed (\(report.gates.count) checks); "
                + "the data, its signed certificate and this report were published.</div>\n"
        }
        var html = "<div class=\"banner gate-failed\">Not released: \(failed.count) of \(report.gates.count) checks "
        html += "failed, so nothing was published (no synthetic data, no certificate).<ul>\n"
        html += failed.map { "<li>\($0.gate.rawValue.htmlEscaped): \($0.summary.htmlEscaped)</li>\n" }.joined()
        return html + "</ul></div>\n"
    }

    func budget(_ report: RunReport) -> String {
        guard let spend = report.spend else {
            var html = "<p>No differential-privacy guarantee: <code>\(report.lineage.generator.htmlEscaped)</code> "
            html += "spends no ε, and the privacy evidence is the measured attacks below only.</p>\n"
            if let budget = report.budget {
                html += HTMLDocument.facts([("source budget", budgetLine(budget))])
            }
            return html
        }
        var rows: [(label: String, value: String)] = [
            ("ε spent by this run", GateCheck.format(spend.epsilon)),
            ("δ spent by this run", GateCheck.format(spend.delta)),
            ("accountant", spend.accountant),
        ]
        if spend.claimedByExternalTool {
            rows.append(("who computed it", "claimed by an external tool; Charter did not verify the mechanism"))
        }
        var bar = ""
        if let budget = report.budget {
            rows.append(("source budget", budgetLine(budget)))
            let before = budget.spentEpsilonBefore.flatMap(Double.init) ?? 0
            if let cap = budget.capEpsilon.flatMap(Double.init) {
                let left = max(0, cap - before - spend.epsilon)
                rows.append(("ε left for this source", GateCheck.format(left)))
                bar = "<figure class=\"keep\">" + ReportCharts.budgetBar(before: before, run: spend.epsilon, cap: cap)
                bar +=
                    "<figcaption class=\"note\">grey: spent before this run; purple: this run</figcaption></figure>\n"
            }
        }
        return HTMLDocument.facts(rows, class: "wide") + bar
    }

    func budgetLine(_ budget: RunReport.Budget) -> String {
        var line = "\(budget.source): "
        if let cap = budget.capEpsilon {
            line += "lifetime cap ε \(cap)"
            if let delta = budget.capDelta { line += ", δ \(delta)" }
            line += " (from the \(budget.capSource))"
        } else {
            line += "no lifetime cap"
        }
        line += "; spent before this run ε \(budget.spentEpsilonBefore ?? "unbounded"), δ \(budget.spentDeltaBefore)"
        return line
    }

    /// Every gate check: what it measures, the estimate and interval, the decision rule, the threshold,
    /// the margin the deciding number has over it, and the result.
    func gateTable(_ gates: [GateCheck]) -> String {
        var html = "<h3>Gates</h3>\n"
        guard !gates.isEmpty else { return html + "<p>The plan has no gate checks.</p>\n" }
        html += "<table class=\"wide\"><thead><tr><th>gate</th><th>check</th><th class=\"num\">measured</th>"
        html += "<th>interval</th><th>rule</th><th class=\"num\">threshold</th><th class=\"num\">margin</th>"
        html += "<th>result</th></tr></thead>\n<tbody>\n"
        for check in gates {
            html += check.passed ? "<tr>" : "<tr class=\"failed\">"
            html += "<td class=\"nowrap\">\(check.gate.rawValue.htmlEscaped)</td>"
            html += "<td><code>\(check.check.htmlEscaped)</code>"
            if let meaning = Self.meaning(of: check.check) {
                html += "<div class=\"note\">\(meaning.htmlEscaped)</div>"
            }
            if let note = check.note { html += "<div class=\"note\">\(note.htmlEscaped)</div>" }
            html += "</td><td class=\"num\">\(Self.value(check.measured))</td><td>"
            if let u = check.uncertainty {
                html += "[\(Self.value(u.lower)), \(Self.value(u.upper))] \(GateCheck.format(u.level * 100))%"
                var method = u.method
                if u.draws > 1 { method += "; \(u.draws) draws" }
                if let seed = u.seed { method += "; seed \(seed)" }
                html += "<div class=\"note\">\(method.htmlEscaped)</div>"
            } else {
                html += "<span class=\"muted\">exact or none</span>"
            }
            html += "</td><td class=\"nowrap\">\(Self.ruleName(check.rule).htmlEscaped)</td>"
            html += "<td class=\"num\">\(check.bound == .minimum ? "≥" : "≤") \(GateCheck.format(check.threshold))</td>"
            html += "<td class=\"num\">\(Self.margin(check).htmlEscaped)</td>"
            html += check.passed ? "<td class=\"pass\">pass</td>" : "<td class=\"fail\">FAIL</td>"
            html += "</tr>\n"
        }
        html += "</tbody></table>\n"
        html += "<p class=\"note\">Margin: how far the number the rule decides on lies on the passing side of the "
        html += "threshold (negative: by how much it misses). Rules: <em>estimate</em> compares the estimate; "
        html += "<em>lower bound</em> compares the interval's cautious end, so a pass holds with the stated "
        html += "confidence; <em>not worse</em> fails only when the whole interval misses. A check that could not "
        html += "be measured fails.</p>\n"
        return html
    }

    static func ruleName(_ rule: GateCheck.Rule) -> String {
        switch rule {
        case .estimate: "estimate"
        case .lowerBound: "lower bound"
        case .notWorse: "not worse"
        }
    }

    /// `+0.0123` or `−0.05`, `—` when there is no number to decide on.
    static func margin(_ check: GateCheck) -> String {
        guard let decided = check.decidingValue, decided.isFinite else { return "—" }
        let margin = check.bound == .minimum ? decided - check.threshold : check.threshold - decided
        let text = GateCheck.format(abs(margin))
        return margin < 0 ? "−" + text : "+" + text
    }

    /// What a check measures, in a sentence, for the metrics Charter knows; `nil` for others.
    static func meaning(of check: String) -> String? {
        let meanings: [(prefix: String, meaning: String)] = [
            ("epsilon_spent", "ε spent by the generator: smaller is more private"),
            ("delta_spent", "δ spent by the generator: the chance the ε guarantee fails"),
            ("k_anonymity", "the smallest group of training patients sharing a synthetic row's quasi-identifiers"),
            ("l_diversity", "distinct sensitive values in the smallest synthetic group"),
            (
                "membership_inference.accuracy",
                "how often an attacker tells training patients from others (0.5 = guessing)"
            ),
            ("membership_inference.auc", "the attack's ROC AUC (0.5 = guessing)"),
            (
                "distance_to_closest_record.overfitting_protection",
                "1 = synthetic rows lie no closer to training rows than to unseen rows"
            ),
            ("distance_to_closest_record.closer_to_training", "share of synthetic rows closer to a training row"),
            ("distance_to_closest_record.new_row_synthesis", "share of synthetic rows that copy no training row"),
            ("new_row_synthesis", "share of synthetic rows that copy no training row"),
            ("fidelity.column_shapes", "how alike each column's distribution is (1 = identical)"),
            ("fidelity.column_pair_trends", "how alike the relations between columns are (1 = identical)"),
            ("fidelity.overall", "SDMetrics quality: shapes and pair trends together"),
            ("fidelity.quality", "SDMetrics quality: shapes and pair trends together"),
            ("fidelity.ks_complement", "the worst numeric column's KS complement"),
            ("fidelity.tv_complement", "the worst categorical column's TV complement"),
            ("fidelity.correlation_similarity", "the worst pair's correlation similarity"),
            (
                "tstr.ratio",
                "a model trained on synthetic rows vs one trained on real rows, both tested on real holdout"
            ),
            ("tstr.auc", "AUC of a model trained on synthetic rows, tested on real holdout"),
            ("trts.ratio", "a real-trained model scored on synthetic rows vs on real holdout"),
            ("trts.auc", "AUC of a real-trained model tested on synthetic rows"),
            ("fairness.tstr_gap", "the largest AUC difference between subgroups of a protected attribute"),
            ("fairness.ratio_gap", "the largest TSTR-ratio difference between subgroups of a protected attribute"),
        ]
        return meanings.first { check.hasPrefix($0.prefix) }?.meaning
    }
}
