import CharterCore
import CharterRegistry
import CharterWorkflow
import Logging

extension ServerRoutes {
    /// Marks the runs the journal holds unfinished as interrupted, says in each what became of
    /// its reservation, and audits each (``AuditNote/runInterrupted``).
    ///
    /// Nothing is released here: a reservation the killed run made is the ledger's, and lapses
    /// when its lease ends (the workflow's lease rule: from then on no budget counts it, and the
    /// next writer releases it, audited as `budget.lease-expired`). A run killed after it
    /// committed has spent its budget; one killed before it reserved has nothing held.
    func recoverInterruptedRuns(logger: Logger) {
        let now = configuration.clock()
        let store = try? configuration.registry.openForReading()
        let interrupted = board.recover { record in
            var result: [String: JSONValue] = [
                "message": "the server stopped before the run finished; it was not resumed"
            ]
            guard let store, let statement = try? store.budget(for: record.source, at: now) else {
                result["ledger"] = "no ledger event: the run had reserved nothing"
                return .object(result)
            }
            let events = statement.events.filter { $0.run == record.planDigest }
            result["ledger_events"] = .array(
                events.map { event in
                    [
                        "id": .integer(Int(event.id)), "state": .string(event.state.rawValue),
                        "lease_expires_at": .string(event.leaseExpiresAt.description),
                    ]
                })
            if events.contains(where: { $0.state == .reserved }) {
                result["ledger"] = "its reservation lapses when its lease ends, and is then released"
            } else if events.isEmpty {
                result["ledger"] = "no ledger event: the run had reserved nothing"
            }
            return .object(result)
        }
        for (record, was) in interrupted {
            logger.warning(
                "run interrupted by a restart", metadata: ["run": "\(record.id)", "plan": "\(record.planDigest)"])
            audit.note(
                .runInterrupted, subject: record.id,
                details: [
                    "run": .string(record.id), "request": .string(record.requestID), "plan": .string(record.planDigest),
                    "status": .string(was),
                ],
                actor: "charter:serve", at: now)
        }
    }
}
