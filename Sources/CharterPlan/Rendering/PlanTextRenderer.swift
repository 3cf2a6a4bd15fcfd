#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Renders a plan for a person, in the spirit of `terraform plan`: what will run, with which
/// parameters and thresholds, what is wrong before anything runs, and the digests that pin it.
public enum PlanTextRenderer {
    /// The plan as text; deterministic, no colours, ends with a newline.
    public static func render(_ plan: Plan) -> String {
        var out: [String] = []
        let ticket = plan.request.ticket.map { "\($0), " } ?? ""
        out.append("Plan for \(plan.request.id) (\(ticket)requested by \(plan.request.requester))")
        out.append(
            "policy \(plan.policy.name)\(plan.policy.version.map { " \($0)" } ?? "") · tier \(plan.policy.tier)")
        out.append("")
        out.append("Charter will run these stages, in order; a failed gate stops the run and publishes nothing:")
        for (index, stage) in plan.stages.enumerated() {
            out.append("")
            out.append("  \(index + 1). \(stage.kind.rawValue)")
            out += parameters(stage).map { "       " + $0 }
        }
        out.append("")
        out += budget(plan.budget)
        if !plan.warnings.isEmpty {
            out.append("")
            out.append("Warnings:")
            for warning in plan.warnings {
                out.append("  \(warning.severity.rawValue)[\(warning.code)]: \(warning.message)")
            }
        }
        out.append("")
        out += approvals(plan)
        out.append("")
        out.append("Inputs:")
        out += table([
            ("policy", plan.inputs.policy), ("request", plan.inputs.request),
            ("source", plan.inputs.source ?? "(not pinned)"), ("ledger", plan.inputs.ledger),
        ]).map { "  " + $0 }
        out.append("")
        out.append("Plan digest: \(plan.digest)")
        let checks = plan.checks.count
        let errors = plan.blockingWarnings.count
        let summary =
            "Plan: \(plan.stages.count) stages, \(checks) check\(checks == 1 ? "" : "s"), "
            + "\(plan.warnings.count) warning\(plan.warnings.count == 1 ? "" : "s")"
            + (errors > 0 ? " (\(errors) blocking)" : "") + ". "
            + (plan.isReady
                ? (errors > 0
                    ? "Approved, but the run will stop where the blocking warnings say."
                    : "Ready to apply: charter apply plan.json")
                : "Pending: approvals bound to \(plan.digest) are needed before apply.")
        out.append(summary)
        return out.joined(separator: "\n") + "\n"
    }

    static func parameters(_ stage: PlanStage) -> [String] {
        let list: ([String]) -> String = { $0.isEmpty ? "(none)" : $0.joined(separator: ", ") }
        switch stage {
        case .verifySource(let s):
            return table([
                ("dataset", s.dataset), ("path", s.path), ("sha256", s.sha256 ?? "(not pinned)"),
                ("rows", s.rows.map(String.init) ?? "(not declared)"), ("classification", s.classification),
                ("privacy unit", s.privacyUnit ?? "(not declared)"), ("quasi-identifiers", list(s.quasiIdentifiers)),
                ("sensitive", list(s.sensitive)), ("protected", list(s.protected)), ("target", s.target ?? "(none)"),
                ("exclude", list(s.exclude)),
            ])
        case .holdoutSplit(let s):
            return table([
                ("fraction", s.fraction.jsonText), ("seed", String(s.seed)), ("stratify", s.stratify ?? "(none)"),
            ])
        case .generate(let s):
            var rows: [(String, String)] = [
                ("generator", s.generator + (s.differentiallyPrivate ? " (differentially private)" : "")),
                ("epsilon", s.epsilon?.jsonText ?? "(none)"), ("delta", s.delta?.jsonText ?? "(none)"),
                ("seed", String(s.seed)), ("rows", String(s.rows)),
            ]
            if s.draws > 1 || s.attempts > 1 {
                rows.append(
                    (
                        "draws",
                        "\(s.draws) per attempt, up to \(s.attempts) attempt\(s.attempts == 1 ? "" : "s"), all sampled from the one fitted model (no further budget)"
                    ))
            }
            if !s.declaredColumns.isEmpty { rows.append(("declared columns", list(s.declaredColumns))) }
            if let command = s.command { rows.append(("command", command.joined(separator: " "))) }
            for (index, pin) in (s.tool ?? []).enumerated() {
                rows.append((index == 0 ? "tool" : "", "\(pin.role) \(pin.path) \(pin.sha256)"))
            }
            rows.append(("noise", s.calibration))
            if let split = s.budgetSplit {
                rows.append(("accountant", split.accountant))
                rows.append(("budget", "ρ " + split.total.jsonText))
                for share in split.shares {
                    rows.append(
                        (
                            "",
                            share.fraction.jsonText + (share.budget.map { " (ρ \($0.jsonText))" } ?? "") + "  "
                                + share.mechanism
                        ))
                }
            }
            for key in s.parameters.keys.sorted() {
                rows.append(("parameter", "\(key) = " + ((try? s.parameters[key]?.canonical()) ?? "?")))
            }
            return table(rows)
        case .privacyGate(let gate), .utilityGate(let gate), .fairnessGate(let gate):
            guard !gate.checks.isEmpty else { return ["(no checks: the policy sets none for this tier)"] }
            return table(
                gate.checks.map { check in
                    (check.metric, check.comparison + "  (" + check.source + detail(check) + ")")
                })
        case .certify(let s):
            return table([
                ("expires", s.expiresAt?.description ?? "(never)"),
                ("warn", s.warnDays.map { "\($0) days before expiry" } ?? "(none)"),
                ("revalidate", s.revalidateEveryDays.map { "every \($0) days" } ?? "(not required)"),
                (
                    "drift",
                    s.revalidation.map {
                        "at most \($0.driftThreshold) per column" + ($0.enforce ? "; overdue or failed blocks use" : "")
                    } ?? "(policy default 0.1)"
                ),
                ("purpose", s.purpose), ("audience", s.audience), ("consumers", list(s.consumers)),
                ("jurisdiction", s.jurisdiction ?? "(not stated)"), ("signature", s.signature),
            ])
        case .publish(let s):
            return table([
                ("synthetic", s.synthetic), ("certificate", s.certificate), ("report", s.reportJSON),
                ("html report", s.reportHTML),
            ])
        }
    }

    /// The columns or protocol a check measures on, briefly.
    static func detail(_ check: PlanCheck) -> String {
        func names(_ key: String) -> [String] { check.parameters[key]?.arrayValue?.compactMap(\.stringValue) ?? [] }
        switch check.metric {
        case "k_anonymity": return "; on " + names("quasi_identifiers").joined(separator: ", ")
        case "l_diversity":
            return "; " + names("sensitive").joined(separator: ", ") + " within "
                + names("quasi_identifiers").joined(separator: ", ")
        case "tstr.ratio", "trts.ratio":
            let target = check.parameters["target"]?.stringValue ?? "?"
            let metric = check.parameters["metric"]?.stringValue ?? "auc"
            return "; \(metric) of \(check.parameters["model"]?.stringValue ?? "?") on \(target)"
        default:
            let protected = names("protected")
            return protected.isEmpty ? "" : "; across " + protected.joined(separator: ", ")
        }
    }

    static func budget(_ b: BudgetForecast) -> [String] {
        guard b.draws else {
            return ["Budget (\(b.source)): not drawn; the generator gives no differential-privacy guarantee."]
        }
        let cap = b.capEpsilon.map { "\($0.jsonText) (cap from the \(b.capSource))" } ?? "no cap"
        let spent = b.spentEpsilon?.jsonText ?? "∞"
        return [
            "Budget (\(b.source)):",
            "  ε  spent \(spent) + this run \(b.runEpsilon?.jsonText ?? "0") of \(cap) → \(b.remainingEpsilon.map { "\($0.jsonText) left" } ?? "unknown left")",
            "  δ  spent \(b.spentDelta.jsonText) + this run \(b.runDelta?.jsonText ?? "0") of \(b.capDelta?.jsonText ?? "no cap") → \(b.remainingDelta.map { "\($0.jsonText) left" } ?? "unknown left")",
            "  " + (b.fits ? "fits" : "DOES NOT FIT: the ledger will refuse the reservation")
                + " (basic composition, an upper bound; spend on noise stays spent even if a later gate fails)",
        ]
    }

    static func approvals(_ plan: Plan) -> [String] {
        let status = plan.approvals
        var out = ["Approvals: \(status.state.rawValue)"]
        for need in status.needed {
            let roles = need.roles.isEmpty ? "(no override role)" : need.roles.joined(separator: " or ")
            out.append(
                need.isOverride
                    ? "  needed: an override of rule \(need.source) by \(roles)"
                    : "  needed: \(need.count) approval\(need.count == 1 ? "" : "s") by \(roles) (\(need.source))")
        }
        for rejected in status.rejected {
            out.append("  not counted: \(rejected.role) by \(rejected.by): \(rejected.reason)")
        }
        if status.state == .pending {
            out.append("  bind each approval to this plan with  plan: \"\(plan.digest)\"")
        }
        return out
    }

    /// Two aligned columns.
    static func table(_ rows: [(String, String)]) -> [String] {
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { $0.0 + String(repeating: " ", count: width - $0.0.count + 2) + $0.1 }
    }
}
