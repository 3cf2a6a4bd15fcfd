public import CharterCore

extension PostgresRegistry {
    @discardableResult
    public func registerSource(_ source: String, cap: BudgetCap, actor: String, at now: Timestamp) throws(RegistryError)
        -> Bool
    {
        try RegistryName.check(source, "source")
        try RegistryName.check(actor, "actor")
        try cap.validate()
        return try write(at: now) { transaction, head, now in
            if let existing = try Self.cap(transaction, source) {
                guard existing.cap == cap else {
                    throw RegistryError.capMismatch(source: source, registered: existing.cap, requested: cap)
                }
                return false
            }
            try transaction.execute(
                "INSERT INTO sources (id, epsilon_cap, delta_cap, registered_at) VALUES ($1, $2, $3, $4)",
                [
                    .text(source), .text(cap.epsilon.description), .text(cap.delta.description),
                    .integer(now.millisecondsSinceEpoch),
                ])
            try appendAudit(
                transaction, &head, at: now, actor: actor, action: AuditAction.registerSource, subject: source,
                details: [
                    "source": .string(source), "epsilon_cap": .string(cap.epsilon.description),
                    "delta_cap": .string(cap.delta.description),
                ])
            return true
        }
    }

    public func reserve(_ request: ReservationRequest, pinnedTo pin: LedgerPin?, at now: Timestamp)
        throws(RegistryError)
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
        return try write(at: now) { transaction, head, now in
            // Under the head lock: no other writer can reserve for this plan or move this ledger
            // between the checks below and our insert.
            if let pin {
                // Before expired leases are released: the plan pinned the ledger as stored.
                if let row = try transaction.one(
                    "SELECT id, state FROM ledger_events WHERE run = $1 ORDER BY id LIMIT 1", [.text(pin.plan)])
                {
                    throw RegistryError.planAlreadyRun(
                        plan: pin.plan, event: try row.integer("id"),
                        state: LedgerEvent.State(rawValue: try row.text("state")) ?? .reserved)
                }
                let statement =
                    try Self.cap(transaction, request.source) == nil
                    ? nil : try Self.statement(transaction, source: request.source, at: now)
                guard pin.matches(statement) else { throw RegistryError.ledgerMoved(source: request.source) }
            }
            try releaseExpired(transaction, &head, at: now)
            guard let (cap, _) = try Self.cap(transaction, request.source) else {
                throw RegistryError.unknownSource(request.source)
            }
            let live = try Self.events(transaction, source: request.source).filter { $0.state != .released }
            let held = BudgetComposition.compose(live.map(\.cost) + [request.cost], deltaCap: cap.delta)
            guard held.fits(cap) else {
                throw RegistryError.budgetExceeded(source: request.source, cap: cap, wouldHold: held)
            }
            let expires = now.advanced(by: request.lease)
            guard
                let id = try transaction.one(
                    """
                    INSERT INTO ledger_events (id, source, run, mechanism, cost, state, actor, reserved_at, lease_expires_at)
                    SELECT COALESCE(MAX(id), 0) + 1, $1, $2, $3, $4, 'reserved', $5, $6, $7 FROM ledger_events
                    RETURNING id
                    """,
                    [
                        .text(request.source), .text(request.run), .text(request.mechanism), .text(costText),
                        .text(request.actor), .integer(now.millisecondsSinceEpoch),
                        .integer(expires.millisecondsSinceEpoch),
                    ])?.integer("id")
            else { throw RegistryError.database("the reservation was not inserted") }
            try appendAudit(
                transaction, &head, at: now, actor: request.actor, action: AuditAction.reserve,
                subject: request.source,
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
        return try write(at: now) { transaction, head, now in
            var current = try Self.liveReservation(transaction, event, at: now)
            current.leaseExpiresAt = now.advanced(by: lease)
            try transaction.execute(
                "UPDATE ledger_events SET lease_expires_at = $1 WHERE id = $2",
                [.integer(current.leaseExpiresAt.millisecondsSinceEpoch), .integer(event)])
            try appendAudit(
                transaction, &head, at: now, actor: actor, action: AuditAction.renew, subject: current.source,
                details: [
                    "event": .integer(Int(event)), "lease_expires_at": .string(current.leaseExpiresAt.description),
                ])
            return current
        }
    }

    public func commit(_ event: Int64, actor: String, at now: Timestamp) throws(RegistryError) -> LedgerEvent {
        try RegistryName.check(actor, "actor")
        return try write(at: now) { transaction, head, now in
            var current = try Self.liveReservation(transaction, event, at: now)
            current.state = .committed
            current.settledAt = now
            try transaction.execute(
                "UPDATE ledger_events SET state = 'committed', settled_at = $1 WHERE id = $2",
                [.integer(now.millisecondsSinceEpoch), .integer(event)])
            try appendAudit(
                transaction, &head, at: now, actor: actor, action: AuditAction.commit, subject: current.source,
                details: ["event": .integer(Int(event))])
            return current
        }
    }

    public func release(_ event: Int64, reason: String, actor: String, at now: Timestamp) throws(RegistryError)
        -> LedgerEvent
    {
        try RegistryName.check(actor, "actor")
        try RegistryName.check(reason, "reason")
        return try write(at: now) { transaction, head, now in
            guard let current = try Self.event(transaction, event) else { throw RegistryError.unknownEvent(event) }
            guard current.state == .reserved else {
                throw RegistryError.notReserved(event: event, state: current.state)
            }
            return try settleAsReleased(
                transaction, &head, current, reason: reason, actor: actor, action: AuditAction.release, at: now)
        }
    }

    @discardableResult
    public func releaseExpiredLeases(at now: Timestamp) throws(RegistryError) -> [LedgerEvent] {
        try write(at: now) { transaction, head, now in try releaseExpired(transaction, &head, at: now) }
    }

    public func budget(for source: String, at now: Timestamp) throws(RegistryError) -> BudgetStatement {
        try read { transaction in try Self.statement(transaction, source: source, at: now) }
    }

    public func budgets(at now: Timestamp) throws(RegistryError) -> [BudgetStatement] {
        try read { transaction in
            let sources = try transaction.rows("SELECT id FROM sources ORDER BY id COLLATE \"C\"").map {
                try $0.text("id")
            }
            return try sources.map { source in try Self.statement(transaction, source: source, at: now) }
        }
    }

    // MARK: Inside a transaction

    @discardableResult
    func releaseExpired(_ transaction: PostgresTransaction, _ head: inout Head, at now: Timestamp) throws
        -> [LedgerEvent]
    {
        let rows = try transaction.rows(
            "SELECT * FROM ledger_events WHERE state = 'reserved' AND lease_expires_at <= $1 ORDER BY id",
            [.integer(now.millisecondsSinceEpoch)])
        var released: [LedgerEvent] = []
        for row in rows {
            let event = try Self.event(from: row)
            released.append(
                try settleAsReleased(
                    transaction, &head, event, reason: "lease expired at \(event.leaseExpiresAt)",
                    actor: AuditAction.leaseExpiryActor, action: AuditAction.leaseExpired, at: now))
        }
        return released
    }

    private func settleAsReleased(
        _ transaction: PostgresTransaction, _ head: inout Head, _ event: LedgerEvent, reason: String, actor: String,
        action: String, at now: Timestamp
    ) throws -> LedgerEvent {
        var released = event
        released.state = .released
        released.settledAt = now
        released.releaseReason = reason
        try transaction.execute(
            "UPDATE ledger_events SET state = 'released', settled_at = $1, release_reason = $2 WHERE id = $3",
            [.integer(now.millisecondsSinceEpoch), .text(reason), .integer(event.id)])
        let details: JSONValue =
            action == AuditAction.leaseExpired
            ? ["event": .integer(Int(event.id)), "lease_expired_at": .string(event.leaseExpiresAt.description)]
            : ["event": .integer(Int(event.id)), "reason": .string(reason)]
        try appendAudit(
            transaction, &head, at: now, actor: actor, action: action, subject: event.source, details: details)
        return released
    }

    /// The event, if it is a reservation whose lease has not expired.
    private static func liveReservation(_ transaction: PostgresTransaction, _ id: Int64, at now: Timestamp) throws
        -> LedgerEvent
    {
        guard let event = try event(transaction, id) else { throw RegistryError.unknownEvent(id) }
        guard event.state == .reserved else { throw RegistryError.notReserved(event: id, state: event.state) }
        guard !event.leaseExpired(at: now) else {
            throw RegistryError.leaseExpired(event: id, expiredAt: event.leaseExpiresAt)
        }
        return event
    }

    static func statement(_ transaction: PostgresTransaction, source: String, at now: Timestamp) throws
        -> BudgetStatement
    {
        guard let (cap, registered) = try cap(transaction, source) else { throw RegistryError.unknownSource(source) }
        return BudgetStatement(
            source: source, cap: cap, registeredAt: registered, asOf: now,
            events: try events(transaction, source: source))
    }

    static func cap(_ transaction: PostgresTransaction, _ source: String) throws
        -> (cap: BudgetCap, registeredAt: Timestamp)?
    {
        guard
            let row = try transaction.one(
                "SELECT epsilon_cap, delta_cap, registered_at FROM sources WHERE id = $1", [.text(source)])
        else { return nil }
        return try SourceColumns(
            source: source, epsilonCap: try row.text("epsilon_cap"), deltaCap: try row.text("delta_cap"),
            registeredAt: try row.integer("registered_at")
        ).cap()
    }

    static func event(_ transaction: PostgresTransaction, _ id: Int64) throws -> LedgerEvent? {
        try transaction.one("SELECT * FROM ledger_events WHERE id = $1", [.integer(id)]).map(event(from:))
    }

    static func events(_ transaction: PostgresTransaction, source: String) throws -> [LedgerEvent] {
        try transaction.rows("SELECT * FROM ledger_events WHERE source = $1 ORDER BY id", [.text(source)])
            .map(event(from:))
    }

    static func event(from row: PostgresRecord) throws -> LedgerEvent {
        try LedgerEventColumns(
            id: try row.integer("id"), source: try row.text("source"), run: try row.text("run"),
            mechanism: try row.text("mechanism"), cost: try row.text("cost"), state: try row.text("state"),
            actor: try row.text("actor"), reservedAt: try row.integer("reserved_at"),
            leaseExpiresAt: try row.integer("lease_expires_at"), settledAt: try row.optionalInteger("settled_at"),
            releaseReason: try row.optionalText("release_reason")
        ).event()
    }
}
