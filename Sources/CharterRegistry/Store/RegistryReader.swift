import CharterCore
import GRDB

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
/// Reads see the last committed state. In WAL mode they do not wait for a writer; in a rollback
/// journal they wait up to `busyTimeout` for a writer's exclusive lock.
public final class RegistryReader: Sendable {
    /// The path of the database file.
    public let path: String
    // INVARIANT: DatabaseQueue serialises all access to its connection; it is Sendable.
    let queue: DatabaseQueue

    /// Opens the registry at `path` read-only and checks its schema.
    ///
    /// - Throws: ``RegistryError/notFound(path:)`` when there is no file;
    ///   ``RegistryError/cannotOpen(path:reason:)`` when it is not a SQLite database or not a
    ///   registry migrated by this build; ``RegistryError/schemaTooNew(path:unknownMigrations:)``
    ///   when a newer Charter migrated it.
    public init(path: String, busyTimeout: Duration = .seconds(60)) throws(RegistryError) {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else { throw .notFound(path: path) }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(TimeInterval(busyTimeout.components.seconds))
        configuration.label = "charter-registry-reader"
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw .cannotOpen(path: path, reason: SQLiteRegistry.message(error))
        }
        try checkSchema()
    }

    /// Compares the applied migrations with the ones this build registers, without GRDB's
    /// migrator (which would open a write transaction to create its bookkeeping table).
    private func checkSchema() throws(RegistryError) {
        let applied: Set<String>?
        do {
            applied = try queue.read { db -> Set<String>? in
                let bookkept = try Bool.fetchOne(
                    db, sql: "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'grdb_migrations'")
                guard bookkept == true else { return nil }
                return try String.fetchSet(db, sql: "SELECT identifier FROM grdb_migrations")
            }
        } catch {
            throw .cannotOpen(path: path, reason: SQLiteRegistry.message(error))
        }
        if let problem = Self.schemaProblem(path: path, applied: applied, known: RegistrySchema.migrator.migrations) {
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

    /// One source's budget at `now`, composed exactly as ``SQLiteRegistry/budget(for:at:)`` does.
    ///
    /// - Throws: ``RegistryError/unknownSource(_:)`` when no budget is registered for `source`.
    public func budget(for source: String, at now: Timestamp) throws(RegistryError) -> BudgetStatement {
        try SQLiteRegistry.read(queue) { db in try SQLiteRegistry.statement(db, source: source, at: now) }
    }
}
