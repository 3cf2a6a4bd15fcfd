internal import CharterCore
import GRDB

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The registry in one SQLite file, through GRDB: WAL journal, foreign keys, `synchronous=FULL`,
/// STRICT tables, versioned migrations, and every change in a `BEGIN IMMEDIATE` transaction, so
/// that several processes can share the file safely.
public final class SQLiteRegistry: RegistryStore {
    /// The path of the database file.
    public let path: String
    // INVARIANT: DatabaseQueue serialises all access to its connection; it is Sendable.
    let queue: DatabaseQueue

    /// Where the registry lives unless `--registry` or `CHARTER_REGISTRY` says otherwise.
    public static let defaultPath = ".charter/registry.sqlite"

    /// The path to use: an explicit one, else the `CHARTER_REGISTRY` environment variable, else
    /// ``defaultPath``.
    public static func resolvePath(explicit: String?, environment: [String: String]) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = environment["CHARTER_REGISTRY"], !fromEnvironment.isEmpty { return fromEnvironment }
        return defaultPath
    }

    /// Opens the registry at `path`, applying any migrations it lacks.
    ///
    /// - Parameters:
    ///   - create: whether to create the file (and its directory) when missing; commands that only
    ///     read pass `false`, so a mistyped path is an error rather than an empty registry.
    ///   - busyTimeout: how long to wait for another process's write lock.
    public init(path: String, create: Bool, busyTimeout: Duration = .seconds(60)) throws(RegistryError) {
        self.path = path
        let manager = FileManager.default
        if !manager.fileExists(atPath: path) {
            guard create else { throw .notFound(path: path) }
            if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
                let directory = String(path[..<slash])
                do {
                    try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
                } catch {
                    throw .cannotOpen(path: path, reason: "cannot create directory \"\(directory)\"")
                }
            }
        }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.journalMode = .wal
        configuration.busyMode = .timeout(TimeInterval(busyTimeout.components.seconds))
        configuration.label = "charter-registry"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        if create, !FileManager.default.fileExists(atPath: path) {
            try Self.createAtomically(at: path, configuration: configuration)
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw .cannotOpen(path: path, reason: Self.message(error))
        }
        try migrate()
    }

    /// Creates a migrated registry at `path` as one step: built under a temporary name beside it,
    /// then hard-linked into place, which fails rather than replaces when another process created
    /// it first. Nobody ever sees the file without its schema (a run racing a plan saw exactly
    /// that: "not a charter registry").
    private static func createAtomically(at path: String, configuration: Configuration) throws(RegistryError) {
        let temporary = "\(path).creating-\(ProcessInfo.processInfo.processIdentifier)-\(UInt64.random(in: 0...UInt64.max))"
        defer {
            for suffix in ["", "-wal", "-shm", "-journal"] { unlink(temporary + suffix) }
        }
        do {
            let building = try DatabaseQueue(path: temporary, configuration: configuration)
            try RegistrySchema.migrator.migrate(building)
            try building.close()
        } catch {
            throw .cannotOpen(path: path, reason: Self.message(error))
        }
        if link(temporary, path) != 0, errno != EEXIST {
            throw .cannotOpen(path: path, reason: "cannot create the file: \(String(cString: strerror(errno)))")
        }
    }

    /// Opens the existing registry at `path` for reading only: nothing is created, migrated or
    /// written (not even the WAL set-up), and a file that is not a registry of exactly this build's
    /// schema — an empty file, another application's database, an older or newer registry — is
    /// refused as ``RegistryReader`` refuses it. Writing through it fails.
    ///
    /// - Parameter busyTimeout: how long to wait for another process's write lock.
    public init(readingAt path: String, busyTimeout: Duration = .seconds(60)) throws(RegistryError) {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else { throw .notFound(path: path) }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(TimeInterval(busyTimeout.components.seconds))
        configuration.label = "charter-registry-reader"
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw .cannotOpen(path: path, reason: Self.message(error))
        }
        let applied: Set<String>?
        do {
            applied = try queue.read { db -> Set<String>? in
                guard try db.tableExists("grdb_migrations") else { return nil }
                return try RegistrySchema.migrator.appliedIdentifiers(db)
            }
        } catch {
            throw .cannotOpen(path: path, reason: Self.message(error))
        }
        if let problem = RegistryReader.schemaProblem(
            path: path, applied: applied, known: RegistrySchema.migrator.migrations)
        {
            throw problem
        }
    }

    private func migrate() throws(RegistryError) {
        let migrator = RegistrySchema.migrator
        do {
            if try queue.read(migrator.hasBeenSuperseded) {
                let applied = try queue.read(migrator.appliedIdentifiers)
                throw RegistryError.schemaTooNew(
                    path: path, unknownMigrations: applied.subtracting(migrator.migrations).sorted())
            }
            do {
                try migrator.migrate(queue)
            } catch {
                // Another process may have applied the same migration first; that is fine.
                let complete = try queue.read(migrator.hasCompletedMigrations)
                if !complete { throw error }
            }
        } catch let error as RegistryError {
            throw error
        } catch {
            throw .cannotOpen(path: path, reason: Self.message(error))
        }
    }

    // MARK: Transactions

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction: the write lock is taken before anything is
    /// read, so a check and the write that depends on it cannot interleave with another process.
    func write<T>(_ body: (Database) throws -> T) throws(RegistryError) -> T {
        do {
            return try queue.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                guard let result else { preconditionFailure("a committed transaction has a result") }
                return result
            }
        } catch let error as RegistryError {
            throw error
        } catch {
            throw .database(Self.message(error))
        }
    }

    /// Runs `body` in a read transaction (one consistent snapshot).
    func read<T>(_ body: (Database) throws -> T) throws(RegistryError) -> T {
        do {
            return try queue.read { db in try body(db) }
        } catch let error as RegistryError {
            throw error
        } catch {
            throw .database(Self.message(error))
        }
    }

    static func message(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return error.message ?? error.description
        }
        return String(describing: error)
    }

    /// `PRAGMA integrity_check`: `["ok"]` when the file is sound.
    public func integrityCheck() throws(RegistryError) -> [String] {
        try read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }
}

extension Row {
    /// A text column, or a database error naming it.
    func text(_ column: String) throws -> String {
        guard let value = String.fromDatabaseValue(self[column] as DatabaseValue) else {
            throw RegistryError.database("column \"\(column)\" is not text")
        }
        return value
    }

    /// A nullable text column.
    func optionalText(_ column: String) throws -> String? {
        let value: DatabaseValue = self[column]
        if value.isNull { return nil }
        return try text(column)
    }

    /// An integer column, or a database error naming it.
    func integer(_ column: String) throws -> Int64 {
        guard let value = Int64.fromDatabaseValue(self[column] as DatabaseValue) else {
            throw RegistryError.database("column \"\(column)\" is not an integer")
        }
        return value
    }

    /// A nullable integer column.
    func optionalInteger(_ column: String) throws -> Int64? {
        let value: DatabaseValue = self[column]
        if value.isNull { return nil }
        return try integer(column)
    }
}
