public import CharterCore

// The ledger's rules live in RegistryTransaction+Ledger.swift, shared with SQLite; every change runs
// under the audit head's row lock (see PostgresRegistry).
extension PostgresRegistry {
    @discardableResult
    public func registerSource(_ source: String, cap: BudgetCap, actor: String, at now: Timestamp) throws(RegistryError)
        -> Bool
    {
        try RegistryName.check(source, "source")
        try RegistryName.check(actor, "actor")
        try cap.validate()
        return try change(at: now) { try $0.registerSource(source, cap: cap, actor: actor, at: $1) }
    }

    public func reserve(_ request: ReservationRequest, pinnedTo pin: LedgerPin?, at now: Timestamp)
        throws(RegistryError) -> LedgerEvent
    {
        let costText = try LedgerRules.checked(request)
        // Under the head lock: no other writer can reserve for this plan or move this ledger
        // between the pin's checks and the insert.
        // A pinned reservation reads the plan's events first; the others read the reservation's
        // reading first, with the lock.
        let reading = pin == nil ? PostgresChange.reservationRead(source: request.source) : nil
        return try change(at: now, reading: reading) {
            try $0.reserve(request, costText: costText, pinnedTo: pin, at: $1)
        }
    }

    public func renewLease(_ event: Int64, for lease: Duration, actor: String, at now: Timestamp) throws(RegistryError)
        -> LedgerEvent
    {
        try RegistryName.check(actor, "actor")
        try LedgerRules.checked(lease: lease)
        return try change(at: now, reading: LockedRead.event(event)) {
            try $0.renewLease(event, for: lease, actor: actor, at: $1)
        }
    }

    public func commit(_ event: Int64, actor: String, at now: Timestamp) throws(RegistryError) -> LedgerEvent {
        try RegistryName.check(actor, "actor")
        return try change(at: now, reading: LockedRead.event(event)) { try $0.commit(event, actor: actor, at: $1) }
    }

    public func release(_ event: Int64, reason: String, actor: String, at now: Timestamp) throws(RegistryError)
        -> LedgerEvent
    {
        try RegistryName.check(actor, "actor")
        try RegistryName.check(reason, "reason")
        return try change(at: now, reading: LockedRead.event(event)) {
            try $0.release(event, reason: reason, actor: actor, at: $1)
        }
    }

    @discardableResult
    public func releaseExpiredLeases(at now: Timestamp) throws(RegistryError) -> [LedgerEvent] {
        try change(at: now) { try $0.releaseExpired(at: $1) }
    }

    public func budget(for source: String, at now: Timestamp) throws(RegistryError) -> BudgetStatement {
        try snapshot { try $0.statement(source: source, at: now) }
    }

    public func budgets(at now: Timestamp) throws(RegistryError) -> [BudgetStatement] {
        try snapshot { try $0.statements(at: now) }
    }
}
