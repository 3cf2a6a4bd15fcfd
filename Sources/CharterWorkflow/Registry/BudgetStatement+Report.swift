public import CharterCore
public import CharterRegistry
import Foundation

extension BudgetStatement {
    /// The statement as `charter budget --format json` prints it and a server returns it.
    public var json: JSONValue {
        let statement = self
        func spend(_ epsilon: Decimal?, _ delta: Decimal) -> JSONValue {
            ["epsilon": epsilon.map { .string($0.description) } ?? .null, "delta": .string(delta.description)]
        }
        var composition: JSONValue = ["method": "basic"]
        switch statement.held.method {
        case .none: composition = ["method": "none"]
        case .basic: break
        case .renyi(let order, let delta):
            composition = ["method": "rdp", "order": .number(order), "conversion_delta": .string(delta.description)]
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

    /// What a privacy officer is warned of: a used-up budget, reservations whose lease expired.
    public func findings(registry path: String) -> [Diagnostic] {
        let statement = self
        var findings: [Diagnostic] = []
        if statement.isExhausted {
            findings.append(
                .warning(
                    .budgetExhausted,
                    "privacy budget of \"\(statement.source)\" is used up: ε \(statement.held.epsilon.map(\.description) ?? "unbounded") of \(statement.cap.epsilon.description) held",
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
