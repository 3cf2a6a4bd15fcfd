import CharterCore
import CharterWorkflow
import Dispatch
import Foundation
public import Hummingbird
public import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The governance service behind `charter serve`: the `/v1` API over ``CharterWorkflow``, bearer
/// tokens and roles, the run queue and the metrics. Build the router to test it in process;
/// ``run(configuration:host:port:logger:)`` serves it until SIGTERM or SIGINT.
public enum CharterServer {
    /// The router with every route and the request middleware, and the routes' shared state.
    /// Runs the journal left unfinished (the server was killed) are marked interrupted first.
    /// - Throws: when the run folder cannot be created.
    static func build(_ configuration: ServerConfiguration, logger: Logger = Logger(label: "charter.serve")) throws
        -> (Router<BasicRequestContext>, ServerRoutes)
    {
        let journal = try configuration.runDirectory.map { try RunJournal(directory: $0) }
        let board = RunBoard(capacity: configuration.runQueueCapacity, journal: journal)
        let metrics = ServerMetrics()
        let routes = ServerRoutes(
            configuration: configuration, board: board, metrics: metrics,
            policy: LivePolicy(path: configuration.policyPath, store: FileSystemInputStore()),
            ledger: LiveLedger(location: configuration.registry),
            audit: ChangeAudit(registry: configuration.registry, logger: logger),
            evaluations: EvaluationGate(capacity: max(1, configuration.concurrentEvaluations)))
        routes.recoverInterruptedRuns(logger: logger)
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: RequestObservation(metrics: metrics))
        routes.register(on: router)
        return (router, routes)
    }

    /// The application serving `configuration` on `host:port`, ready for `runService()` or a test.
    public static func application(
        configuration: ServerConfiguration, host: String = "127.0.0.1", port: Int = 8080, logger: Logger
    ) throws -> some ApplicationProtocol {
        let (router, _) = try build(configuration, logger: logger)
        return Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "charter"),
            logger: logger)
    }

    /// Runs Swift concurrency's jobs on the event loops that serve HTTP (NIO's singleton group,
    /// which the server uses), so a request's handler is not handed from an I/O thread to the
    /// concurrency pool and back. Call once per process, before serving, from the process's
    /// entry point; work that blocks (runs, evaluations) already runs on dispatch queues of its own.
    /// - Returns: whether the event loops were installed (`false` where NIO cannot, or when
    ///   something else installed an executor first).
    @discardableResult
    public static func runConcurrencyOnEventLoops() -> Bool {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }

    /// Serves until SIGTERM or SIGINT, then stops taking requests and runs, lets the runs already
    /// accepted finish, and returns.
    public static func run(configuration: ServerConfiguration, host: String, port: Int, logger: Logger) async throws {
        let (router, routes) = try build(configuration, logger: logger)
        if let failure = routes.policy.current.program == nil ? routes.policy.current.selection.diagnostics : nil {
            logger.error(
                "the policy set does not load; decisions answer 503 until it is fixed",
                metadata: ["diagnostics": "\(failure.map(\.message))"])
        }
        let application = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "charter"),
            services: [
                RunDrain(board: routes.board, logger: logger),
                PolicyRefresh(policy: routes.policy, ledger: routes.ledger, logger: logger),
            ], logger: logger)
        try await application.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }
}

/// Waits for graceful shutdown, then lets the accepted runs finish before the group ends.
struct RunDrain: Service {
    let board: RunBoard
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        let pending = board.pending
        if pending > 0 { logger.info("waiting for runs to finish", metadata: ["runs": "\(pending)"]) }
        await board.drain()
    }
}

/// Keeps the shared policy set and ledger current: once a second, and at once on SIGHUP, the
/// policy files are fingerprinted (reloaded only when they changed) and the ledger reader is
/// dropped when its file was replaced. Requests never check anything themselves.
struct PolicyRefresh: Service {
    let policy: LivePolicy
    let ledger: LiveLedger
    let logger: Logger
    var interval: Duration = .seconds(1)

    func run() async throws {
        let (hangups, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler { continuation.yield() }
        source.resume()
        defer { source.cancel() }
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in hangups {
                        logger.notice("SIGHUP: reloading the policy set")
                        refresh(forced: true)
                    }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: interval)
                        refresh(forced: false)
                    }
                }
                await group.next()
                group.cancelAll()
            }
        }
        continuation.finish()
    }

    func refresh(forced: Bool) {
        let (loaded, reloaded) = forced ? policy.reload() : policy.refresh()
        if reloaded {
            if loaded.program != nil {
                logger.notice("policy set reloaded", metadata: ["fingerprint": "\(loaded.fingerprint)"])
            } else {
                logger.error(
                    "the policy set no longer loads; decisions answer 503 until it is fixed",
                    metadata: ["diagnostics": "\(loaded.selection.diagnostics.map(\.message))"])
            }
        }
        if ledger.refresh() { logger.notice("the registry file changed; the ledger is opened again") }
    }
}
