internal import CharterCore

extension ReportHTMLRenderer {
    /// Differential privacy mechanism by mechanism, then what the attacks and disclosure measures found.
    func privacySection(_ report: RunReport) -> String {
        var html = "<h3>Differential privacy</h3>\n"
        html += mechanisms(report)
        html += "<h3>Re-identification: k-anonymity over the quasi-identifiers</h3>\n" + kAnonymity(report)
        html += "<h3>Copying: distance to the closest record</h3>\n" + distances(report)
        html += "<h3>Membership inference</h3>\n" + membership(report)
        html += "<h3>Attribute inference</h3>\n" + attributeInference(report)
        if !report.privacyNotes.isEmpty {
            html += "<h3>Not measured</h3>\n"
            html += HTMLDocument.table(
                ["measure", "why"], report.privacyNotes.map { [.text($0.measure), .text($0.note)] })
        }
        return section("privacy", "Privacy validation", newPage: true, html)
    }

    func mechanisms(_ report: RunReport) -> String {
        guard let spend = report.spend else {
            return "<p>None: the generator <code>\(report.lineage.generator.htmlEscaped)</code> adds no calibrated "
                + "noise, so the release carries no differential-privacy guarantee.</p>\n"
        }
        var html = "<p class=\"explain\">The generator touched the training rows only through the mechanisms below; "
        html += "each adds noise calibrated to how much one patient can change what it releases. Together they spend "
        html += "ε = \(GateCheck.format(spend.epsilon)), δ = \(GateCheck.format(spend.delta)) "
        html += "(\(spend.accountant.htmlEscaped)).</p>\n"
        if spend.mechanisms.isEmpty {
            return html + "<p>The generator listed no mechanisms"
                + (spend.claimedByExternalTool ? ": the spend is claimed by an external tool." : ".") + "</p>\n"
        }
        let rows: [[HTMLDocument.Cell]] = spend.mechanisms.enumerated().map { index, mechanism in
            [
                .number(String(index + 1)),
                .html(
                    "<strong>\(Self.plainLine(mechanism, spend: spend).htmlEscaped)</strong>"
                        + "<div class=\"note\"><code>\(mechanism.name.htmlEscaped)</code>; noise: "
                        + "\(mechanism.noise.htmlEscaped); randomness: \(mechanism.randomness.htmlEscaped)</div>"),
                .text(Self.guarantee(mechanism)),
                .number(mechanism.share.map { ReportCharts.percent($0) } ?? "—"),
                .number(GateCheck.format(mechanism.sensitivity)),
            ]
        }
        html += HTMLDocument.table(
            ["#", "what was protected, and how", "guarantee", "share of the run#", "sensitivity#"], rows, class: "wide")
        html += "<p class=\"note\">Share: the mechanism's part of the run's total in the accountant's unit (ρ under "
        html += "zCDP adds across mechanisms). Implementation: "
        html += Array(Set(spend.mechanisms.map(\.implementation))).sorted().map { $0.htmlEscaped }.joined(
            separator: "; ")
        html += ".</p>\n"
        return html
    }

    /// `The counts of 'age' in 21 bins: Gaussian noise, 12% of the run's privacy budget.`
    static func plainLine(_ mechanism: RunReport.Mechanism, spend: RunReport.Spend) -> String {
        let what: String
        if let subject = mechanism.subject {
            what = subject.prefix(1).uppercased() + subject.dropFirst()
        } else {
            switch mechanism.name {
            case "noisy-histogram": what = "A histogram (one count per bin)"
            case "noisy-count": what = "A count of rows"
            case "noisy-sum": what = "A sum of clipped values"
            case "noisy-mean": what = "A mean of clipped values"
            case "gaussian-vector": what = "A vector of clipped sums"
            case "dp-sgd": what = "The model's training steps"
            default: what = "The mechanism '\(mechanism.name)'"
            }
        }
        let noise =
            mechanism.noise.contains("Gaussian")
            ? "Gaussian noise" : (mechanism.noise.contains("Laplace") ? "Laplace noise" : "noise")
        var line = "\(what): \(noise)"
        if let share = mechanism.share { line += ", \(ReportCharts.percent(share)) of this run's privacy budget" }
        return line
    }

    /// `ρ = 0.0123 (zCDP)`, `ε = 1, δ = 1e-6`.
    static func guarantee(_ mechanism: RunReport.Mechanism) -> String {
        switch mechanism.guaranteeKind {
        case "zcdp": "ρ = \(GateCheck.format(mechanism.guaranteeValue)) (zCDP)"
        case "pure": "ε = \(GateCheck.format(mechanism.guaranteeValue)) (pure)"
        default:
            "ε = \(GateCheck.format(mechanism.guaranteeValue)), δ = \(value(mechanism.guaranteeDelta))"
        }
    }

    func kAnonymity(_ report: RunReport) -> String {
        guard let k = report.kAnonymityClasses else {
            return "<p class=\"muted\">Not measured (see below).</p>\n"
        }
        var html = "<p class=\"explain\">Patients are grouped by their quasi-identifiers ("
        html += k.quasiIdentifiers.map { "<code>\($0.htmlEscaped)</code>" }.joined(separator: ", ")
        html += "): an attacker who knows them about a person can single out a group, so groups smaller than "
        html +=
            "k = \(k.threshold) are the risk. What counts is whether a synthetic row points into a small real group.</p>\n"
        func row(_ label: String, _ t: RunReport.KAnonymityClasses.Table) -> [HTMLDocument.Cell] {
            [
                .text(label), .number(String(t.rows)), .number(String(t.classes)), .number(String(t.k)),
                .number(String(t.singletons)), .number(String(t.classesBelowThreshold)),
                .number(String(t.rowsInClassesBelowThreshold)),
            ]
        }
        html += HTMLDocument.table(
            ["table", "rows#", "groups#", "smallest group#", "groups of one#", "groups under k#", "rows in them#"],
            [row("training (real)", k.train), row("synthetic", k.synthetic)])
        html += HTMLDocument.facts([
            ("synthetic rows in a real group under k = \(k.threshold)", String(k.syntheticRowsInSmallTrainClasses)),
            ("synthetic rows in a real group of one person", String(k.syntheticRowsInTrainSingletons)),
            ("synthetic rows matching no real group", String(k.syntheticRowsAbsentFromTrain)),
        ])
        if let l = report.privacy?.lDiversity {
            html += "<p>l-diversity over <code>\(l.sensitive.htmlEscaped)</code>: every synthetic group holds at least "
            html += "\(l.distinctL) distinct values (entropy l \(GateCheck.format(l.entropyL))).</p>\n"
        }
        return html
    }

    func distances(_ report: RunReport) -> String {
        guard let dcr = report.privacy?.distanceToClosestRecord else {
            return "<p class=\"muted\">Not measured (see below).</p>\n"
        }
        var html =
            "<div class=\"grid\"><div>\n<p class=\"explain\">For each synthetic row, the distance to its closest "
        html += "training row (rows the generator saw) and to its closest holdout row (rows it never saw, as many). A "
        html +=
            "generator that memorised patients puts synthetic rows closer to training rows than to holdout rows.</p>\n"
        var facts: [(label: String, value: String)] = [
            ("synthetic rows closer to a training row", ReportCharts.percent(dcr.closerToTraining) + " (50% expected)"),
            (
                "overfitting protection (SDMetrics)",
                GateCheck.format(dcr.overfittingProtection) + " (1 = none detected)"
            ),
            ("median distance to training", GateCheck.format(dcr.medianToTraining)),
            ("median distance to holdout", GateCheck.format(dcr.medianToHoldout)),
        ]
        if let newRows = report.privacy?.newRowSynthesis {
            facts.append(("synthetic rows that copy no training row", ReportCharts.percent(newRows)))
        }
        html += HTMLDocument.facts(facts) + "</div>\n"
        if let histogram = report.distances {
            html += "<figure class=\"plot\">" + ReportCharts.distanceHistogram(histogram)
            html += "<figcaption class=\"legend\"><span><span class=\"swatch\" style=\"background:"
            html += "\(ReportCharts.trainingColor)\"></span>to training</span><span><span class=\"swatch\" "
            html += "style=\"background:\(ReportCharts.holdoutColor)\"></span>to holdout</span></figcaption></figure>\n"
        }
        return html + "</div>\n"
    }

    func membership(_ report: RunReport) -> String {
        guard let attack = report.privacy?.membershipInference else {
            return "<p class=\"muted\">Not measured (see below).</p>\n"
        }
        var html = "<div class=\"grid\"><div>\n<p class=\"explain\">An attacker holding the synthetic data guesses "
        html += "that a person was in the training data when a synthetic row lies close to them. Half the people "
        html += "tested were, half were not, so 0.5 is a coin toss.</p>\n"
        var accuracy = GateCheck.format(attack.accuracy)
        if let interval = report.membershipAccuracyInterval {
            accuracy += " [\(GateCheck.format(interval.lower)), \(GateCheck.format(interval.upper))] "
            accuracy += "\(GateCheck.format(interval.level * 100))% (\(interval.method))"
        }
        var facts: [(label: String, value: String)] = [("accuracy", accuracy)]
        var auc = Self.value(attack.auc)
        if let u = report.membershipAUCInterval {
            auc += " [\(GateCheck.format(u.lower)), \(GateCheck.format(u.upper))] \(GateCheck.format(u.level * 100))% "
            auc += "(\(u.method))"
        }
        facts.append(("AUC", auc))
        facts.append(("attack", attack.attack))
        html += HTMLDocument.facts(facts) + "</div>\n"
        if let roc = report.membershipROC {
            html += "<figure class=\"plot\">" + ReportCharts.roc(roc, auc: attack.auc)
            html += "<figcaption class=\"note\">red: the attack; dashed: guessing</figcaption></figure>\n"
        }
        return html + "</div>\n"
    }

    func attributeInference(_ report: RunReport) -> String {
        guard !report.attributeInference.isEmpty else {
            return "<p class=\"muted\">Not measured (see below).</p>\n"
        }
        var html = "<p class=\"explain\">An attacker who knows a person's quasi-identifiers guesses a sensitive "
        html += "value as that of the closest synthetic row (anonymeter). The risk compares success on training "
        html += "patients with success on holdout patients the generator never saw: 0 means the synthetic data "
        html += "teaches nothing about the training patients beyond what it teaches about anyone.</p>\n"
        let rows: [[HTMLDocument.Cell]] = report.attributeInference.map { a in
            [
                .html("<code>\(a.secret.htmlEscaped)</code>"),
                .text(a.auxiliaryColumns.joined(separator: ", ")),
                .number(ReportCharts.percent(a.attackRate)), .number(ReportCharts.percent(a.controlRate)),
                .number(ReportCharts.percent(a.baselineRate)),
                .number(
                    "\(GateCheck.format(a.risk)) [\(GateCheck.format(a.riskLower)), \(GateCheck.format(a.riskUpper))] "
                        + "\(GateCheck.format(a.level * 100))%"),
            ]
        }
        html += HTMLDocument.table(
            ["secret", "attacker knows", "success on training#", "on holdout#", "random guess#", "risk#"], rows)
        return html
    }
}
