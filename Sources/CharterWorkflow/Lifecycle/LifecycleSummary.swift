public import CharterCore
public import CharterRegistry

/// What `catalog show` says about a certificate's life after issue: its latest revalidation, its
/// accesses, its retirement.
public struct LifecycleSummary: Sendable {
    public var events: [LifecycleEvent]
    public var status: RevalidationStatus

    /// The summary of `certificate` at `now`, from its events.
    public init(certificate: CertificateRecord, events: [LifecycleEvent], at now: Timestamp) {
        self.events = events
        status = RevalidationStatus(LifecycleContext(certificate: certificate, events: events), at: now)
    }

    /// Label → value lines, in display order.
    public var lines: [(label: String, value: String)] {
        var lines: [(String, String)] = []
        if let latest = events.last(where: { $0.kind == .revalidation }) {
            let drifted =
                latest.details["drift"]?.arrayValue?.filter {
                    ($0["distance"]?.doubleValue ?? 0) > (latest.details["drift_threshold"]?.doubleValue ?? 1)
                }.compactMap { $0["column"]?.stringValue } ?? []
            let failed =
                latest.details["checks"]?.arrayValue?.filter { $0["passed"] == .bool(false) }
                .compactMap { $0["check"]?.stringValue } ?? []
            var value = "\(latest.outcome) at \(latest.at) by \(latest.actor)"
            var notes: [String] = []
            if !drifted.isEmpty { notes.append("drifted: \(drifted.joined(separator: ", "))") }
            if !failed.isEmpty { notes.append("failed: \(failed.joined(separator: ", "))") }
            if !notes.isEmpty { value += " (\(notes.joined(separator: "; ")))" }
            lines.append(("revalidation", value))
        } else if status.isRecorded {
            lines.append(("revalidation", "none yet"))
        }
        if let due = status.dueAt {
            lines.append(
                ("due", "\(due)\(status.isOverdue ? " (overdue)" : "")\(status.terms.enforce ? ", enforced" : "")"))
        }
        let accesses = events.filter { $0.kind == .access }
        if !accesses.isEmpty {
            let allowed = accesses.filter { $0.outcome == "allowed" }.count
            lines.append(("accesses", "\(allowed) allowed, \(accesses.count - allowed) refused"))
        }
        if let retired = events.first(where: { $0.kind == .retirement }) {
            lines.append(("retired", "\(retired.at) by \(retired.actor)"))
        }
        return lines
    }

    /// The summary as JSON.
    public var json: JSONValue {
        let latest = events.last { $0.kind == .revalidation }
        let accesses = events.filter { $0.kind == .access }
        return [
            "revalidation": status.json,
            "latest_revalidation": latest.map {
                ["outcome": .string($0.outcome), "at": .string($0.at.description), "event": .integer(Int($0.id))]
            } ?? .null,
            "accesses": [
                "allowed": .integer(accesses.filter { $0.outcome == "allowed" }.count),
                "refused": .integer(accesses.filter { $0.outcome != "allowed" }.count),
            ],
            "retired": events.first { $0.kind == .retirement }.map { .string($0.at.description) } ?? .null,
        ]
    }
}
