import ArgumentParser
import CharterServer
import CharterWorkflow
import Foundation
import Logging

/// `charter serve`: the governance service. Parses its options and starts ``CharterServer``.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the /v1 governance API over HTTP (decisions, lint, plans, approvals, runs, registry reads).",
        discussion: """
            Without --tokens the server is read-only: health, OpenAPI, metrics, decisions, lint, plans and \
            every read are open, and every state change answers 401. A tokens file lists one token per line \
            as `sha256:HEX IDENTITY ROLE[,ROLE…]` (printf %s "$TOKEN" | sha256sum), with roles among \
            requester, approver, engineer, auditor, consumer, admin. SIGTERM or SIGINT stops taking requests, \
            lets accepted runs finish, and exits. Logs go to stderr; no token is ever logged.
            """
    )

    @Option(help: ArgumentHelp("The loopback or interface address and port to listen on.", valueName: "host:port"))
    var listen: String = "127.0.0.1:8080"

    @Option(name: .long, help: "The policy directory or file.")
    var policy: String = "policies"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The registry file (default: $CHARTER_REGISTRY, else .charter/registry.sqlite).", valueName: "path"))
    var registry: String?

    @Option(name: .long, help: ArgumentHelp("The signing key runs certify with.", valueName: "file"))
    var key: String = ".charter/signing-key"

    @Option(name: .long, help: ArgumentHelp("The tokens file (hashed tokens, identities, roles).", valueName: "file"))
    var tokens: String?

    @Option(
        name: .customLong("max-body"), help: ArgumentHelp("The largest request body, in bytes.", valueName: "bytes"))
    var maxBody: Int = 1 << 20

    @Option(
        name: .customLong("run-queue"), help: ArgumentHelp("The most runs queued or running at once.", valueName: "n"))
    var runQueue: Int = 8

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The folder runs are journalled in, so they survive a restart (default: beside the registry file, REGISTRY.runs).",
            valueName: "dir"))
    var runs: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The folder runs publish under, one folder per request id (default: out/ in the working directory, as planned).",
            valueName: "dir"))
    var out: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard address != nil else { throw ValidationError("--listen must be HOST:PORT, got \"\(listen)\"") }
        guard maxBody > 0, runQueue > 0 else { throw ValidationError("--max-body and --run-queue must be positive") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("unknown --log-level \"\(logLevel)\"")
        }
    }

    private var address: (host: String, port: Int)? {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        var host = String(listen[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host.isEmpty ? nil : (host, port)
    }

    func run() async throws {
        CharterServer.runConcurrencyOnEventLoops()
        var tokenFile: TokenFile?
        if let tokens {
            guard let text = try? String(contentsOfFile: tokens, encoding: .utf8) else {
                Terminal.writeError("error: cannot read the tokens file \"\(tokens)\"\n")
                throw ExitStatus.usageError.exitCode
            }
            do {
                tokenFile = try TokenFile(text: text)
            } catch {
                Terminal.writeError("error: \(tokens): \(error.description)\n")
                throw ExitStatus.usageError.exitCode
            }
        }
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in ServerLogHandler(label: label, level: level) }
        let logger = Logger(label: "charter.serve")
        guard let address else { throw ExitStatus.usageError.exitCode }
        let location = CommandLineContext.registry(registry)
        let configuration = ServerConfiguration(
            policyPath: policy, registry: location, signingKeyPath: key, tokens: tokenFile, maximumBodyBytes: maxBody,
            runQueueCapacity: runQueue, runDirectory: runs ?? ServerConfiguration.defaultRunDirectory(for: location),
            outputRoot: out, clock: { CommandLineContext.clock() })
        logger.info(
            "starting",
            metadata: [
                "policy": "\(policy)", "registry": "\(configuration.registry.shown)",
                "runs": "\(configuration.runDirectory ?? "memory")",
                "tokens": "\(tokenFile.map { "\($0.count)" } ?? "none: read-only")",
            ])
        do {
            try await CharterServer.run(
                configuration: configuration, host: address.host, port: address.port, logger: logger)
        } catch let error as RunJournal.Unusable {
            Terminal.writeError("error: \(error.description)\n")
            throw ExitStatus.usageError.exitCode
        }
    }
}
