import CharterCore

/// A value bound to a `?` placeholder of the SQL both stores share.
enum SQLValue: Equatable {
    case text(String)
    case integer(Int64)
    case null

    /// A nullable text value.
    static func optionalText(_ value: String?) -> Self { value.map(Self.text) ?? .null }
    /// A nullable integer value.
    static func optionalInteger(_ value: Int64?) -> Self { value.map(Self.integer) ?? .null }
}

/// One result row, read by column name: GRDB's `Row` and ``PostgresRecord`` alike.
protocol RegistryRow {
    /// A text column, or a database error naming it.
    func text(_ column: String) throws -> String
    /// A nullable text column.
    func optionalText(_ column: String) throws -> String?
    /// An integer column, or a database error naming it.
    func integer(_ column: String) throws -> Int64
    /// A nullable integer column.
    func optionalInteger(_ column: String) throws -> Int64?
}

extension RegistryRow {
    /// The `revoked_at`, `revoked_reason` and `revoked_by` columns (certificates and signing keys
    /// alike), or `nil` when the row is not revoked.
    func revocation() throws -> (reason: String, actor: String, at: Timestamp)? {
        guard let revokedAt = try optionalInteger("revoked_at") else { return nil }
        return (
            try optionalText("revoked_reason") ?? "", try optionalText("revoked_by") ?? "",
            Timestamp(millisecondsSinceEpoch: revokedAt)
        )
    }
}

/// One transaction on a registry's tables, as each store runs it.
///
/// The registry's rules — budget arithmetic, the plan pin, lease expiry, the audit record each
/// change appends, what the verifier is shown — are written once, in extensions of this protocol
/// (`RegistryTransaction+Ledger.swift`, `+Audit.swift`), in the SQL both stores accept (`?`
/// placeholders; PostgreSQL's transaction numbers them). A store supplies only what it does its own
/// way: running a statement, assigning a new event's id, and keeping the audit chain's head (SQLite
/// reads it under its file lock; PostgreSQL has it locked and in hand since the transaction began).
protocol RegistryTransaction {
    associatedtype Record: RegistryRow

    /// Runs `sql` with `values` bound to its `?` placeholders, in order, and returns every row.
    func rows(_ sql: String, _ values: [SQLValue]) throws -> [Record]

    /// Runs `sql`, an `INSERT` or `UPDATE` that returns nothing, or holds it to run with the
    /// transaction's next read or before its commit (PostgreSQL sends the held writes as one
    /// statement: one round trip). The rules call it only for a change that no statement reads
    /// before the next read, and never change one row twice in a transaction.
    func write(_ sql: String, _ values: [SQLValue]) throws

    /// What a reservation on `source` reads under the lock, in one statement where the store can.
    mutating func reservationReading(source: String, at now: Timestamp) throws -> ReservationReading

    /// Inserts a reservation (`state` 'reserved') with the columns `source, run, mechanism, cost,
    /// actor, reserved_at, lease_expires_at` and returns the id the store gave it: one more than
    /// any before, never reused.
    func insertReservation(_ values: [SQLValue]) throws -> Int64

    /// The audit chain's head: the last record's sequence number and hash.
    func auditHead() throws -> (seq: Int64, hash: String)

    /// Moves the head to a record just appended.
    mutating func moveAuditHead(seq: Int64, hash: String) throws

    /// `column` as an ORDER BY term that compares text byte by byte (PostgreSQL's default collation
    /// would not).
    static func bytewise(_ column: String) -> String
}

/// What a reservation reads before it decides (``RegistryTransaction/reservationReading(source:at:)``).
struct ReservationReading {
    /// The source's cap and registration time, or `nil` when it is not registered.
    var cap: (cap: BudgetCap, registeredAt: Timestamp)?
    /// The source's costs that hold budget at the instant: committed events and reservations whose
    /// lease has not ended, counted (``LedgerSQL/liveCostTally``).
    var live: PrivacyCostTally
    /// Whether a reservation of any source has a lease that ended at the instant: the writer
    /// releases those first.
    var leasesEnded: Bool
}

/// The ledger's SQL that more than one statement shares.
enum LedgerSQL {
    /// One event by id (`?`).
    static let event = "SELECT * FROM ledger_events WHERE id = ?"

    /// Reservations, of any source, whose lease ended at the instant (`?`).
    static let endedLeases = "SELECT * FROM ledger_events WHERE state = 'reserved' AND lease_expires_at <= ?"

    /// The source's (`?`) costs that hold budget at the instant (`?`) — committed events and
    /// reservations whose lease has not ended — one row per distinct `cost`, with how many events
    /// carry it (`uses`) and the first of them (`first`): the work and the rows do not grow with
    /// the ledger's repeats, and ordered by `first` they are the tally the events make.
    static let liveCostTally = """
        SELECT cost, count(*) AS uses, min(id) AS first FROM ledger_events
        WHERE source = ? AND (state = 'committed' OR (state = 'reserved' AND lease_expires_at > ?))
        GROUP BY cost
        """
}

extension RegistryTransaction {
    /// Runs `sql` now.
    func write(_ sql: String, _ values: [SQLValue]) throws {
        try execute(sql, values)
    }

    /// The reading in three statements: whether leases ended, the cap, the live costs.
    mutating func reservationReading(source: String, at now: Timestamp) throws -> ReservationReading {
        let instant = SQLValue.integer(now.millisecondsSinceEpoch)
        let ended = try one(LedgerSQL.endedLeases + " LIMIT 1", [instant]) != nil
        let cap = try cap(source)
        var live = PrivacyCostTally()
        for row in try rows(LedgerSQL.liveCostTally + " ORDER BY first", [.text(source), instant]) {
            try Self.count(row, into: &live)
        }
        return ReservationReading(cap: cap, live: live, leasesEnded: ended)
    }

    /// Adds a row of ``LedgerSQL/liveCostTally`` to `tally`.
    static func count(_ row: Record, into tally: inout PrivacyCostTally) throws {
        let uses = try row.integer("uses")
        guard uses > 0, uses <= Int64(Int.max) else { throw RegistryError.database("a cost is counted \(uses) times") }
        tally.add(try LedgerEventColumns.cost(try row.text("cost"), event: try row.integer("first")), count: Int(uses))
    }

    /// Runs `sql` for its effect.
    func execute(_ sql: String, _ values: [SQLValue] = []) throws {
        _ = try rows(sql, values)
    }

    /// The first row, if any.
    func one(_ sql: String, _ values: [SQLValue] = []) throws -> Record? {
        try rows(sql, values).first
    }

    /// Appends one audit record, chained from the head, and moves the head.
    mutating func appendAudit(at now: Timestamp, actor: String, action: String, subject: String, details: JSONValue)
        throws
    {
        let head = try auditHead()
        let draft = AuditRecord(
            seq: head.seq + 1, at: now.description, actor: actor, action: action, subject: subject,
            details: try details.canonical(), previousHash: head.hash, hash: "")
        guard let hash = draft.computedHash(seq: draft.seq) else {
            throw RegistryError.database("audit details could not be written as canonical JSON")
        }
        try insertAudit(
            AuditRecord(
                seq: draft.seq, at: draft.at, actor: actor, action: action, subject: subject, details: draft.details,
                previousHash: head.hash, hash: hash))
        try moveAuditHead(seq: draft.seq, hash: hash)
    }

    /// Inserts `record` as it is (an append, or a verbatim copy from another registry).
    func insertAudit(_ record: AuditRecord) throws {
        try write(
            """
            INSERT INTO audit_log (seq, at, actor, action, subject, details, previous_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .integer(record.seq), .text(record.at), .text(record.actor), .text(record.action),
                .text(record.subject), .text(record.details), .text(record.previousHash), .text(record.hash),
            ])
    }
}
