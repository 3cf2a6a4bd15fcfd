public import CharterCore

/// A data card for a certified synthetic dataset, in the spirit of model cards (Mitchell et al.
/// 2019) and datasheets for datasets (Gebru et al. 2021): what it is, what it may be used for,
/// what it was made from and how, what privacy it spent and what the attacks measured, how useful
/// it measured, every gate with its margin, and its limits. Everything comes from the signed
/// certificate: nothing is read from the data.
public struct ModelCard: Sendable {
    /// One section: a heading and its lines (each `label: value`, or a sentence).
    public struct Section: Sendable {
        public var title: String
        public var lines: [String]
    }

    public let title: String
    public let sections: [Section]

    /// The card of the certificate `json`.
    public init(certificate json: JSONValue) {
        func text(_ path: String) -> String { ComplianceReport.value(at: path, in: json) ?? "not recorded" }
        func list(_ path: String) -> String {
            var node: JSONValue? = json
            for key in path.split(separator: ".") { node = node?[String(key)] }
            return node?.arrayValue?.compactMap(\.stringValue).joined(separator: ", ") ?? "not recorded"
        }
        title = "Data card: \(text("request.id")) (certificate \(text("id")))"
        var sections: [Section] = []
        sections.append(
            Section(
                title: "Overview",
                lines: [
                    "Certificate: \(text("id")), signed by key \(text("signature.key_id"))",
                    "Issued: \(text("issued_at")); expires: \(text("expires_at"))",
                    "Request: \(text("request.id")) (ticket \(text("request.ticket"))), requested by \(text("request.requester"))",
                    "Policy: \(text("policy.name")) \(text("policy.version")), tier \(text("tier")), digest \(text("policy.digest"))",
                    "Synthetic file: \(text("lineage.synthetic.file")), \(text("lineage.synthetic.rows")) rows, \(text("lineage.synthetic.sha256"))",
                ]))
        sections.append(
            Section(
                title: "Intended use",
                lines: [
                    "Purpose: \(text("usage.purpose"))", "Audience: \(text("usage.audience"))",
                    "Consumers: \(list("usage.consumers"))",
                    "Out of scope: any other purpose, audience or consumer; use after expiry or revocation; any attempt to re-identify people in the source.",
                ]))
        sections.append(
            Section(
                title: "Source data",
                lines: [
                    "Dataset: \(text("lineage.source.dataset")) (\(text("lineage.source.classification"))), \(text("lineage.source.rows")) rows, \(text("lineage.source.sha256"))",
                    "Held out for measurement: \(text("lineage.split.holdout_rows")) rows (fraction \(text("lineage.split.holdout_fraction")), seed \(text("lineage.split.seed"))); the generator saw \(text("lineage.split.train_rows"))",
                    "Columns modelled: \(list("lineage.synthetic.columns"))",
                ]))
        sections.append(
            Section(
                title: "Generator",
                lines: [
                    "\(text("lineage.generator.name")) version \(text("lineage.generator.version")), seed \(text("lineage.generator.seed"))",
                    "Noise: \(text("lineage.generator.parameters.noise"))",
                ]))
        let dp = json["privacy"]?["differentially_private"] == .bool(true)
        sections.append(
            Section(
                title: "Privacy",
                lines: [
                    dp
                        ? "Differentially private: ε \(text("privacy.epsilon_spent")), δ \(text("privacy.delta_spent")) (\(text("privacy.accountant")))"
                        : "Not differentially private: the privacy evidence is the attacks below only.",
                    "Membership inference: accuracy \(text("privacy.membership_inference.accuracy")), AUC \(text("privacy.membership_inference.auc")) (0.5 is a coin toss)",
                    "Distance to closest record: overfitting protection \(text("privacy.distance_to_closest_record.overfitting_protection"))",
                    "k-anonymity over the quasi-identifiers: k \(text("privacy.k_anonymity.k"))",
                    "New rows (not copies of training rows): \(text("privacy.new_row_synthesis"))",
                ]))
        sections.append(
            Section(
                title: "Utility",
                lines: [
                    "SDMetrics quality: \(text("utility.quality.overall")) (column shapes \(text("utility.quality.column_shapes")), pair trends \(text("utility.quality.column_pair_trends")))",
                    "TSTR on \(text("utility.tstr.target")): ratio \(text("utility.tstr.ratio")) (AUC synthetic→holdout \(text("utility.tstr.auc_tstr")), train→holdout \(text("utility.tstr.auc_trtr")))",
                ]))
        var gates: [String] = []
        var closest: (margin: Double, line: String)?
        for gate in json["gates"]?.arrayValue ?? [] {
            let check = gate["check"]?.stringValue ?? "?"
            let measured = gate["measured"]?.doubleValue
            let threshold = gate["threshold"]?.doubleValue
            let passed = gate["passed"] == .bool(true)
            var line = "\(check): measured \(measured.map(ComplianceReport.number) ?? "?"), threshold \(threshold.map(ComplianceReport.number) ?? "?"), \(passed ? "passed" : "FAILED")"
            if let measured, let threshold {
                let margin = gate["bound"]?.stringValue == "max" ? threshold - measured : measured - threshold
                line += ", margin \(ComplianceReport.number(margin))"
                // The spend gates equal their caps by construction; the measured gates are the news.
                let measuredGate = !check.hasPrefix("epsilon_spent") && !check.hasPrefix("delta_spent")
                if measuredGate, threshold != 0, closest.map({ margin / abs(threshold) < $0.margin }) ?? true {
                    closest = (margin / abs(threshold), check)
                }
            }
            gates.append(line)
        }
        sections.append(Section(title: "Gates", lines: gates.isEmpty ? ["No gate recorded."] : gates))
        var limits = [
            "Synthetic rows reproduce what the generator models (for the copulas: each column's distribution and the pairwise correlations); interactions of three or more columns, rare subgroups and time order may be lost.",
            "The measurements are on \(text("lineage.split.holdout_rows")) held-out rows: small holdouts make them noisy.",
            "The attacks bound the risks Charter measured, not every attack; linkage with outside data is not measured.",
        ]
        if let closest {
            limits.insert(
                "The measured gate closest to its threshold: \(closest.line) (margin \(ComplianceReport.number(closest.margin * 100))% of the threshold).",
                at: 0)
        }
        sections.append(Section(title: "Limitations", lines: limits))
        sections.append(
            Section(
                title: "Provenance",
                lines: [
                    "Plan digest: \(text("plan_digest")); request digest: \(text("request.digest"))",
                    "Audit chain at issue: record \(text("audit_head.seq")), \(text("audit_head.hash"))",
                    "Verify: charter cert verify CERTIFICATE --data \(text("lineage.synthetic.file"))",
                ]))
        self.sections = sections
    }

    /// The card as Markdown.
    public var markdown: String { Self.markdown(title: title, sections: sections) }

    /// The card as one self-contained HTML page (no scripts, everything escaped).
    public var html: String { Self.html(title: title, sections: sections) }

    /// The card as data.
    public var json: JSONValue { Self.json(title: title, sections: sections) }

    /// A document of titled sections of lines as Markdown.
    static func markdown(title: String, sections: [Section]) -> String {
        var lines = ["# \(title)"]
        for section in sections {
            lines += ["", "## \(section.title)", ""] + section.lines.map { "- \($0)" }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The same document as one self-contained HTML page (no scripts, everything escaped, A4 print),
    /// in the frame every Charter document shares (``HTMLDocument``).
    static func html(title: String, sections: [Section]) -> String {
        let body = sections.map { section in
            "<section><h2>\(section.title.htmlEscaped)</h2><ul>"
                + section.lines.map { "<li>\($0.htmlEscaped)</li>" }.joined() + "</ul></section>"
        }.joined(separator: "\n")
        return HTMLDocument.page(
            title: title, style: "li { margin: .2rem 0; overflow-wrap: anywhere; } section { break-inside: avoid; }",
            body: "<h1>\(title.htmlEscaped)</h1>\n\(body)")
    }

    /// The same document as data.
    static func json(title: String, sections: [Section]) -> JSONValue {
        [
            "title": .string(title),
            "sections": .array(sections.map { ["title": .string($0.title), "lines": .array($0.lines.map(JSONValue.string))] }),
        ]
    }
}
