public import CharterCore
public import CharterPolicy
public import CharterRegistry

/// The privacy-budget ledger decisions consult (`check`, `explain`), opened read-only: decisions
/// never write to the registry.
public struct DecisionLedger: Sendable {
    /// The registry, or `nil` when there is none (each decision then says the budget was not
    /// checked).
    public let store: (any BudgetReading)?
    /// The registry's path as resolved.
    public let path: String
    /// The instant budgets are read at (live reservations count until their lease ends).
    public let instant: Timestamp

    /// No ledger: budgets are not checked.
    public static func none(path: String, instant: Timestamp) -> DecisionLedger {
        DecisionLedger(store: nil, path: path, instant: instant)
    }

    /// Opens the registry at `location`. A registry the front end did not name that does not exist
    /// is no ledger; one it named (an option, a variable) that does not exist is an error, never a
    /// silent "not checked".
    public static func open(_ location: RegistryLocation, at instant: Timestamp) -> Result<
        DecisionLedger, DiagnosticError
    > {
        guard location.isNamed || location.exists else { return .success(.none(path: location.path, instant: instant)) }
        do {
            return .success(
                DecisionLedger(
                    store: try location.openBudgetReader(), path: location.shown, instant: instant))
        } catch {
            return .failure(failure(error, at: location))
        }
    }

    /// What a registry that cannot be opened as a ledger comes to.
    static func failure(_ error: RegistryError, at location: RegistryLocation) -> DiagnosticError {
        DiagnosticError(
            .error(
                error.isUsageError ? .registryError : .unreadableInput, error.description, at: .file(location.shown),
                help: location.isNamed ? "the budget ledger is the registry --registry or CHARTER_REGISTRY names" : nil)
        )
    }

    /// What the ledger says about the request's source, with the spend before and after the
    /// request's run composed as the ledger composes (``RunBudgetProjection``) against the ledger's
    /// cap, tightened to `policy`'s where that is lower; `nil` when there is no ledger.
    public func budget(for request: GenerationRequest, policy: Policy) throws(RegistryError) -> SourceBudget? {
        guard store != nil else { return nil }
        return budget(for: request, policy: policy, statement: try statement(for: request))
    }

    /// The ledger's statement for the request's source: `nil` when it has none (or there is no
    /// ledger).
    func statement(for request: GenerationRequest) throws(RegistryError) -> BudgetStatement? {
        guard let store else { return nil }
        do {
            return try store.budget(for: request.source.dataset.value, at: instant)
        } catch .unknownSource {
            return nil
        }
    }

    /// ``budget(for:policy:)`` from a ``statement(for:)`` already read.
    func budget(for request: GenerationRequest, policy: Policy, statement: BudgetStatement?) -> SourceBudget? {
        guard store != nil else { return nil }
        return RunBudgetProjection.sourceBudget(
            ledger: path, source: request.source.dataset.value, statement: statement, policy: policy, request: request)
    }
}

/// Where the registry is, as a front end resolved it.
public struct RegistryLocation: Sendable, Equatable {
    /// The registry file, or a `postgres://` URL (``PostgresLocation``).
    public var path: String
    /// Whether a person named it (an option, an environment variable) rather than the default.
    public var isNamed: Bool
    /// The variables a PostgreSQL URL's defaults come from (`PGPASSWORD`, `PGUSER`, …): handed in,
    /// as the workflow reads no environment.
    public var environment: [String: String]

    public init(path: String, isNamed: Bool, environment: [String: String] = [:]) {
        self.path = path
        self.isNamed = isNamed
        self.environment = environment
    }

    /// Whether a file is there (a PostgreSQL registry is always taken to be).
    var exists: Bool { isPostgres || FileSystemInputStore().kind(of: path) != nil }

    /// Whether the registry is on PostgreSQL.
    public var isPostgres: Bool { PostgresLocation.isURL(path) }

    /// The path as it may be shown: a URL without its password.
    public var shown: String { isPostgres ? PostgresLocation.redacting(path) : path }

    private func postgres() throws(RegistryError) -> PostgresLocation? {
        isPostgres ? try PostgresLocation(url: path, environment: environment) : nil
    }

    /// The ledger for decisions: ``RegistryReader`` on a file (no writer can block it), the
    /// PostgreSQL registry opened read-only on a URL.
    func openBudgetReader() throws(RegistryError) -> any BudgetReading {
        if let postgres = try postgres() { return try PostgresRegistry(location: postgres, mode: .reading) }
        return try RegistryReader(path: path)
    }

    /// The registry for reading (budgets, the catalogue, the audit chain, checking a certificate):
    /// opened read-only, so nothing is created, migrated or written; a missing, empty or foreign
    /// file (or schema) is an error, never a new empty registry.
    public func openForReading() throws(RegistryError) -> any RegistryStore {
        if let postgres = try postgres() { return try PostgresRegistry(location: postgres, mode: .reading) }
        return try SQLiteRegistry(readingAt: path)
    }

    /// The registry for a change that needs one already (revoking a certificate): a missing file is
    /// an error, never a new empty registry.
    public func openExisting() throws(RegistryError) -> any RegistryStore {
        if let postgres = try postgres() { return try PostgresRegistry(location: postgres, mode: .existing) }
        return try SQLiteRegistry(path: path, create: false)
    }

    /// The registry a run reserves from and records in, created with its parent folder (or its
    /// schema) when missing.
    public func openOrCreate() throws(RegistryError) -> any RegistryStore {
        if let postgres = try postgres() { return try PostgresRegistry(location: postgres, mode: .create) }
        return try SQLiteRegistry(path: path, create: true)
    }
}
