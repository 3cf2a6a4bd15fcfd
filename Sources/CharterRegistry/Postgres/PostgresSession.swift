import CharterCore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One connection to the registry's server, used one transaction at a time, with the synchronous
/// interface ``RegistryStore`` promises.
///
/// **Bridging.** ``RegistryStore`` is synchronous with typed throws, like SQLite underneath it, and
/// every caller (the CLI, the worker, the workflow) calls it from an ordinary thread. postgres-nio
/// runs its I/O on SwiftNIO event loops; we hand it the process-wide
/// `MultiThreadedEventLoopGroup.singleton` and block the *calling* thread on the returned futures
/// with `wait()`. The event loop itself never blocks: `wait()` traps if called on an event loop
/// thread, so a misuse is a crash in testing rather than a deadlock in production. We use the
/// future-returning API rather than `Task` plus a semaphore because waiting on a Task from a thread
/// of Swift's cooperative pool (two threads on these machines) can starve the pool and deadlock.
///
/// **Failures.** A connection lost before `COMMIT` was sent leaves nothing behind (the server rolls
/// the transaction back), so the transaction is run again on a new connection for up to
/// ``reconnectWindow`` — a server restart (`pg_ctl restart`, a fail-over) costs a pause, not a
/// failed run. A connection lost *while* committing is reported as such: the outcome is unknown and
/// only a read can tell. A session that never connected fails at once: a wrong URL is not retried.
///
/// **Hangs.** No wait is unbounded: every exchange gives up after ``exchangeTimeout`` (and closes
/// the connection), which counts as a lost connection. A client can miss the end of a connection
/// that a crashing server dropped (seen with `pg_ctl restart -m immediate` in the restart test: a
/// query sent just as the server died waited for ever); the bound turns that into a reconnect.
///
/// INVARIANT: `connection`, `everConnected` and `hasLockedRead` are read and written only while
/// `lock` is held, and every exchange with the server holds `lock` from `BEGIN` to `COMMIT`, so one
/// transaction at a time uses the connection; that makes the class safe to share
/// (`@unchecked Sendable`).
final class PostgresSession: @unchecked Sendable {
    let location: PostgresLocation
    let reconnectWindow: Duration
    /// How long one exchange with the server (connecting, a statement, its wait for the head lock)
    /// may take before the connection is given up as lost.
    static let exchangeTimeout = TimeAmount.seconds(60)
    private let lock = NIOLock()
    private var connection: PostgresConnection?
    private var everConnected = false
    private let tls: PostgresConnection.Configuration.TLS
    /// Whether each new connection defines ``LockedRead/function`` (a session that writes).
    private let definesLockedRead: Bool
    /// Whether the open connection has ``LockedRead/function``: the server may refuse it (no
    /// `TEMP` privilege, a standby), and then a change locks and reads in two round trips.
    private var hasLockedRead = false

    /// postgres-nio logs at debug and trace levels, which may include queries; nothing of it is kept.
    static let logger = Logger(label: "charter.registry.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    init(location: PostgresLocation, reconnectWindow: Duration, definesLockedRead: Bool) throws(RegistryError) {
        self.location = location
        self.reconnectWindow = reconnectWindow
        self.definesLockedRead = definesLockedRead
        self.tls = try Self.tls(for: location)
    }

    deinit {
        if let connection { Self.closeAndWait(connection) }
    }

    /// Closes `connection` and waits until it is closed (postgres-nio asserts that a connection is
    /// closed before it is released). Called off the event loop, like every wait here.
    private static func closeAndWait(_ connection: PostgresConnection) {
        let closing: EventLoopFuture<Void> = connection.close()
        _ = try? bounded(closing, on: connection.eventLoop)
    }

    /// The exchange took longer than ``exchangeTimeout``.
    struct ExchangeTimedOut: Error, CustomStringConvertible {
        var description: String { "no answer from the server in \(PostgresSession.exchangeTimeout.nanoseconds / 1_000_000_000) s" }
    }

    /// Waits for `future`, at most ``exchangeTimeout``; then runs `giveUp` (on the event loop) and
    /// throws ``ExchangeTimedOut``.
    static func bounded<T: Sendable>(_ future: EventLoopFuture<T>, on loop: any EventLoop, giveUp: (@Sendable () -> Void)? = nil)
        throws -> T
    {
        let promise = loop.makePromise(of: T.self)
        future.cascade(to: promise)
        let timer = loop.scheduleTask(in: exchangeTimeout) {
            promise.fail(ExchangeTimedOut())
            giveUp?()
        }
        future.whenComplete { _ in timer.cancel() }
        return try promise.futureResult.wait()
    }

    /// The TLS configuration `sslmode` asks for.
    private static func tls(for location: PostgresLocation) throws(RegistryError)
        -> PostgresConnection.Configuration.TLS
    {
        if location.sslMode == .disable { return .disable }
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch location.sslMode {
        case .disable, .allow, .prefer, .require: configuration.certificateVerification = .none
        case .verifyCA: configuration.certificateVerification = .noHostnameVerification
        case .verifyFull: configuration.certificateVerification = .fullVerification
        }
        if let root = location.sslRootCertificate { configuration.trustRoots = .file(root) }
        do {
            let context = try NIOSSLContext(configuration: configuration)
            switch location.sslMode {
            case .allow, .prefer: return .prefer(context)
            default: return .require(context)
            }
        } catch {
            throw .cannotOpen(path: location.description, reason: "cannot set up TLS: \(error)")
        }
    }

    /// The open connection, or a new one.
    private func connected() throws -> PostgresConnection {
        if let connection, !connection.isClosed { return connection }
        dropConnection()
        var configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database, tls: tls)
        configuration.options.connectTimeout = .seconds(Int64(location.connectTimeout))
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let connecting = PostgresConnection.connect(
            on: loop, configuration: configuration, id: 1, logger: Self.logger)
        let new = try Self.bounded(connecting, on: loop) {
            connecting.whenSuccess { let _: EventLoopFuture<Void> = $0.close() }
        }
        // The schema is quoted although it is a plain identifier (PostgresLocation checks it).
        do {
            _ = try Self.bounded(
                new.query(PostgresQuery(unsafeSQL: "SET search_path TO \"\(location.schema)\""), logger: Self.logger),
                on: new.eventLoop
            ) { let _: EventLoopFuture<Void> = new.close() }
        } catch {
            Self.closeAndWait(new)
            throw error
        }
        hasLockedRead = false
        if definesLockedRead {
            // Refused by some servers; the change then takes its two round trips.
            let defining = new.query(PostgresQuery(unsafeSQL: LockedRead.function), logger: Self.logger)
            hasLockedRead = (try? Self.bounded(defining, on: new.eventLoop)) != nil
        }
        connection = new
        everConnected = true
        return new
    }

    private func dropConnection() {
        if let connection { Self.closeAndWait(connection) }
        connection = nil
    }

    /// What a transaction is for.
    enum Kind {
        /// Changes: `READ COMMITTED`, the audit head locked first (``PostgresRegistry``).
        case write
        /// Reads: one `REPEATABLE READ READ ONLY` snapshot.
        case read
        /// Opening: `READ COMMITTED` without the head lock (the table may not exist yet).
        case setup
    }

    /// Runs `body` in one transaction, again after a lost connection or a serialisation failure
    /// (see the type's discussion). A ``RegistryError`` from `body` rolls back and is rethrown.
    func transaction<T>(_ kind: Kind, _ body: (PostgresTransaction) throws -> T) throws(RegistryError) -> T {
        lock.lock()
        defer { lock.unlock() }
        let clock = ContinuousClock()
        // The window runs from the first lost connection, not from the transaction's start: an
        // exchange that hung until ``exchangeTimeout`` must still leave a whole window to reconnect.
        var deadline: ContinuousClock.Instant?
        var attempt = 0
        while true {
            attempt += 1
            var committing = false
            var active: PostgresConnection?
            do {
                let connection = try connected()
                active = connection
                let transaction = PostgresTransaction(connection: connection, hasLockedRead: hasLockedRead)
                switch kind {
                case .write, .setup: try transaction.execute("BEGIN ISOLATION LEVEL READ COMMITTED")
                case .read: try transaction.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                }
                let result = try body(transaction)
                committing = true
                try transaction.execute("COMMIT")
                return result
            } catch {
                let failure = PostgresFailure(error)
                if failure.kind != .connectionLost, let active {
                    _ = try? Self.bounded(active.query("ROLLBACK", logger: Self.logger), on: active.eventLoop) {
                        let _: EventLoopFuture<Void> = active.close()
                    }
                }
                if let error = error as? RegistryError { throw error }
                switch failure.kind {
                case .connectionLost:
                    dropConnection()
                    if committing {
                        throw .database(
                            "the connection to \(location) was lost while committing: the change may or may not be recorded; read the registry before trying again"
                        )
                    }
                    guard everConnected else {
                        throw .cannotOpen(path: location.description, reason: failure.message)
                    }
                    let end = deadline ?? clock.now.advanced(by: reconnectWindow)
                    deadline = end
                    if clock.now < end {
                        usleep(UInt32(min(attempt, 10) * 100_000))
                        continue
                    }
                    throw .database("lost the connection to \(location) and could not reconnect: \(failure.message)")
                case .lockedReadMissing:
                    // Another server connection behind a pooler, or the function dropped: lock and
                    // read in two round trips from now on, and run the transaction again.
                    hasLockedRead = false
                    continue
                case .retryable where attempt < 50:
                    usleep(UInt32.random(in: 1_000...20_000))
                    continue
                case .retryable, .other:
                    guard everConnected else {
                        throw .cannotOpen(path: location.description, reason: failure.message)
                    }
                    throw .database(failure.message)
                }
            }
        }
    }

    /// Closes the connection.
    func close() {
        lock.withLock { dropConnection() }
    }
}

/// The statements of one transaction, run synchronously on the session's connection.
struct PostgresTransaction {
    let connection: PostgresConnection
    /// Whether the connection has ``LockedRead/function``.
    let hasLockedRead: Bool

    /// A value to bind to a `$n` placeholder.
    typealias Value = SQLValue

    /// Runs `sql` with `values` bound to `$1`, `$2`, … and returns every row.
    @discardableResult
    func rows(_ sql: String, _ values: [Value] = []) throws -> [PostgresRecord] {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .text(let text): bindings.append(text)
            case .integer(let integer): bindings.append(integer)
            case .null: bindings.appendNull()
            }
        }
        let connection = connection
        let result = try PostgresSession.bounded(
            connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: PostgresSession.logger),
            on: connection.eventLoop
        ) { let _: EventLoopFuture<Void> = connection.close() }
        return result.map { PostgresRecord(row: $0.makeRandomAccess()) }
    }

    /// Runs ``LockedRead/function``: the head and the instant as the first row, then the read's
    /// rows (none without a read), each as the JSON object `row_to_json` wrote.
    func lockAndRead(_ reading: LockedRead?, databaseClock: Bool, handed: Timestamp) throws -> [PostgresRecord] {
        let form = reading?.functionForm
        var bindings = PostgresBindings(capacity: 4)
        bindings.append(databaseClock)
        bindings.append(handed.millisecondsSinceEpoch)
        if let form {
            bindings.append(form.query)
            bindings.append(form.arguments)
        } else {
            bindings.appendNull()
            bindings.appendNull()
        }
        let connection = connection
        let result: PostgresQueryResult
        do {
            result = try PostgresSession.bounded(
                connection.query(
                    PostgresQuery(unsafeSQL: "SELECT pg_temp.charter_lock_and_read($1, $2, $3, $4) AS row", binds: bindings),
                    logger: PostgresSession.logger),
                on: connection.eventLoop
            ) { let _: EventLoopFuture<Void> = connection.close() }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "42883" {
            throw PostgresFailure.LockedReadMissing()
        }
        return try result.map { row in
            guard let text = try PostgresRecord(row: row.makeRandomAccess()).optionalText("row") else {
                throw RegistryError.database("a locked read returned a null row")
            }
            return try PostgresRecord(json: text)
        }
    }

    /// Runs `sql` for its effect.
    func execute(_ sql: String, _ values: [Value] = []) throws {
        try rows(sql, values)
    }

    /// The first row, if any.
    func one(_ sql: String, _ values: [Value] = []) throws -> PostgresRecord? {
        try rows(sql, values).first
    }
}

/// One result row, read by column name: a row as postgres-nio decodes it, or one that
/// ``LockedRead/function`` returned as a JSON object.
struct PostgresRecord {
    private enum Storage {
        case row(PostgresRandomAccessRow)
        case json([String: JSONValue])
    }

    private let storage: Storage

    init(row: PostgresRandomAccessRow) {
        storage = .row(row)
    }

    /// A row that `row_to_json` wrote, or a database error when the text is not a JSON object.
    init(json text: String) throws {
        guard case .object(let object) = try? JSONParser().parse(text) else {
            throw RegistryError.database("a locked read returned a row that is not a JSON object")
        }
        storage = .json(object)
    }

    private func cell(_ column: String) throws -> PostgresCell {
        guard case .row(let row) = storage, row.contains(column) else {
            throw RegistryError.database("no column \"\(column)\" in a result")
        }
        return row[column]
    }

    private func field(_ column: String, _ object: [String: JSONValue]) throws -> JSONValue {
        guard let value = object[column] else { throw RegistryError.database("no column \"\(column)\" in a result") }
        return value
    }

    /// A text column, or a database error naming it.
    func text(_ column: String) throws -> String {
        guard let value = try optionalText(column) else { throw RegistryError.database("column \"\(column)\" is null") }
        return value
    }

    /// A nullable text column.
    func optionalText(_ column: String) throws -> String? {
        try value(column, "text", { try $0.decode(String?.self) }) { json in
            if case .string(let text) = json { text } else { nil }
        }
    }

    /// An integer column, or a database error naming it.
    func integer(_ column: String) throws -> Int64 {
        guard let value = try optionalInteger(column) else {
            throw RegistryError.database("column \"\(column)\" is null")
        }
        return value
    }

    /// A nullable integer column.
    func optionalInteger(_ column: String) throws -> Int64? {
        try value(column, "an integer", { try $0.decode(Int64?.self) }) { json in
            if case .integer(let integer) = json { Int64(integer) } else { nil }
        }
    }

    /// A nullable column, decoded from the row by `decode` or from the JSON object by `json`; a
    /// database error saying the column is not `kind` when it cannot be.
    private func value<T>(
        _ column: String, _ kind: String, _ decode: (PostgresCell) throws -> T?, json: (JSONValue) -> T?
    ) throws -> T? {
        switch storage {
        case .row:
            do {
                return try decode(try cell(column))
            } catch {
                throw RegistryError.database("column \"\(column)\" is not \(kind)")
            }
        case .json(let object):
            let field = try field(column, object)
            if case .null = field { return nil }
            guard let value = json(field) else { throw RegistryError.database("column \"\(column)\" is not \(kind)") }
            return value
        }
    }
}

/// An error from postgres-nio, classified, with a message that holds no password (postgres-nio's
/// own `description` hides everything, to the same end).
struct PostgresFailure {
    enum Kind {
        /// The connection is gone: nothing of an uncommitted transaction survives.
        case connectionLost
        /// ``LockedRead/function`` is not defined on this server connection (SQLSTATE 42883):
        /// nothing was done; run the transaction again without it.
        case lockedReadMissing
        /// A serialisation failure or deadlock (SQLSTATE 40001, 40P01): run the transaction again.
        case retryable
        /// Anything else.
        case other
    }

    var kind: Kind
    var message: String

    /// ``LockedRead/function`` is not defined on the connection the call reached.
    struct LockedReadMissing: Error {}

    init(_ error: any Error) {
        if error is LockedReadMissing {
            kind = .lockedReadMissing
            message = "the locked read is not defined on this connection"
            return
        }
        guard let error = error as? PSQLError else {
            if let error = error as? RegistryError {
                kind = .other
                message = error.description
            } else {
                // A closed channel and other NIO errors surface here when the socket goes away.
                kind = .connectionLost
                message = String(describing: error)
            }
            return
        }
        if let info = error.serverInfo {
            let state = info[.sqlState] ?? ""
            let text = info[.message] ?? "server error"
            message = "\(text) (SQLSTATE \(state))"
            if state == "40001" || state == "40P01" {
                kind = .retryable
            } else if state.hasPrefix("08") || state.hasPrefix("57P") {
                kind = .connectionLost
            } else {
                kind = .other
            }
            return
        }
        switch error.code {
        case .sslUnsupported:
            kind = .other
            message = "the server does not offer TLS (SSL), which the sslmode asks for"
        case .failedToAddSSLHandler, .receivedUnencryptedDataAfterSSLRequest:
            kind = .other
            message = "the TLS (SSL) handshake with the server failed: \(error.code)"
        case .serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown:
            kind = .connectionLost
            message = error.underlying.map { "connection failed: \($0)" } ?? "the server closed the connection"
        default:
            kind = .other
            message = "\(error.code)" + (error.underlying.map { ": \($0)" } ?? "")
        }
    }
}
