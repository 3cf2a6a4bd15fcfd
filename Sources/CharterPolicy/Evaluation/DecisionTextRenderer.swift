/// Renders decisions as text for people: `charter check` prints the summary, `charter explain`
/// the summary and the trace.
public struct DecisionTextRenderer: Sendable {
    /// A renderer.
    public init() {}

    /// The decision, its tier, violations with their fixes, missing approvals and notes.
    public func summary(_ decision: Decision, file: String) -> String {
        var lines: [String] = []
        let tier = decision.tier.map { "tier \($0.value)" } ?? "no tier"
        lines.append(
            "\(file): \(decision.requestID): \(decision.outcome.rawValue) (\(tier), policy \(decision.policy))")
        for violation in decision.violations {
            lines.append("  deny    [\(violation.id)] \(violation.enforcement.rawValue): \(violation.message)")
            lines.append(
                "          at \(violation.requestLocation)"
                    + (violation.policyLocation.map { ", required by \($0)" } ?? ""))
            if let remedy = violation.remedy { lines.append("          fix: \(remedy)") }
        }
        for approval in decision.missingApprovals {
            lines.append("  missing approval (\(approval.source)): \(approval.remedy)")
        }
        for warning in decision.warnings {
            lines.append("  warn    [\(warning.id)] \(warning.message)")
        }
        for verdict in decision.approvals {
            let approval = verdict.approval
            let status = verdict.reason.map { "ignored: \($0)" } ?? "counts"
            lines.append("  approval \(approval.role.value) by \(approval.by.value) (\(approval.location)): \(status)")
        }
        for override in decision.overrides {
            lines.append("  override [\(override.rule)] by \(override.by) (recorded)")
        }
        for note in decision.notes { lines.append("  note: \(note)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The summary followed by every condition evaluated and its sub-expressions' values.
    public func explanation(_ decision: Decision, file: String) -> String {
        var lines = [summary(decision, file: file), "trace:"]
        for condition in decision.trace {
            let held = condition.held.map { $0 ? "holds" : "does not hold" } ?? "cannot be evaluated"
            lines.append("  \(condition.subject): \(condition.condition)  → \(held)  (\(condition.location))")
            for step in condition.steps.sorted(by: { ($0.location, $0.depth) < ($1.location, $1.depth) }) {
                let value = step.value?.description ?? "error: \(step.error ?? "unknown")"
                let indent = String(repeating: "  ", count: step.depth + 2)
                lines.append("\(indent)\(step.expression) = \(value)  (\(step.location.line):\(step.location.column))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
