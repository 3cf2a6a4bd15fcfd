import ArgumentParser
import CharterCore
import CharterRegistry
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
            let now = registry.instant
            let statements = try source.map { [try store.budget(for: $0, at: now)] } ?? store.budgets(at: now)
            try reporter.emit(
                text: BudgetRendering.text(statements, asOf: now),
                json: ["as_of": .string(now.description), "sources": .array(statements.map(BudgetRendering.json))],
                findings: statements.flatMap { BudgetRendering.findings($0, registry: registry.path) })
        }
    }
}

/// How budgets are written out.
enum BudgetRendering {
    static func epsilon(_ value: Decimal?) -> String {
        value.map(\.text) ?? "unbounded"
    }

    static func text(_ statements: [BudgetStatement], asOf now: Timestamp) -> String {
        guard !statements.isEmpty else { return "no sources registered\n" }
        var text = ""
        for statement in statements {
            if !text.isEmpty { text += "\n" }
            text += "source \(statement.source)  (as of \(now))\n"
            let rows: [(String, String, String)] = [
                ("cap", statement.cap.epsilon.text, statement.cap.delta.text),
                ("committed", epsilon(statement.committed.epsilon), statement.committed.delta.text),
                ("reserved", epsilon(statement.reservedEpsilon), statement.reservedDelta.text),
                ("remaining", statement.remainingEpsilon.text, statement.remainingDelta.text),
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
        case .renyi(let order, let delta): "RDP/zCDP converted once at δ \(delta.text) (order \(order)), the rest basic"
        }
    }

    static func json(_ statement: BudgetStatement) -> JSONValue {
        func spend(_ epsilon: Decimal?, _ delta: Decimal) -> JSONValue {
            ["epsilon": epsilon.map { .string($0.text) } ?? .null, "delta": .string(delta.text)]
        }
        var composition: JSONValue = ["method": "basic"]
        switch statement.held.method {
        case .none: composition = ["method": "none"]
        case .basic: break
        case .renyi(let order, let delta):
            composition = ["method": "rdp", "order": .number(order), "conversion_delta": .string(delta.text)]
        }
        let expired = Set(statement.expiredLeases.map(\.id))
        return [
            "source": .string(statement.source),
            "registered_at": .string(statement.registeredAt.description),
            "cap": spend(statement.cap.epsilon, statement.cap.delta),
            "committed": spend(statement.committed.epsilon, statement.committed.delta),
            "reserved": spend(statement.reservedEpsilon, statement.reservedDelta),
            "remaining": spend(statement.remainingEpsilon, statement.remainingDelta),
            "exhausted": .bool(statement.isExhausted),
            "composition": composition,
            "runs": .array(
                statement.events.map { event in
                    var object: [String: JSONValue] = [
                        "event": .integer(Int(event.id)), "run": .string(event.run),
                        "mechanism": .string(event.mechanism),
                        "cost": event.cost.json, "state": .string(event.state.rawValue), "actor": .string(event.actor),
                        "reserved_at": .string(event.reservedAt.description),
                        "lease_expires_at": .string(event.leaseExpiresAt.description),
                        "lease_expired": .bool(expired.contains(event.id)),
                    ]
                    if let settled = event.settledAt { object["settled_at"] = .string(settled.description) }
                    if let reason = event.releaseReason { object["release_reason"] = .string(reason) }
                    return .object(object)
                }),
        ]
    }

    static func findings(_ statement: BudgetStatement, registry path: String) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        if statement.isExhausted {
            findings.append(
                .warning(
                    .budgetExhausted,
                    "privacy budget of \"\(statement.source)\" is used up: ε \(epsilon(statement.held.epsilon)) of \(statement.cap.epsilon.text) held",
                    at: .file(path)))
        }
        for event in statement.expiredLeases {
            findings.append(
                .warning(
                    .leaseExpired,
                    "reservation #\(event.id) of run \"\(event.run)\" on \"\(statement.source)\" expired at \(event.leaseExpiresAt)",
                    at: .file(path), help: "the next reservation on this registry releases it"))
        }
        return findings
    }
}
