/// Renders a plan as a Mermaid flowchart: the stages in order, each with its key parameters, and
/// an edge from every gate to a stop where nothing is published.
public enum PlanMermaidRenderer {
    /// The flowchart; deterministic, ends with a newline.
    public static func render(_ plan: Plan) -> String {
        var lines = ["flowchart TD"]
        lines.append("    %% plan \(plan.digest)")
        var previous: String?
        var gates: [String] = []
        for (index, stage) in plan.stages.enumerated() {
            let id = "S\(index + 1)"
            let label = ([stage.kind.rawValue] + summary(stage)).map(escape).joined(separator: "<br/>")
            let shape = stage.gate != nil ? "{{\"\(label)\"}}" : "[\"\(label)\"]"
            lines.append("    \(id)\(shape)")
            if let previous {
                lines.append("    \(previous) --> \(id)")
            }
            if stage.gate != nil { gates.append(id) }
            previous = id
        }
        if !gates.isEmpty {
            lines.append("    STOP[\"stop: nothing published\"]")
            for gate in gates { lines.append("    \(gate) -. fails .-> STOP") }
        }
        let state = plan.isReady ? "ready" : "pending approvals"
        lines.append("    INPUTS[/\"\(escape("policy \(plan.policy.name) · tier \(plan.policy.tier) · \(state)"))\"/]")
        lines.append("    INPUTS --> S1")
        return lines.joined(separator: "\n") + "\n"
    }

    static func summary(_ stage: PlanStage) -> [String] {
        switch stage {
        case .verifySource(let s):
            return [
                s.dataset, s.rows.map { "\($0) rows" } ?? "rows not declared",
                s.sha256.map { String($0.prefix(19)) + "…" } ?? "not pinned",
            ]
        case .holdoutSplit(let s):
            return ["fraction \(s.fraction.jsonText), seed \(s.seed)"]
        case .generate(let s):
            var lines = [s.generator, "\(s.rows) rows, seed \(s.seed)"]
            if let epsilon = s.epsilon { lines.append("ε \(epsilon.jsonText), δ \(s.delta?.jsonText ?? "?")") }
            if let split = s.budgetSplit { lines.append("zCDP ρ \(split.total.jsonText)") }
            return lines
        case .privacyGate(let gate), .utilityGate(let gate), .fairnessGate(let gate):
            return gate.checks.isEmpty ? ["no checks"] : gate.checks.map { "\($0.metric) \($0.comparison)" }
        case .certify(let s):
            return [
                "expires \(s.expiresAt?.description ?? "never")",
                "\(s.audience): \(s.consumers.joined(separator: ", "))",
            ]
        case .publish(let s):
            return [s.directory]
        }
    }

    /// Mermaid's entity codes for the characters that end a label or start markup.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\"": out += "#quot;"
            case "<": out += "#lt;"
            case ">": out += "#gt;"
            case "#": out += "#35;"
            default: out.append(character)
            }
        }
        return out
    }
}
