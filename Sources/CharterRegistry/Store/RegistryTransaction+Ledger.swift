import CharterCore

/// The ledger's checks that need no database: run by every store before its transaction begins.
enum LedgerRules {
    /// Checks a reservation request and returns its cost as stored (canonical JSON).
    static func checked(_ request: ReservationRequest) throws(RegistryError) -> String {
        try RegistryName.check(request.source, "source")
        try RegistryName.check(request.run, "run")
        try RegistryName.check(request.mechanism, "mechanism")
        try RegistryName.check(request.actor, "actor")
        try request.cost.validate()
        try checked(lease: request.lease)
        do {
            return try request.cost.json.canonical()
        } catch {
            throw .invalidCost("the cost cannot be written as JSON: \(error)")
        }
    }

    /// Refuses a lease that is not longer than zero.
    static func checked(lease: Duration) throws(RegistryError) {
        guard lease > .zero else { throw .invalidLease("a lease must be longer than zero") }
    }
}

/// The ledger's rules, once for both stores (see ``RegistryTransaction``).
extension RegistryTransaction {
    /// Registers `source` with `cap`, or does nothing when it is registered with the same cap.
    mutating func registerSource(_ source: String, cap: BudgetCap, actor: String, at now: Timestamp) throws -> Bool {
        if let existing = try self.cap(source) {
            guard existing.cap == cap else {
                throw RegistryError.capMismatch(source: source, registered: existing.cap, requested: cap)
            }
            return false
        }
        try execute(
            "INSERT INTO sources (id, epsilon_cap, delta_cap, registered_at) VALUES (?, ?, ?, ?)",
            [
                .text(source), .text(cap.epsilon.description), .text(cap.delta.description),
                .integer(now.millisecondsSinceEpoch),
            ])
        try appendAudit(
            at: now, actor: actor, action: AuditAction.registerSource, subject: source,
            details: [
                "source": .string(source), "epsilon_cap": .string(cap.epsilon.description),
                "delta_cap": .string(cap.delta.description),
            ])
        return true
    }

    /// Checks the pin, releases expired leases, checks that the request fits the cap with every
    /// committed event and live reservation (one ``reservationReading(source:at:)``), and reserves
    /// it (`costText`: ``LedgerRules/checked(_:)``).
    mutating func reserve(_ request: ReservationRequest, costText: String, pinnedTo pin: LedgerPin?, at now: Timestamp)
        throws -> LedgerEvent
    {
        if let pin {
            // Before expired leases are released: the plan pinned the ledger as stored.
            if let row = try one("SELECT id, state FROM ledger_events WHERE run = ? ORDER BY id LIMIT 1", [.text(pin.plan)])
            {
                throw RegistryError.planAlreadyRun(
                    plan: pin.plan, event: try row.integer("id"),
                    state: LedgerEvent.State(rawValue: try row.text("state")) ?? .reserved)
            }
            let statement = try cap(request.source) == nil ? nil : try statement(source: request.source, at: now)
            guard pin.matches(statement) else { throw RegistryError.ledgerMoved(source: request.source) }
        }
        let reading = try reservationReading(source: request.source, at: now)
        if reading.leasesEnded { try releaseExpired(at: now) }
        guard let (cap, _) = reading.cap else { throw RegistryError.unknownSource(request.source) }
        // The same tally a statement composes from the events, with the request as the newest.
        let held = BudgetComposition.compose(reading.live.adding(request.cost), deltaCap: cap.delta)
        guard held.fits(cap) else {
            throw RegistryError.budgetExceeded(source: request.source, cap: cap, wouldHold: held)
        }
        let expires = now.advanced(by: request.lease)
        let id = try insertReservation([
            .text(request.source), .text(request.run), .text(request.mechanism), .text(costText), .text(request.actor),
            .integer(now.millisecondsSinceEpoch), .integer(expires.millisecondsSinceEpoch),
        ])
        try appendAudit(
            at: now, actor: request.actor, action: AuditAction.reserve, subject: request.source,
            details: [
                "event": .integer(Int(id)), "source": .string(request.source), "run": .string(request.run),
                "mechanism": .string(request.mechanism), "cost": request.cost.json,
                "lease_expires_at": .string(expires.description),
            ])
        return LedgerEvent(
            id: id, source: request.source, run: request.run, mechanism: request.mechanism, cost: request.cost,
            state: .reserved, actor: request.actor, reservedAt: now, leaseExpiresAt: expires)
    }

    /// Extends a live reservation's lease to `now + lease`.
    mutating func renewLease(_ event: Int64, for lease: Duration, actor: String, at now: Timestamp) throws
        -> LedgerEvent
    {
        var current = try liveReservation(event, at: now)
        current.leaseExpiresAt = now.advanced(by: lease)
        try write(
            "UPDATE ledger_events SET lease_expires_at = ? WHERE id = ?",
            [.integer(current.leaseExpiresAt.millisecondsSinceEpoch), .integer(event)])
        try appendAudit(
            at: now, actor: actor, action: AuditAction.renew, subject: current.source,
            details: ["event": .integer(Int(event)), "lease_expires_at": .string(current.leaseExpiresAt.description)])
        return current
    }

    /// Marks a live reservation as spent.
    mutating func commit(_ event: Int64, actor: String, at now: Timestamp) throws -> LedgerEvent {
        var current = try liveReservation(event, at: now)
        current.state = .committed
        current.settledAt = now
        try write(
            "UPDATE ledger_events SET state = 'committed', settled_at = ? WHERE id = ?",
            [.integer(now.millisecondsSinceEpoch), .integer(event)])
        try appendAudit(
            at: now, actor: actor, action: AuditAction.commit, subject: current.source,
            details: ["event": .integer(Int(event))])
        return current
    }

    /// Gives a reservation back.
    mutating func release(_ event: Int64, reason: String, actor: String, at now: Timestamp) throws -> LedgerEvent {
        guard let current = try self.event(event) else { throw RegistryError.unknownEvent(event) }
        guard current.state == .reserved else { throw RegistryError.notReserved(event: event, state: current.state) }
        return try settleAsReleased(current, reason: reason, actor: actor, action: AuditAction.release, at: now)
    }

    /// Releases every reservation whose lease expired at `now`, auditing each.
    @discardableResult
    mutating func releaseExpired(at now: Timestamp) throws -> [LedgerEvent] {
        let rows = try self.rows(LedgerSQL.endedLeases + " ORDER BY id", [.integer(now.millisecondsSinceEpoch)])
        var released: [LedgerEvent] = []
        for row in rows {
            let event = try Self.event(from: row)
            released.append(
                try settleAsReleased(
                    event, reason: "lease expired at \(event.leaseExpiresAt)", actor: AuditAction.leaseExpiryActor,
                    action: AuditAction.leaseExpired, at: now))
        }
        return released
    }

    private mutating func settleAsReleased(
        _ event: LedgerEvent, reason: String, actor: String, action: String, at now: Timestamp
    ) throws -> LedgerEvent {
        var released = event
        released.state = .released
        released.settledAt = now
        released.releaseReason = reason
        try write(
            "UPDATE ledger_events SET state = 'released', settled_at = ?, release_reason = ? WHERE id = ?",
            [.integer(now.millisecondsSinceEpoch), .text(reason), .integer(event.id)])
        let details: JSONValue =
            action == AuditAction.leaseExpired
            ? ["event": .integer(Int(event.id)), "lease_expired_at": .string(event.leaseExpiresAt.description)]
            : ["event": .integer(Int(event.id)), "reason": .string(reason)]
        try appendAudit(at: now, actor: actor, action: action, subject: event.source, details: details)
        return released
    }

    /// The event, if it is a reservation whose lease has not expired.
    private func liveReservation(_ id: Int64, at now: Timestamp) throws -> LedgerEvent {
        guard let event = try event(id) else { throw RegistryError.unknownEvent(id) }
        guard event.state == .reserved else { throw RegistryError.notReserved(event: id, state: event.state) }
        guard !event.leaseExpired(at: now) else {
            throw RegistryError.leaseExpired(event: id, expiredAt: event.leaseExpiresAt)
        }
        return event
    }

    // MARK: Reading

    /// One source's statement from its cap and every event.
    func statement(source: String, at now: Timestamp) throws -> BudgetStatement {
        guard let (cap, registered) = try cap(source) else { throw RegistryError.unknownSource(source) }
        return BudgetStatement(
            source: source, cap: cap, registeredAt: registered, asOf: now, events: try events(source: source))
    }

    /// Every source's statement, sorted by source.
    func statements(at now: Timestamp) throws -> [BudgetStatement] {
        let sources = try rows("SELECT id FROM sources ORDER BY \(Self.bytewise("id"))", []).map { try $0.text("id") }
        return try sources.map { source in try statement(source: source, at: now) }
    }

    /// The source's cap and registration time, or `nil` when it is not registered.
    func cap(_ source: String) throws -> (cap: BudgetCap, registeredAt: Timestamp)? {
        guard let row = try one("SELECT epsilon_cap, delta_cap, registered_at FROM sources WHERE id = ?", [.text(source)])
        else { return nil }
        return try Self.cap(source, from: row)
    }

    /// The cap and registration time in `row`'s `epsilon_cap`, `delta_cap` and `registered_at`;
    /// `nil` when they are null (a `LEFT JOIN` that found no source).
    static func cap(_ source: String, from row: Record) throws -> (cap: BudgetCap, registeredAt: Timestamp)? {
        guard let epsilon = try row.optionalText("epsilon_cap") else { return nil }
        return try SourceColumns(
            source: source, epsilonCap: epsilon, deltaCap: try row.text("delta_cap"),
            registeredAt: try row.integer("registered_at")
        ).cap()
    }

    /// One event, or `nil`.
    func event(_ id: Int64) throws -> LedgerEvent? {
        try one(LedgerSQL.event, [.integer(id)]).map(Self.event(from:))
    }

    /// The source's events, oldest first.
    func events(source: String) throws -> [LedgerEvent] {
        try rows("SELECT * FROM ledger_events WHERE source = ? ORDER BY id", [.text(source)]).map(Self.event(from:))
    }

    static func event(from row: Record) throws -> LedgerEvent {
        try LedgerEventColumns(
            id: try row.integer("id"), source: try row.text("source"), run: try row.text("run"),
            mechanism: try row.text("mechanism"), cost: try row.text("cost"), state: try row.text("state"),
            actor: try row.text("actor"), reservedAt: try row.integer("reserved_at"),
            leaseExpiresAt: try row.integer("lease_expires_at"), settledAt: try row.optionalInteger("settled_at"),
            releaseReason: try row.optionalText("release_reason")
        ).event()
    }
}
