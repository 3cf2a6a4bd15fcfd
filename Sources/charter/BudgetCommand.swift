import ArgumentParser
import CharterCore
import CharterRegistry
import CharterWorkflow
import Foundation

/// `charter budget [SOURCE]`: each source's privacy budget: cap, committed, reserved, remaining,
/// and every run's events.
struct BudgetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "budget",
        abstract: "Show privacy budgets: cap, committed, reserved, remaining, per run.",
        discussion: """
            Reservations whose lease has expired are shown as such and no longer count; the next \
            writer releases them. sarif, junit and github report exhausted budgets and expired leases \
            as warnings.
            """
    )

    @Argument(help: "One source dataset (default: all).")
    var source: String?

    @OptionGroup var registry: RegistryOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let reporter = RegistryReporter(output: output, path: registry.path, command: "budget")
        try reporter.run {
            let store = try registry.open()
            let now = try registry.instant().timestamp
            let statements = try source.map { [try store.budget(for: $0, at: now)] } ?? store.budgets(at: now)
            try reporter.emit(
                text: BudgetRendering.text(statements, asOf: now),
                json: ["as_of": .string(now.description), "sources": .array(statements.map(\.json))],
                findings: statements.flatMap { $0.findings(registry: registry.path) })
        }
    }
}

/// How budgets are written out.
enum BudgetRendering {
    static func epsilon(_ value: Decimal?) -> String {
        value.map(\.description) ?? "unbounded"
    }

    static func text(_ statements: [BudgetStatement], asOf now: Timestamp) -> String {
        guard !statements.isEmpty else { return "no sources registered\n" }
        var text = ""
        for statement in statements {
            if !text.isEmpty { text += "\n" }
            text += "source \(statement.source)  (as of \(now))\n"
            let rows: [(String, String, String)] = [
                ("cap", statement.cap.epsilon.description, statement.cap.delta.description),
                ("committed", epsilon(statement.committed.epsilon), statement.committed.delta.description),
                ("reserved", epsilon(statement.reservedEpsilon), statement.reservedDelta.description),
                ("remaining", statement.remainingEpsilon.description, statement.remainingDelta.description),
            ]
            let width = max(8, rows.map(\.1.count).max() ?? 0)
            text +=
                "  " + "".padding(toLength: 10, withPad: " ", startingAt: 0)
                + "ε".padding(toLength: width + 2, withPad: " ", startingAt: 0) + "δ\n"
            for (label, e, d) in rows {
                text +=
                    "  " + label.padding(toLength: 10, withPad: " ", startingAt: 0)
                    + e.padding(toLength: width + 2, withPad: " ", startingAt: 0) + d + "\n"
            }
            text += "  composition: \(method(statement.held.method))\n"
            let expired = Set(statement.expiredLeases.map(\.id))
            if statement.events.isEmpty {
                text += "  no runs\n"
                continue
            }
            text += "  runs:\n"
            for event in statement.events {
                let state = expired.contains(event.id) ? "expired" : event.state.rawValue
                text +=
                    "    #\(event.id)  \(event.run)  \(state)  \(event.cost.summary)  \(event.mechanism)  \(event.reservedAt)\n"
            }
        }
        return text
    }

    static func method(_ method: BudgetSpend.Method) -> String {
        switch method {
        case .none: "nothing spent"
        case .basic: "basic (ε and δ added)"
        case .renyi(let order, let delta): "RDP/zCDP converted once at δ \(delta.description) (order \(order)), the rest basic"
        }
    }
}
