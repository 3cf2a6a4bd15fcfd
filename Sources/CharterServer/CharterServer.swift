import CharterCore
public import Hummingbird
public import Logging
import ServiceLifecycle

/// The governance service behind `charter serve`: the `/v1` API over ``CharterWorkflow``, bearer
/// tokens and roles, the run queue and the metrics. Build the router to test it in process;
/// ``run(configuration:host:port:logger:)`` serves it until SIGTERM or SIGINT.
public enum CharterServer {
    /// The router with every route and the request middleware, and the run board to drain.
    static func build(_ configuration: ServerConfiguration) -> (Router<BasicRequestContext>, RunBoard) {
        let board = RunBoard(capacity: configuration.runQueueCapacity)
        let metrics = ServerMetrics()
        let routes = ServerRoutes(configuration: configuration, board: board, metrics: metrics)
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: RequestObservation(metrics: metrics))
        routes.register(on: router)
        return (router, board)
    }

    /// The application serving `configuration` on `host:port`, ready for `runService()` or a test.
    public static func application(
        configuration: ServerConfiguration, host: String = "127.0.0.1", port: Int = 8080, logger: Logger
    ) -> some ApplicationProtocol {
        let (router, _) = build(configuration)
        return Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "charter"),
            logger: logger)
    }

    /// Serves until SIGTERM or SIGINT, then stops taking requests and runs, lets the runs already
    /// accepted finish, and returns.
    public static func run(configuration: ServerConfiguration, host: String, port: Int, logger: Logger) async throws {
        let (router, board) = build(configuration)
        let application = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "charter"),
            services: [RunDrain(board: board, logger: logger)], logger: logger)
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
