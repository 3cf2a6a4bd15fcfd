public import CharterCore
public import CharterWorkflow

/// What `charter serve` was told: where the policy, the registry and the signing key are, which
/// tokens it accepts, and its limits.
public struct ServerConfiguration: Sendable {
    /// The policy folder or file every decision reads.
    public var policyPath: String
    /// The registry: the ledger decisions read, runs reserve from, the catalogue and audit chain.
    public var registry: RegistryLocation
    /// The key runs sign certificates with (created 0600 on the first run, as `charter run` does).
    public var signingKeyPath: String
    /// The accepted tokens; `nil` runs the server read-only (every state change answers 401).
    public var tokens: TokenFile?
    /// The largest request body, in bytes.
    public var maximumBodyBytes: Int
    /// The most manifests one batch may hold.
    public var maximumBatch: Int
    /// The most runs queued or running at once; one more is answered 429.
    public var runQueueCapacity: Int
    /// The most evaluations (`POST /v1/evaluations`) measured at once; one more is answered 429.
    public var concurrentEvaluations: Int
    /// The folder runs are journalled in (one JSON file per run), so they survive a restart;
    /// `nil` keeps them in memory only.
    public var runDirectory: String?
    /// The folder runs publish under, as `<folder>/<request id>/` (`charter run --out`); `nil`
    /// publishes under `out/` in the server's working directory, as planned.
    public var outputRoot: String?
    /// The server's clock: the instant each request acts at unless it names one (`?now=`).
    public var clock: @Sendable () -> Timestamp

    /// The run folder `charter serve` uses unless told: beside a registry file
    /// (`registry.sqlite.runs/`), else `.charter/runs` (a PostgreSQL registry).
    public static func defaultRunDirectory(for registry: RegistryLocation) -> String {
        registry.isPostgres ? ".charter/runs" : registry.path + ".runs"
    }

    /// A configuration; the limits default to 1 MiB bodies, 100 manifests a batch, 8 runs queued,
    /// 2 evaluations at once.
    public init(
        policyPath: String, registry: RegistryLocation, signingKeyPath: String, tokens: TokenFile?,
        maximumBodyBytes: Int = 1 << 20, maximumBatch: Int = 100, runQueueCapacity: Int = 8,
        concurrentEvaluations: Int = 2, runDirectory: String? = nil, outputRoot: String? = nil,
        clock: @escaping @Sendable () -> Timestamp
    ) {
        self.policyPath = policyPath
        self.registry = registry
        self.signingKeyPath = signingKeyPath
        self.tokens = tokens
        self.maximumBodyBytes = maximumBodyBytes
        self.maximumBatch = maximumBatch
        self.runQueueCapacity = runQueueCapacity
        self.concurrentEvaluations = concurrentEvaluations
        self.runDirectory = runDirectory
        self.outputRoot = outputRoot
        self.clock = clock
    }
}
