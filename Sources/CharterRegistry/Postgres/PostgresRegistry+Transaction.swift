import CharterCore

/// One PostgreSQL transaction as ``RegistryTransaction`` runs the shared rules on it: a write holds
/// the audit head it locked first (``PostgresRegistry/write(at:reading:_:)``); a read holds none.
///
/// **Round trips.** Every statement is a round trip to the server, made while the head is locked,
/// so a change costs about as many round trips as it runs statements. Writes the rules mark as
/// holdable (``write(_:_:)``), the head's move and a reservation's insert are held and sent as one
/// statement (``flush()``) before the next read or the commit; a reservation reads everything it
/// decides on in one statement (``reservationReading(source:at:)``), and a change's first read can
/// run in the round trip that locks the head (``LockedRead``). A reserve or a commit is then three
/// round trips after `BEGIN`: lock and read, write, `COMMIT`.
struct PostgresChange: RegistryTransaction {
    let transaction: PostgresTransaction
    var head: PostgresRegistry.Head?
    /// What is held for the next flush; a class, so that the non-mutating reads can flush it.
    private let held = HeldWrites()

    init(
        transaction: PostgresTransaction, head: PostgresRegistry.Head?,
        prefetched: PostgresRegistry.PrefetchedRead? = nil
    ) {
        self.transaction = transaction
        self.head = head
        held.prefetched = prefetched
    }

    /// Writes not yet sent, and what the transaction knows of the ledger under the lock.
    private final class HeldWrites {
        /// The first read, run with the lock; served only to the change's first statement.
        var prefetched: PostgresRegistry.PrefetchedRead?
        var statements: [(sql: String, values: [SQLValue])] = []
        /// The head as moved, when its row is not yet updated.
        var head: PostgresRegistry.Head?
        /// The largest event id, when read under the head lock (no other writer inserts).
        var lastEventID: Int64?
        /// Placeholders held, so that one flush stays well under the protocol's 65,535.
        var valueCount = 0
    }

    /// The most statements or values one flush sends.
    static let flushLimits = (statements: 256, values: 16_384)

    func rows(_ sql: String, _ values: [SQLValue]) throws -> [PostgresRecord] {
        if let prefetched = held.prefetched {
            held.prefetched = nil
            if prefetched.sql == sql, prefetched.values == values { return prefetched.rows }
        }
        try flush()
        return try transaction.rows(Self.numbered(sql), values)
    }

    func write(_ sql: String, _ values: [SQLValue]) throws {
        held.prefetched = nil
        held.statements.append((sql, values))
        held.valueCount += values.count
        if held.statements.count >= Self.flushLimits.statements || held.valueCount >= Self.flushLimits.values {
            try flush()
        }
    }

    /// Sends the held writes and the head's move, as one statement of data-modifying `WITH`
    /// clauses (each runs once, to completion, on the same snapshot: they touch different rows).
    func flush() throws {
        var parts = held.statements
        if let head = held.head {
            parts.append(
                ("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", [.integer(head.seq), .text(head.hash)]))
        }
        held.statements = []
        held.head = nil
        held.valueCount = 0
        guard let last = parts.popLast() else { return }
        var sql = ""
        var values: [SQLValue] = []
        for (index, part) in parts.enumerated() {
            sql += (index == 0 ? "WITH " : ", ") + "held\(index) AS (\(Self.numbered(part.sql, after: values.count)))"
            values += part.values
        }
        sql += (parts.isEmpty ? "" : " ") + Self.numbered(last.sql, after: values.count)
        values += last.values
        try transaction.execute(sql, values)
    }

    func insertReservation(_ values: [SQLValue]) throws -> Int64 {
        // Under the head lock no other writer inserts, so the next id is one more than the largest.
        if let last = held.lastEventID {
            held.lastEventID = last + 1
            try write(
                """
                INSERT INTO ledger_events (id, source, run, mechanism, cost, state, actor, reserved_at, lease_expires_at)
                VALUES (?, ?, ?, ?, ?, 'reserved', ?, ?, ?)
                """, [.integer(last + 1)] + values)
            return last + 1
        }
        guard
            let id = try rows(
                """
                INSERT INTO ledger_events (id, source, run, mechanism, cost, state, actor, reserved_at, lease_expires_at)
                SELECT COALESCE(MAX(id), 0) + 1, ?, ?, ?, ?, 'reserved', ?, ?, ? FROM ledger_events
                RETURNING id
                """, values
            ).first?.integer("id")
        else { throw RegistryError.database("the reservation was not inserted") }
        return id
    }

    /// The reservation's reading of `source` as one statement, which also reads the largest event
    /// id for the insert; ``PostgresRegistry/reserve(_:pinnedTo:at:)`` has it run with the lock.
    static func reservationRead(source: String) -> LockedRead {
        LockedRead(
            sql: """
                SELECT sources.epsilon_cap, sources.delta_cap, sources.registered_at,
                       (SELECT count(*) FROM (\(LedgerSQL.endedLeases) LIMIT 1) AS ended) AS ended,
                       (SELECT COALESCE(MAX(id), 0) FROM ledger_events) AS last_id,
                       live.cost, live.uses, live.first
                FROM (SELECT 1) AS one
                LEFT JOIN sources ON sources.id = ?
                LEFT JOIN (\(LedgerSQL.liveCostTally)) AS live ON true
                ORDER BY live.first
                """,
            values: [.instant, .bound(.text(source)), .bound(.text(source)), .instant])
    }

    /// The reading in one statement (``reservationRead(source:)``).
    mutating func reservationReading(source: String, at now: Timestamp) throws -> ReservationReading {
        let statement = Self.reservationRead(source: source).bound(at: now)
        let rows = try rows(statement.sql, statement.values)
        guard let first = rows.first else { throw RegistryError.database("the reservation's reading returned no row") }
        held.lastEventID = try first.integer("last_id")
        var reading = ReservationReading(
            cap: try Self.cap(source, from: first), live: PrivacyCostTally(), leasesEnded: try first.integer("ended") > 0)
        for row in rows where try row.optionalText("cost") != nil {
            try Self.count(row, into: &reading.live)
        }
        return reading
    }

    func auditHead() throws -> (seq: Int64, hash: String) {
        guard let head else { throw RegistryError.database("a read-only transaction cannot append to the audit chain") }
        return (head.seq, head.hash)
    }

    mutating func moveAuditHead(seq: Int64, hash: String) throws {
        head = PostgresRegistry.Head(seq: seq, hash: hash)
        held.head = head
    }

    static func bytewise(_ column: String) -> String { "\(column) COLLATE \"C\"" }

    /// `sql` with its `?` placeholders numbered `$1`, `$2`, … after `offset` (the shared SQL has no
    /// `?` elsewhere).
    static func numbered(_ sql: String, after offset: Int = 0) -> String {
        var result = ""
        result.reserveCapacity(sql.utf8.count + 16)
        var number = offset
        for character in sql {
            if character == "?" {
                number += 1
                result += "$\(number)"
            } else {
                result.append(character)
            }
        }
        return result
    }
}

extension PostgresRecord: RegistryRow {}

extension PostgresRegistry {
    /// Runs `body` on the shared rules in a write transaction that locked the audit head first
    /// (``write(at:reading:_:)``), at the instant the registry's ``Clock`` gives; `reading`, the
    /// rules' first read, is run with the lock where the connection can.
    func change<T>(at now: Timestamp, reading: LockedRead? = nil, _ body: (inout PostgresChange, Timestamp) throws -> T)
        throws(RegistryError) -> T
    {
        try write(at: now, reading: reading) { transaction, head, instant, prefetched in
            var change = PostgresChange(transaction: transaction, head: head, prefetched: prefetched)
            let result = try body(&change, instant)
            try change.flush()
            if let moved = change.head { head = moved }
            return result
        }
    }

    /// Runs `body` on the shared rules in one read-only snapshot.
    func snapshot<T>(_ body: (PostgresChange) throws -> T) throws(RegistryError) -> T {
        try read { transaction in try body(PostgresChange(transaction: transaction, head: nil)) }
    }
}
