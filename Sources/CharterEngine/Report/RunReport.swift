public import CharterCore

/// What a run measured and decided, for `report.json` and `report.html`.
public struct RunReport: Sendable {
    /// How the run ended.
    public enum Outcome: String, Sendable {
        /// Every gate passed; the data, certificate and reports were published.
        case published
        /// A gate failed; nothing was published.
        case gateFailed = "gate-failed"
    }

    public var requestID: String
    public var planDigest: String
    public var outcome: Outcome
    /// Every gate check, in the order the gates ran.
    public var gates: [GateCheck]
    /// Lineage as label → value lines, in display order.
    public var lineage: [(label: String, value: String)]
    /// Privacy spent and its accounting, label → value lines.
    public var privacy: [(label: String, value: String)]
    /// Real vs synthetic marginals, one per modelled column.
    public var marginals: [Marginal]
    /// The columns of the correlation matrices.
    public var correlationColumns: [String]
    /// Pearson correlations of the real training rows (`nil` where undefined).
    public var realCorrelations: [[Double?]]
    /// Pearson correlations of the synthetic rows.
    public var syntheticCorrelations: [[Double?]]
    /// Things a person should know (generator warnings, budget spent on a failed run).
    public var warnings: [String]
    /// Every metric computed, as `charter evaluate --format json` names them.
    public var evaluation: JSONValue
    /// The certificate's id, when one was issued.
    public var certificateID: String?

    public init(
        requestID: String, planDigest: String, outcome: Outcome, gates: [GateCheck],
        lineage: [(label: String, value: String)], privacy: [(label: String, value: String)], marginals: [Marginal],
        correlationColumns: [String], realCorrelations: [[Double?]], syntheticCorrelations: [[Double?]],
        warnings: [String], evaluation: JSONValue, certificateID: String?
    ) {
        self.requestID = requestID
        self.planDigest = planDigest
        self.outcome = outcome
        self.gates = gates
        self.lineage = lineage
        self.privacy = privacy
        self.marginals = marginals
        self.correlationColumns = correlationColumns
        self.realCorrelations = realCorrelations
        self.syntheticCorrelations = syntheticCorrelations
        self.warnings = warnings
        self.evaluation = evaluation
        self.certificateID = certificateID
    }

    /// The failed checks.
    public var failedGates: [GateCheck] { gates.filter { !$0.passed } }

    /// `report.json`.
    public var json: JSONValue {
        func lines(_ items: [(label: String, value: String)]) -> JSONValue {
            .array(items.map { ["label": .string($0.label), "value": .string($0.value)] })
        }
        func matrix(_ m: [[Double?]]) -> JSONValue {
            .array(m.map { .array($0.map { $0.map(JSONValue.number) ?? .null }) })
        }
        return [
            "charter_report": 1,
            "request_id": .string(requestID), "plan_digest": .string(planDigest), "outcome": .string(outcome.rawValue),
            "certificate_id": certificateID.map(JSONValue.string) ?? .null,
            "gates": .array(gates.map(\.json)),
            "lineage": lines(lineage), "privacy": lines(privacy),
            "marginals": .array(marginals.map(\.json)),
            "correlations": [
                "columns": .array(correlationColumns.map(JSONValue.string)), "real": matrix(realCorrelations),
                "synthetic": matrix(syntheticCorrelations),
            ],
            "warnings": .array(warnings.map(JSONValue.string)),
            "evaluation": evaluation,
        ]
    }
}

extension GateCheck {
    /// The check as JSON, with its shortfall when it failed.
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "gate": .string(gate.rawValue), "check": .string(check), "threshold": .number(threshold),
            "bound": .string(bound.rawValue), "passed": .bool(passed),
            "measured": measured.flatMap { $0.isFinite ? JSONValue.number($0) : nil } ?? .null,
        ]
        if let shortfall { object["shortfall"] = .number(shortfall) }
        if let note { object["note"] = .string(note) }
        return .object(object)
    }
}
