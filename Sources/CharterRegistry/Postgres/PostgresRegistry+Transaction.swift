import CharterCore

/// One PostgreSQL transaction as ``RegistryTransaction`` runs the shared rules on it: a write holds
/// the audit head it locked first (``PostgresRegistry/write(at:_:)``); a read holds none.
struct PostgresChange: RegistryTransaction {
    let transaction: PostgresTransaction
    var head: PostgresRegistry.Head?

    func rows(_ sql: String, _ values: [SQLValue]) throws -> [PostgresRecord] {
        try transaction.rows(Self.numbered(sql), values)
    }

    func insertReservation(_ values: [SQLValue]) throws -> Int64 {
        // Under the head lock no other writer inserts, so the next id is one more than the largest.
        guard
            let id = try transaction.one(
                """
                INSERT INTO ledger_events (id, source, run, mechanism, cost, state, actor, reserved_at, lease_expires_at)
                SELECT COALESCE(MAX(id), 0) + 1, $1, $2, $3, $4, 'reserved', $5, $6, $7 FROM ledger_events
                RETURNING id
                """, values)?.integer("id")
        else { throw RegistryError.database("the reservation was not inserted") }
        return id
    }

    func auditHead() throws -> (seq: Int64, hash: String) {
        guard let head else { throw RegistryError.database("a read-only transaction cannot append to the audit chain") }
        return (head.seq, head.hash)
    }

    mutating func moveAuditHead(seq: Int64, hash: String) throws {
        try transaction.execute("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1", [.integer(seq), .text(hash)])
        head = PostgresRegistry.Head(seq: seq, hash: hash)
    }

    static func bytewise(_ column: String) -> String { "\(column) COLLATE \"C\"" }

    /// `sql` with its `?` placeholders numbered `$1`, `$2`, … (the shared SQL has no `?` elsewhere).
    static func numbered(_ sql: String) -> String {
        var result = ""
        result.reserveCapacity(sql.utf8.count + 16)
        var number = 0
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
    /// (``write(at:_:)``), at the instant the registry's ``Clock`` gives.
    func change<T>(at now: Timestamp, _ body: (inout PostgresChange, Timestamp) throws -> T) throws(RegistryError) -> T {
        try write(at: now) { transaction, head, instant in
            var change = PostgresChange(transaction: transaction, head: head)
            let result = try body(&change, instant)
            if let moved = change.head { head = moved }
            return result
        }
    }

    /// Runs `body` on the shared rules in one read-only snapshot.
    func snapshot<T>(_ body: (PostgresChange) throws -> T) throws(RegistryError) -> T {
        try read { transaction in try body(PostgresChange(transaction: transaction, head: nil)) }
    }
}
