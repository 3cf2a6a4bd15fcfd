public import CharterCore
import GRDBSQLite
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// An existing registry opened for reading only, for commands that consult the ledger and must
/// never change it (`charter check`, `charter explain`).
///
/// ``SQLiteRegistry`` opens read-write: it switches the file to WAL, makes sure a non-empty WAL
/// exists (GRDB creates and drops a table to do so), applies missing migrations, and on close
/// checkpoints the WAL into the file. All of that writes, with `fsync`s, on every open. A reader
/// opens with `SQLITE_OPEN_READONLY` instead, applies nothing, and only checks that the file
/// holds exactly the migrations this build knows: a file that lacks them is not a registry (or one
/// from an older Charter that a writing command would migrate first), one with unknown migrations
/// was written by a newer Charter.
///
/// It talks to SQLite directly rather than through GRDB: a GRDB connection costs a dispatch queue
/// whose disposal starts a thread, and connection set-up (functions, collations, authorizer) that
/// a one-shot read does not need: about 2 ms of a 17 ms `charter check`. Rows decode through the
/// same ``LedgerEventColumns`` and ``SourceColumns`` as the store's, and the statement is the same
/// ``BudgetStatement``.
///
/// Each read is one transaction, so it sees one committed state. In WAL mode it does not wait for
/// a writer; in a rollback journal it waits up to `busyTimeout` for a writer's exclusive lock.
public final class RegistryReader: Sendable {
    /// The path of the database file.
    public let path: String
    /// The connection and what was last read through it; the lock keeps one read transaction at a
    /// time on it.
    private let connection: Mutex<Connection>
    /// The most sources whose ledger rows are remembered between reads.
    static let rememberedSources = 1024

    /// The connection, and each source's rows as read at the file's `dataVersion`.
    private struct Connection: ~Copyable {
        let handle: OpaquePointer
        /// `PRAGMA data_version` when `sources` were read: SQLite changes it on this connection
        /// whenever another connection (in any process) commits to the file.
        var dataVersion: Int64?
        /// Each source's last statement from the rows read at `dataVersion` (a statement carries
        /// the cap and every event, so it is composed again at another instant without a read):
        /// `nil` when none is registered under that name.
        var sources: [String: BudgetStatement?] = [:]
    }

    /// Opens the registry at `path` read-only and checks its schema.
    ///
    /// - Throws: ``RegistryError/notFound(path:)`` when there is no file;
    ///   ``RegistryError/cannotOpen(path:reason:)`` when it is not a SQLite database or not a
    ///   registry migrated by this build; ``RegistryError/schemaTooNew(path:unknownMigrations:)``
    ///   when a newer Charter migrated it.
    public init(path: String, busyTimeout: Duration = .seconds(60)) throws(RegistryError) {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else { throw .notFound(path: path) }
        var opened: OpaquePointer?
        let code = sqlite3_open_v2(path, &opened, SQLITE_OPEN_READONLY, nil)
        guard let handle = opened else {
            throw .cannotOpen(path: path, reason: "sqlite could not allocate a connection")
        }
        guard code == SQLITE_OK else {
            let reason = String(cString: sqlite3_errmsg(handle))
            sqlite3_close_v2(handle)
            throw .cannotOpen(path: path, reason: reason)
        }
        sqlite3_extended_result_codes(handle, 1)
        let (seconds, attoseconds) = busyTimeout.components
        sqlite3_busy_timeout(handle, Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000))
        do {
            try Self.checkSchema(handle, path: path)
        } catch {
            sqlite3_close_v2(handle)
            throw error
        }
        connection = Mutex(Connection(handle: handle))
    }

    deinit {
        connection.withLock { connection in _ = sqlite3_close_v2(connection.handle) }
    }

    /// Compares the applied migrations with the ones this build registers, without GRDB's
    /// migrator (which would open a write transaction to create its bookkeeping table).
    private static func checkSchema(_ db: OpaquePointer, path: String) throws(RegistryError) {
        let applied: Set<String>?
        do {
            applied = try readTransaction(db) { () throws(RegistryError) -> Set<String>? in
                var bookkept = false
                try query(
                    db, "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'grdb_migrations'"
                ) { row throws(RegistryError) in bookkept = try row.integer(0, "count") != 0 }
                guard bookkept else { return nil }
                var identifiers: Set<String> = []
                try query(db, "SELECT identifier FROM grdb_migrations") { row throws(RegistryError) in
                    identifiers.insert(try row.text(0, "identifier"))
                }
                return identifiers
            }
        } catch {
            guard case .database(let reason) = error else { throw error }
            throw .cannotOpen(path: path, reason: reason)
        }
        if let problem = schemaProblem(path: path, applied: applied, known: RegistrySchema.migrator.migrations) {
            throw problem
        }
    }

    /// What is wrong with a file whose applied migrations are `applied` (`nil` when it has no
    /// migration bookkeeping at all) for a build that knows `known`, or `nil` when nothing is.
    static func schemaProblem(path: String, applied: Set<String>?, known: [String]) -> RegistryError? {
        guard let applied, !applied.isEmpty else {
            return .cannotOpen(path: path, reason: "not a charter registry (it has no registry schema)")
        }
        let unknown = applied.subtracting(known).sorted()
        guard unknown.isEmpty else { return .schemaTooNew(path: path, unknownMigrations: unknown) }
        let missing = known.filter { !applied.contains($0) }
        guard missing.isEmpty else {
            let names = missing.map { "\"\($0)\"" }.joined(separator: ", ")
            return .cannotOpen(
                path: path,
                reason:
                    "the registry predates this charter (migrations \(names) not applied); a command that writes to it migrates it"
            )
        }
        return nil
    }

    /// One source's budget at `now`, composed exactly as ``SQLiteRegistry/budget(for:at:)`` does:
    /// the same rows, decoded the same way, into the same ``BudgetStatement``.
    ///
    /// - Throws: ``RegistryError/unknownSource(_:)`` when no budget is registered for `source`.
    public func budget(for source: String, at now: Timestamp) throws(RegistryError) -> BudgetStatement {
        try connection.withLock { connection throws(RegistryError) -> BudgetStatement in
            let db = connection.handle
            // A file no other connection has committed to since the rows were read still holds
            // them: the statement is composed again at `now` (leases lapse with time), the rows
            // are not read again. Any commit, by any process, changes the version and drops them.
            let version = try Self.dataVersion(db)
            if version != connection.dataVersion || connection.sources.count >= Self.rememberedSources {
                connection.sources = [:]
                connection.dataVersion = version
            }
            if let remembered = connection.sources[source] {
                guard var statement = remembered else { throw .unknownSource(source) }
                if statement.asOf != now {
                    statement = BudgetStatement(
                        source: source, cap: statement.cap, registeredAt: statement.registeredAt, asOf: now,
                        events: statement.events)
                    connection.sources[source] = statement
                }
                return statement
            }
            let statement: BudgetStatement?
            do throws(RegistryError) {
                statement = try Self.readTransaction(db) { () throws(RegistryError) -> BudgetStatement in
                    try Self.statement(of: source, at: now, db)
                }
            } catch .unknownSource {
                statement = nil
            }
            connection.sources[source] = .some(statement)
            guard let statement else { throw .unknownSource(source) }
            return statement
        }
    }

    /// `PRAGMA data_version` on `db`.
    private static func dataVersion(_ db: OpaquePointer) throws(RegistryError) -> Int64 {
        var version: Int64 = 0
        try query(db, "PRAGMA data_version") { row throws(RegistryError) in version = try row.integer(0, "data_version") }
        return version
    }

    /// One source's statement at `now` from its row and ledger events, read inside a transaction.
    /// - Throws: ``RegistryError/unknownSource(_:)`` when no budget is registered for `source`.
    private static func statement(of source: String, at now: Timestamp, _ db: OpaquePointer) throws(RegistryError)
        -> BudgetStatement
    {
        var columns: SourceColumns?
        try query(
            db, "SELECT epsilon_cap, delta_cap, registered_at FROM sources WHERE id = ?", [source]
        ) { row throws(RegistryError) in
            columns = SourceColumns(
                source: source, epsilonCap: try row.text(0, "epsilon_cap"),
                deltaCap: try row.text(1, "delta_cap"),
                registeredAt: try row.integer(2, "registered_at"))
        }
        guard let (cap, registeredAt) = try columns?.cap() else { throw .unknownSource(source) }
        var events: [LedgerEvent] = []
        try query(
            db, "SELECT \(LedgerEventColumns.selection) FROM ledger_events WHERE source = ? ORDER BY id",
            [source]
        ) { row throws(RegistryError) in
            events.append(
                try LedgerEventColumns(
                    id: try row.integer(0, "id"), source: try row.text(1, "source"),
                    run: try row.text(2, "run"),
                    mechanism: try row.text(3, "mechanism"), cost: try row.text(4, "cost"),
                    state: try row.text(5, "state"), actor: try row.text(6, "actor"),
                    reservedAt: try row.integer(7, "reserved_at"),
                    leaseExpiresAt: try row.integer(8, "lease_expires_at"),
                    settledAt: try row.optionalInteger(9, "settled_at"),
                    releaseReason: try row.optionalText(10, "release_reason")
                ).event())
        }
        return BudgetStatement(source: source, cap: cap, registeredAt: registeredAt, asOf: now, events: events)
    }

    // MARK: SQLite

    /// Runs `body` between `BEGIN` and `COMMIT`, so that its queries see one committed state.
    private static func readTransaction<T>(_ db: OpaquePointer, _ body: () throws(RegistryError) -> T)
        throws(RegistryError) -> T
    {
        try execute(db, "BEGIN")
        let result: T
        do {
            result = try body()
        } catch {
            _ = sqlite3_exec(db, "ROLLBACK", nil, nil, nil)
            throw error
        }
        try execute(db, "COMMIT")
        return result
    }

    private static func execute(_ db: OpaquePointer, _ sql: String) throws(RegistryError) {
        guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else { throw .database(message(db)) }
    }

    /// Prepares `sql`, binds `arguments` as text, and calls `row` for each result row.
    private static func query(
        _ db: OpaquePointer, _ sql: String, _ arguments: [String] = [], row: (ResultRow) throws(RegistryError) -> Void
    ) throws(RegistryError) {
        var prepared: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &prepared, nil) == SQLITE_OK, let statement = prepared else {
            throw .database(message(db))
        }
        defer { sqlite3_finalize(statement) }
        for (index, argument) in arguments.enumerated() {
            // SQLITE_TRANSIENT: SQLite copies the text, which the Swift string only lends.
            let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
            guard sqlite3_bind_text(statement, Int32(index + 1), argument, -1, transient) == SQLITE_OK else {
                throw .database(message(db))
            }
        }
        while true {
            switch sqlite3_step(statement) {
            case SQLITE_ROW: try row(ResultRow(statement: statement))
            case SQLITE_DONE: return
            default: throw .database(message(db))
            }
        }
    }

    private static func message(_ db: OpaquePointer) -> String {
        String(cString: sqlite3_errmsg(db))
    }

    /// The current row of a stepped statement, with the type checks ``SQLiteRegistry`` makes
    /// through GRDB (the tables are STRICT, so a mismatch means the file was edited).
    private struct ResultRow {
        let statement: OpaquePointer

        func text(_ column: Int32, _ name: String) throws(RegistryError) -> String {
            guard sqlite3_column_type(statement, column) == SQLITE_TEXT,
                let bytes = sqlite3_column_text(statement, column)
            else { throw .database("column \"\(name)\" is not text") }
            let count = Int(sqlite3_column_bytes(statement, column))
            return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
        }

        func optionalText(_ column: Int32, _ name: String) throws(RegistryError) -> String? {
            sqlite3_column_type(statement, column) == SQLITE_NULL ? nil : try text(column, name)
        }

        func integer(_ column: Int32, _ name: String) throws(RegistryError) -> Int64 {
            guard sqlite3_column_type(statement, column) == SQLITE_INTEGER else {
                throw .database("column \"\(name)\" is not an integer")
            }
            return sqlite3_column_int64(statement, column)
        }

        func optionalInteger(_ column: Int32, _ name: String) throws(RegistryError) -> Int64? {
            sqlite3_column_type(statement, column) == SQLITE_NULL ? nil : try integer(column, name)
        }
    }
}
