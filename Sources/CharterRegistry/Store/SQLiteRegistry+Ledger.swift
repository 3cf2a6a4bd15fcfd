public import CharterCore
import GRDB

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension SQLiteRegistry {
    @discardableResult
    public func registerSource(_ source: String, cap: BudgetCap, actor: String, at now: Timestamp) throws(RegistryError)
        -> Bool
    {
        try RegistryName.check(source, "source")
        try RegistryName.check(actor, "actor")
        try cap.validate()
        return try write { db in
            if let existing = try Self.cap(db, source) {
                guard existing.cap == cap else {
                    throw RegistryError.capMismatch(source: source, registered: existing.cap, requested: cap)
                }
                return false
            }
            try db.execute(
                sql: "INSERT INTO sources (id, epsilon_cap, delta_cap, registered_at) VALUES (?, ?, ?, ?)",
                arguments: [source, cap.epsilon.description, cap.delta.description, now.millisecondsSinceEpoch])
            try appendAudit(
                db, at: now, actor: actor, action: AuditAction.registerSource, subject: source,
                details: [
                    "source": .string(source), "epsilon_cap": .string(cap.epsilon.description),
                    "delta_cap": .string(cap.delta.description),
                ])
            return true
        }
    }

    public func reserve(_ request: ReservationRequest, pinnedTo pin: LedgerPin?, at now: Timestamp) throws(RegistryError)
        -> LedgerEvent
    {
        try RegistryName.check(request.source, "source")
        try RegistryName.check(request.run, "run")
        try RegistryName.check(request.mechanism, "mechanism")
        try RegistryName.check(request.actor, "actor")
        try request.cost.validate()
        guard request.lease > .zero else { throw .invalidLease("a lease must be longer than zero") }
        let costText: String
        do {
            costText = try request.cost.json.canonical()
        } catch {
            throw .invalidCost("the cost cannot be written as JSON: \(error)")
        }
        return try write { db in
            if let pin {
                // Before expired leases are released: the plan pinned the ledger as stored.
                if let row = try Row.fetchOne(
                    db, sql: "SELECT id, state FROM ledger_events WHERE run = ? ORDER BY id LIMIT 1",
                    arguments: [pin.plan])
                {
                    throw RegistryError.planAlreadyRun(
                        plan: pin.plan, event: try row.integer("id"),
                        state: LedgerEvent.State(rawValue: try row.text("state")) ?? .reserved)
                }
                let statement = try Self.cap(db, request.source) == nil ? nil : try Self.statement(db, source: request.source, at: now)
                guard pin.matches(statement) else { throw RegistryError.ledgerMoved(source: request.source) }
            }
            try releaseExpired(db, at: now)
            guard let (cap, _) = try Self.cap(db, request.source) else {
                throw RegistryError.unknownSource(request.source)
            }
            let live = try Self.events(db, source: request.source).filter { $0.state != .released }
            let held = BudgetComposition.compose(live.map(\.cost) + [request.cost], deltaCap: cap.delta)
            guard held.fits(cap) else {
                throw RegistryError.budgetExceeded(source: request.source, cap: cap, wouldHold: held)
            }
            let expires = now.advanced(by: request.lease)
            try db.execute(
                sql: """
                    INSERT INTO ledger_events (source, run, mechanism, cost, state, actor, reserved_at, lease_expires_at)
                    VALUES (?, ?, ?, ?, 'reserved', ?, ?, ?)
                    """,
                arguments: [
                    request.source, request.run, request.mechanism, costText, request.actor, now.millisecondsSinceEpoch,
                    expires.millisecondsSinceEpoch,
                ])
            let id = db.lastInsertedRowID
            try appendAudit(
                db, at: now, actor: request.actor, action: AuditAction.reserve, subject: request.source,
                details: [
                    "event": .integer(Int(id)), "source": .string(request.source), "run": .string(request.run),
                    "mechanism": .string(request.mechanism), "cost": request.cost.json,
                    "lease_expires_at": .string(expires.description),
                ])
            return LedgerEvent(
                id: id, source: request.source, run: request.run, mechanism: request.mechanism, cost: request.cost,
                state: .reserved, actor: request.actor, reservedAt: now, leaseExpiresAt: expires)
        }
    }

    public func renewLease(_ event: Int64, for lease: Duration, actor: String, at now: Timestamp) throws(RegistryError)
        -> LedgerEvent
    {
        try RegistryName.check(actor, "actor")
        guard lease > .zero else { throw .invalidLease("a lease must be longer than zero") }
        return try write { db in
            var current = try liveReservation(db, event, at: now)
            current.leaseExpiresAt = now.advanced(by: lease)
            try db.execute(
                sql: "UPDATE ledger_events SET lease_expires_at = ? WHERE id = ?",
                arguments: [current.leaseExpiresAt.millisecondsSinceEpoch, event])
            try appendAudit(
                db, at: now, actor: actor, action: AuditAction.renew, subject: current.source,
                details: [
                    "event": .integer(Int(event)), "lease_expires_at": .string(current.leaseExpiresAt.description),
                ])
            return current
        }
    }

    public func commit(_ event: Int64, actor: String, at now: Timestamp) throws(RegistryError) -> LedgerEvent {
        try RegistryName.check(actor, "actor")
        return try write { db in
            var current = try liveReservation(db, event, at: now)
            current.state = .committed
            current.settledAt = now
            try db.execute(
                sql: "UPDATE ledger_events SET state = 'committed', settled_at = ? WHERE id = ?",
                arguments: [now.millisecondsSinceEpoch, event])
            try appendAudit(
                db, at: now, actor: actor, action: AuditAction.commit, subject: current.source,
                details: ["event": .integer(Int(event))])
            return current
        }
    }

    public func release(_ event: Int64, reason: String, actor: String, at now: Timestamp) throws(RegistryError)
        -> LedgerEvent
    {
        try RegistryName.check(actor, "actor")
        try RegistryName.check(reason, "reason")
        return try write { db in
            guard let current = try Self.event(db, event) else { throw RegistryError.unknownEvent(event) }
            guard current.state == .reserved else {
                throw RegistryError.notReserved(event: event, state: current.state)
            }
            return try settleAsReleased(db, current, reason: reason, actor: actor, action: AuditAction.release, at: now)
        }
    }

    @discardableResult
    public func releaseExpiredLeases(at now: Timestamp) throws(RegistryError) -> [LedgerEvent] {
        try write { db in try releaseExpired(db, at: now) }
    }

    public func budget(for source: String, at now: Timestamp) throws(RegistryError) -> BudgetStatement {
        try read { db in try Self.statement(db, source: source, at: now) }
    }

    public func budgets(at now: Timestamp) throws(RegistryError) -> [BudgetStatement] {
        try read { db in
            let sources = try String.fetchAll(db, sql: "SELECT id FROM sources ORDER BY id")
            return try sources.map { source in try Self.statement(db, source: source, at: now) }
        }
    }

    // MARK: Inside a transaction

    /// Releases every reservation whose lease expired at `now`, auditing each.
    @discardableResult
    func releaseExpired(_ db: Database, at now: Timestamp) throws -> [LedgerEvent] {
        let rows = try Row.fetchAll(
            db, sql: "SELECT * FROM ledger_events WHERE state = 'reserved' AND lease_expires_at <= ? ORDER BY id",
            arguments: [now.millisecondsSinceEpoch])
        return try rows.map { row in
            let event = try Self.event(from: row)
            return try settleAsReleased(
                db, event, reason: "lease expired at \(event.leaseExpiresAt)", actor: AuditAction.leaseExpiryActor,
                action: AuditAction.leaseExpired, at: now)
        }
    }

    private func settleAsReleased(
        _ db: Database, _ event: LedgerEvent, reason: String, actor: String, action: String, at now: Timestamp
    ) throws -> LedgerEvent {
        var released = event
        released.state = .released
        released.settledAt = now
        released.releaseReason = reason
        try db.execute(
            sql: "UPDATE ledger_events SET state = 'released', settled_at = ?, release_reason = ? WHERE id = ?",
            arguments: [now.millisecondsSinceEpoch, reason, event.id])
        let details: JSONValue =
            action == AuditAction.leaseExpired
            ? ["event": .integer(Int(event.id)), "lease_expired_at": .string(event.leaseExpiresAt.description)]
            : ["event": .integer(Int(event.id)), "reason": .string(reason)]
        try appendAudit(db, at: now, actor: actor, action: action, subject: event.source, details: details)
        return released
    }

    /// The event, if it is a reservation whose lease has not expired.
    private func liveReservation(_ db: Database, _ id: Int64, at now: Timestamp) throws -> LedgerEvent {
        guard let event = try Self.event(db, id) else { throw RegistryError.unknownEvent(id) }
        guard event.state == .reserved else { throw RegistryError.notReserved(event: id, state: event.state) }
        guard !event.leaseExpired(at: now) else {
            throw RegistryError.leaseExpired(event: id, expiredAt: event.leaseExpiresAt)
        }
        return event
    }

    /// One source's statement from its cap and every event.
    static func statement(_ db: Database, source: String, at now: Timestamp) throws -> BudgetStatement {
        guard let (cap, registered) = try cap(db, source) else { throw RegistryError.unknownSource(source) }
        return BudgetStatement(
            source: source, cap: cap, registeredAt: registered, asOf: now, events: try events(db, source: source))
    }

    static func cap(_ db: Database, _ source: String) throws -> (cap: BudgetCap, registeredAt: Timestamp)? {
        let sql = "SELECT epsilon_cap, delta_cap, registered_at FROM sources WHERE id = ?"
        guard let row = try Row.fetchOne(db, sql: sql, arguments: [source]) else { return nil }
        return try SourceColumns(
            source: source, epsilonCap: try row.text("epsilon_cap"), deltaCap: try row.text("delta_cap"),
            registeredAt: try row.integer("registered_at")
        ).cap()
    }

    static func event(_ db: Database, _ id: Int64) throws -> LedgerEvent? {
        try Row.fetchOne(db, sql: "SELECT * FROM ledger_events WHERE id = ?", arguments: [id]).map(event(from:))
    }

    static func events(_ db: Database, source: String) throws -> [LedgerEvent] {
        try Row.fetchAll(db, sql: "SELECT * FROM ledger_events WHERE source = ? ORDER BY id", arguments: [source])
            .map(event(from:))
    }

    static func event(from row: Row) throws -> LedgerEvent {
        try LedgerEventColumns(
            id: try row.integer("id"), source: try row.text("source"), run: try row.text("run"),
            mechanism: try row.text("mechanism"), cost: try row.text("cost"), state: try row.text("state"),
            actor: try row.text("actor"), reservedAt: try row.integer("reserved_at"),
            leaseExpiresAt: try row.integer("lease_expires_at"), settledAt: try row.optionalInteger("settled_at"),
            releaseReason: try row.optionalText("release_reason")
        ).event()
    }
}
