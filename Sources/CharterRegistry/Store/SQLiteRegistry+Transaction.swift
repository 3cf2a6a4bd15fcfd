import CharterCore
import GRDB

/// One SQLite transaction as ``RegistryTransaction`` runs the shared rules on it.
struct SQLiteChange: RegistryTransaction {
    let db: Database

    func rows(_ sql: String, _ values: [SQLValue]) throws -> [Row] {
        try Row.fetchAll(db, sql: sql, arguments: StatementArguments(values.map(\.databaseValue)))
    }

    func insertReservation(_ values: [SQLValue]) throws -> Int64 {
        // AUTOINCREMENT: one more than any id before, never reused.
        _ = try rows(
            """
            INSERT INTO ledger_events (source, run, mechanism, cost, state, actor, reserved_at, lease_expires_at)
            VALUES (?, ?, ?, ?, 'reserved', ?, ?, ?)
            """, values)
        return db.lastInsertedRowID
    }

    /// Read under the write lock `BEGIN IMMEDIATE` took.
    func auditHead() throws -> (seq: Int64, hash: String) {
        guard let head = try one("SELECT seq, hash FROM audit_head WHERE id = 1") else {
            throw RegistryError.database("the audit chain head is missing")
        }
        return (try head.integer("seq"), try head.text("hash"))
    }

    func moveAuditHead(seq: Int64, hash: String) throws {
        try execute("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", [.integer(seq), .text(hash)])
    }

    /// SQLite compares text bytewise unless told otherwise.
    static func bytewise(_ column: String) -> String { column }
}

extension SQLValue {
    var databaseValue: DatabaseValue {
        switch self {
        case .text(let text): text.databaseValue
        case .integer(let integer): integer.databaseValue
        case .null: .null
        }
    }
}

extension Row: RegistryRow {}

extension SQLiteRegistry {
    /// Runs `body` on the shared rules in a write transaction (``write(_:)``).
    func change<T>(_ body: (inout SQLiteChange) throws -> T) throws(RegistryError) -> T {
        try write { db in
            var change = SQLiteChange(db: db)
            return try body(&change)
        }
    }

    /// Runs `body` on the shared rules in one read snapshot.
    func snapshot<T>(_ body: (SQLiteChange) throws -> T) throws(RegistryError) -> T {
        try read { db in try body(SQLiteChange(db: db)) }
    }
}
