public import CharterCore
public import CharterPolicy

/// A draft data protection impact assessment (GDPR Art. 35(7)) for one request: the description of
/// the processing and its purposes, its necessity and proportionality, the risks the policy saw,
/// and the measures it imposes, all taken from the request and the policy's decision; and, marked
/// as such, what only the controller can write (legal basis, the DPO's advice, residual risk).
public struct ImpactAssessment: Sendable {
    public let title: String
    /// Sections in Art. 35(7) order, then the decision and the controller's part.
    public let sections: [ModelCard.Section]

    /// The draft for `request`, decided under `policy` as `decision`.
    public init(request r: GenerationRequest, policy: Policy, decision: Decision) {
        func names(_ list: Located<[Located<String>]>?) -> String {
            let values = list?.value.map(\.value) ?? []
            return values.isEmpty ? "none" : values.joined(separator: ", ")
        }
        title = "Data protection impact assessment (draft): \(r.id.value)"
        let source = r.source
        var sections: [ModelCard.Section] = []
        sections.append(
            ModelCard.Section(
                title: "1. Description of the processing and its purposes (Art. 35(7)(a))",
                lines: [
                    "Request \(r.id.value)\(r.ticket.map { " (ticket \($0.value))" } ?? ""), requested by \(r.requester.value)",
                    "Purpose: \(r.purpose.value); audience: \(r.audience.value); consumers: \(names(r.consumers))",
                    "Processing: synthetic data generated from \(source.dataset.value) (\(source.classification.value)\(source.rows.map { ", \($0.value) rows" } ?? "")) with \(r.generator.type.value)"
                        + (r.generator.epsilon.map { ", ε \($0.value)" } ?? "") + (r.generator.delta.map { ", δ \($0.value)" } ?? "")
                        + "; \(r.output.rows.value) synthetic rows",
                    "Jurisdictions: request \(r.jurisdiction?.value ?? "not stated"), source \(source.jurisdiction?.value ?? "not stated"); high-risk AI use: \(r.highRiskAI?.value == true ? "yes" : "no")",
                    "Retention: the certificate expires \(r.expiresAt.map { "\($0.value)" } ?? "when the tier's maximum says")",
                ]))
        let purposeViolation = decision.violations.contains { $0.id.hasPrefix("purpose") || $0.id == "purposes" }
        sections.append(
            ModelCard.Section(
                title: "2. Necessity and proportionality (Art. 35(7)(b))",
                lines: [
                    "Purpose limitation: \(purposeViolation ? "the purpose is NOT one the policy allows" : "the purpose is one of the policy's: \(policy.purposes.map(\.value).joined(separator: ", "))")",
                    "Columns excluded from modelling: \(names(source.exclude))",
                    "Quasi-identifiers declared: \(names(source.quasiIdentifiers)); sensitive: \(names(source.sensitive)); protected: \(names(source.protected))",
                    "Unit of privacy: \(source.privacyUnit?.value ?? "not stated (one row taken as one person)")",
                ]))
        var risks = ["Risk tier chosen by the policy: \(decision.tier?.value ?? "none (denied)")"]
        for trace in decision.trace where trace.held == true {
            risks.append("Held: \(trace.subject): \(trace.condition)")
        }
        risks += decision.warnings.map { "Advisory \($0.id): \($0.message)" }
        risks += decision.violations.map { "Violation \($0.id): \($0.message)" }
        risks += decision.notes.map { "Note: \($0)" }
        sections.append(ModelCard.Section(title: "3. Risks to the rights and freedoms of data subjects (Art. 35(7)(c))", lines: risks))
        var measures: [String] = []
        if let tier = decision.tier, let controls = policy.tier(named: tier.value)?.controls {
            for control in [
                "differential_privacy", "generators", "k_anonymity", "l_diversity", "membership_inference",
                "distance_to_closest_record", "fidelity", "tstr", "trts", "fairness", "approvals", "expiry", "access",
            ] {
                if let setting = ComplianceReport.setting(of: control, in: controls, policy: policy) {
                    measures.append("\(control): \(setting)")
                }
            }
        }
        if let budgets = ComplianceReport.setting(of: "budgets", in: nil, policy: policy) { measures.append(budgets) }
        measures += [
            "Every run is planned, approved against its plan digest, spends its budget once, and is recorded in a hash-chained audit trail.",
            "Each release is certified (signed, expiring, revocable) and may be used only by its audience and consumers.",
        ]
        sections.append(ModelCard.Section(title: "4. Measures to address the risks (Art. 35(7)(d))", lines: measures))
        var outcome = ["Decision today: \(decision.outcome.rawValue)"]
        outcome += decision.missingApprovals.map { "Approval still needed: \($0.remedy)" }
        outcome += decision.approvals.map { verdict in
            "Approval by \(verdict.approval.by.value) as \(verdict.approval.role.value): \(verdict.reason.map { "does not count: \($0)" } ?? "counts")"
        }
        sections.append(ModelCard.Section(title: "5. The policy's decision", lines: outcome))
        sections.append(
            ModelCard.Section(
                title: "6. For the controller to complete (not shown by Charter)",
                lines: [
                    "Legal basis (Art. 6) and the condition for health data (Art. 9(2)): TO COMPLETE",
                    "Advice of the data protection officer (Art. 35(2)): TO COMPLETE",
                    "Views of data subjects or their representatives, where appropriate (Art. 35(9)): TO COMPLETE",
                    "Residual risk and whether prior consultation of the supervisory authority is needed (Art. 36): TO COMPLETE",
                ]))
        self.sections = sections
    }

    /// The draft as Markdown.
    public var markdown: String { ModelCard.markdown(title: title, sections: sections) }

    /// The draft as one self-contained HTML page.
    public var html: String { ModelCard.html(title: title, sections: sections) }

    /// The draft as data.
    public var json: JSONValue { ModelCard.json(title: title, sections: sections) }
}
