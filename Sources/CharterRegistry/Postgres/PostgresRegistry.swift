import CharterCore

/// The registry on PostgreSQL 15+ (through postgres-nio): one ledger, catalogue and audit chain
/// that many machines share, with the same rules and the same audit records as ``SQLiteRegistry``.
///
/// **Concurrency.** Every change runs in one `READ COMMITTED` transaction that first locks the
/// audit chain's head row (`SELECT … FROM audit_head … FOR UPDATE`), after queueing for the
/// registry's advisory lock (``writersQueue``), and reads only after both are granted. Every change
/// appends an audit record, so every writer must serialise on the head anyway — taking that lock
/// first gives one lock order (no deadlocks) and means a budget check reads every reservation
/// committed before it (`READ COMMITTED` takes a fresh snapshot per statement, and per query inside
/// a volatile function such as ``LockedRead/function``, after the lock is granted):
/// check-and-reserve cannot over-spend under any interleaving, and the chain can neither fork nor
/// gap. We chose this over `SERIALIZABLE` with retries because under `SERIALIZABLE` every pair of
/// concurrent writers conflicts on the head row anyway, so it would only add aborts and retries
/// (and their latency) for the same serial order. The lock is held for one transaction
/// (milliseconds), never across a run: a run holds a *reservation* (a row with a lease), not a
/// lock.
///
/// **Time.** Like every ``RegistryStore``, it is handed `now` (``Clock/handed``): runs are
/// reproducible and tests control time, and leases are compared with the writer's clock.
/// With ``Clock/database`` every change instead uses the server's `clock_timestamp()` taken under
/// the head lock, so that machines whose clocks disagree cannot expire each other's leases early
/// (the restart test's workers and the throughput benchmark use it). The CLI still hands in its own
/// clock or `--now`, so machines that share a registry through it keep their clocks synchronised.
///
/// **Plans.** ``reserve(_:pinnedTo:at:)`` checks the pin (the plan has not reserved before; the
/// ledger is the one it pinned) in the same transaction, under the same lock, so twenty concurrent
/// runs of one plan reserve once.
public final class PostgresRegistry: RegistryStore {
    /// Where the registry is (its URL without the password).
    public let location: PostgresLocation
    /// Which clock changes use.
    public let clock: Clock
    let session: PostgresSession
    /// Whether it was opened with ``OpenMode/reading``: changes are refused before they reach the server.
    let readOnly: Bool

    /// Which instant a change is recorded at.
    public enum Clock: Sendable {
        /// The `now` the caller hands in.
        case handed
        /// The database server's clock, read inside the transaction.
        case database
    }

    /// How to open the registry.
    public enum OpenMode: Sendable {
        /// Create the schema and its tables when missing; apply missing migrations.
        case create
        /// Refuse a schema that holds no registry; apply missing migrations.
        case existing
        /// Read only: nothing created or migrated; a registry of another schema version is refused.
        case reading
    }

    /// Opens the registry at `location`.
    /// - Parameters:
    ///   - reconnectWindow: how long a transaction whose connection was lost keeps trying to
    ///     reconnect (a server restart) before it fails.
    /// - Throws: ``RegistryError/cannotOpen(path:reason:)`` when the server cannot be reached or
    ///   refuses the login, ``RegistryError/notFound(path:)`` when the schema holds no registry and
    ///   `mode` does not create one, ``RegistryError/schemaTooNew(path:unknownMigrations:)``.
    public convenience init(
        location: PostgresLocation, mode: OpenMode, clock: Clock = .handed, reconnectWindow: Duration = .seconds(30)
    ) throws(RegistryError) {
        try self.init(
            location: location, mode: mode, clock: clock, reconnectWindow: reconnectWindow,
            lockedReads: mode != .reading)
    }

    /// Opens the registry; with `lockedReads` false, changes lock and read in two round trips, as
    /// on a server that refuses ``LockedRead/function`` (the tests run both ways side by side).
    init(location: PostgresLocation, mode: OpenMode, clock: Clock, reconnectWindow: Duration, lockedReads: Bool)
        throws(RegistryError)
    {
        self.location = location
        self.clock = clock
        self.readOnly = mode == .reading
        self.session = try PostgresSession(
            location: location, reconnectWindow: reconnectWindow, definesLockedRead: lockedReads)
        try open(mode)
    }

    /// Closes the connection; the registry reconnects if used again.
    public func close() {
        session.close()
    }

    private func open(_ mode: OpenMode) throws(RegistryError) {
        let shown = location.description
        let schema = location.schema
        try session.transaction(.setup) { transaction in
            // Two processes opening a new registry at once: one creates, the other waits and sees it.
            try transaction.execute("SELECT pg_advisory_xact_lock(72266, hashtext($1))", [.text(schema)])
            let present =
                try transaction.one(
                    """
                    SELECT count(*) AS n FROM information_schema.tables
                    WHERE table_schema = $1 AND table_name = 'charter_migrations'
                    """, [.text(schema)])?.integer("n") ?? 0
            if present == 0 {
                guard mode == .create else { throw RegistryError.notFound(path: shown) }
                try transaction.execute("CREATE SCHEMA IF NOT EXISTS \"\(schema)\"")
                try transaction.execute("SET search_path TO \"\(schema)\"")
                try transaction.execute(PostgresSchema.bookkeeping)
            }
            let applied = Set(
                try transaction.rows("SELECT identifier FROM charter_migrations").map { try $0.text("identifier") })
            let known = PostgresSchema.identifiers
            let unknown = applied.subtracting(known).sorted()
            guard unknown.isEmpty else {
                throw RegistryError.schemaTooNew(path: shown, unknownMigrations: unknown)
            }
            if mode == .reading {
                if let problem = RegistryReader.schemaProblem(path: shown, applied: applied, known: known) {
                    throw problem
                }
                return
            }
            for migration in PostgresSchema.migrations where !applied.contains(migration.identifier) {
                for statement in migration.statements { try transaction.execute(statement) }
                try transaction.execute(
                    "INSERT INTO charter_migrations (identifier) VALUES ($1)", [.text(migration.identifier)])
            }
        }
    }

    // MARK: Transactions

    /// The expression that queues a writer for the registry's writers' lock: a transaction-level
    /// advisory lock on the schema's name, taken before the head row's lock. Every writer of this
    /// version takes it first, so the head row is then locked without a wait (writers of older
    /// versions, which lock only the row, are still excluded by it). PostgreSQL hands an advisory
    /// lock from one waiter to the next in a queue of its own; measured with `pgbench` and 50
    /// clients on a change of Charter's shape, that gave about a quarter more changes per second
    /// than waiting on the row, whose lock is handed over through each holder's transaction id.
    static let writersQueue = "pg_advisory_xact_lock(72267, hashtext(current_schema()))"

    /// A change's first read, already run by the locking round trip (``write(at:reading:_:)``).
    struct PrefetchedRead {
        /// The statement, as the rules ask for it.
        var sql: String
        var values: [SQLValue]
        /// Its rows.
        var rows: [PostgresRecord]
    }

    /// The audit head, locked by the transaction that read it.
    struct Head {
        var seq: Int64
        var hash: String
    }

    /// Runs `body` in a write transaction that has locked the audit head (see the type's
    /// discussion), with the instant the change is recorded at and, when `reading` is given and the
    /// connection has ``LockedRead/function``, that read's rows, read in the locking round trip.
    /// Without the function, queueing and locking take a round trip each.
    func write<T>(
        at now: Timestamp, reading: LockedRead? = nil,
        _ body: (PostgresTransaction, inout Head, Timestamp, PrefetchedRead?) throws -> T
    ) throws(RegistryError) -> T {
        guard !readOnly else {
            throw .database("registry \"\(location)\" was opened for reading only")
        }
        let clock = clock
        return try session.transaction(.write) { transaction in
            let rows: [PostgresRecord]
            if transaction.hasLockedRead {
                rows = try transaction.lockAndRead(reading, databaseClock: clock == .database, handed: now)
            } else {
                try transaction.execute("SELECT \(Self.writersQueue)")
                // The instant as the function gives it: the outer SELECT reads the clock only once
                // the materialised lock has been granted, never while it waits.
                rows = try transaction.rows(
                    """
                    WITH locked AS MATERIALIZED (SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE)
                    SELECT seq, hash, CASE WHEN $1 = 1 THEN (extract(epoch FROM clock_timestamp()) * 1000)::bigint
                        ELSE $2 END AS now FROM locked
                    """, [.integer(clock == .database ? 1 : 0), .integer(now.millisecondsSinceEpoch)])
            }
            guard let first = rows.first else { throw RegistryError.database("the audit chain head is missing") }
            var head = Head(seq: try first.integer("seq"), hash: try first.text("hash"))
            let instant = Timestamp(millisecondsSinceEpoch: try first.integer("now"))
            // Without the function the rules run their first read themselves.
            let prefetched = transaction.hasLockedRead ? reading.map { reading in
                let statement = reading.bound(at: instant)
                return PrefetchedRead(sql: statement.sql, values: statement.values, rows: Array(rows.dropFirst()))
            } : nil
            return try body(transaction, &head, instant, prefetched)
        }
    }

    /// Whether changes lock the head and read in one round trip (``LockedRead/function`` is
    /// defined on the connection, which this opens when it is not).
    func locksAndReadsTogether() throws(RegistryError) -> Bool {
        try session.transaction(.read) { $0.hasLockedRead }
    }

    /// Runs `body` in one read-only snapshot.
    func read<T>(_ body: (PostgresTransaction) throws -> T) throws(RegistryError) -> T {
        try session.transaction(.read, body)
    }

}

extension PostgresRegistry {
    /// Runs `statements` in one transaction, as an administrator editing the database would (the
    /// tests' tampering and clean-up); nothing in Charter calls it.
    func executeRaw(_ statements: [String]) throws(RegistryError) {
        try session.transaction(.setup) { transaction in
            for statement in statements { try transaction.execute(statement) }
        }
    }
}
