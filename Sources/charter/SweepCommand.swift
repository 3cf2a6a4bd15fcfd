import ArgumentParser
import CharterCore
import CharterRegistry
import CharterWorkflow
import Foundation

/// `charter sweep`: the plan's generator at several ε on the training split only, never published;
/// prints the table and writes `sweep.json` and `sweep.html` (a plot per metric).
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract:
            "Fit a request's generator at several epsilons on its training split and compare privacy and utility.",
        discussion: """
            Plans the request (a denied request is not swept), reserves the budget of every differentially private \
            fit in the ledger before reading any data (all of them or none: a sweep that does not fit is refused), \
            fits each setting on the training split only (a fifth of it held back to measure), commits each fit's \
            spend, and reports SDMetrics quality, TSTR ratio, membership-inference accuracy and DCR overfitting \
            protection per setting. Nothing is published. Writes sweep.json and sweep.html (inline SVG) into --out.
            Exit codes: 0 swept, 1 denied or refused, 2 unreadable input or a bad argument.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: "The request file.")
    var request: String

    @Option(help: "The epsilons, comma-separated (e.g. 1,2,5).")
    var epsilon: String

    @Option(help: "The generators, comma-separated (default: the request's).")
    var generators: String?

    @Option(name: .long, help: "The policy directory or file.")
    var policy: String = "policies"

    @Option(
        help: "The registry (default: $CHARTER_REGISTRY, else \(SQLiteRegistry.defaultPath); created when missing).")
    var registry: String?

    @Option(name: .long, help: CommandLineContext.nowHelp)
    var now: String?

    @Option(name: .long, help: "Who runs it, as the ledger and the audit chain record (default: $USER).")
    var actor: String?

    @Option(
        help: "The folder sweep.json and sweep.html are written to (default: out/sweeps/REQUEST-ID); never overwritten."
    )
    var out: String?

    @Option(help: "Output format: text, json.")
    var format: Format = .text

    func validate() throws {
        try CommandLineContext.validate(now: now)
        _ = try epsilons()
    }

    func epsilons() throws -> [Decimal] {
        try epsilon.split(separator: ",").map { text in
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            guard let value = Decimal.exact(trimmed), value > 0 else {
                throw ValidationError("--epsilon takes numbers above 0 separated by commas, got \"\(trimmed)\"")
            }
            return value
        }
    }

    func run() throws {
        let instant = try CommandLineContext.instant(now)
        let location = CommandLineContext.registry(registry)
        let store: any RegistryStore
        do {
            store = try location.openOrCreate()
        } catch {
            Terminal.writeError("error: cannot open the registry \"\(location.shown)\": \(error)\n")
            throw ExitStatus.usageError.exitCode
        }
        let sweep = Sweeping(
            requestFile: request, policyPath: policy, registryLocation: location, registry: store,
            epsilons: try epsilons(),
            generators: generators.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } },
            instant: instant, actor: CommandLineContext.actor(actor), store: FileSystemInputStore()
        ) { lines in
            for line in lines { Terminal.writeError("budget: \(line)\n") }
        }
        try ProfileRendering.emit(sweep.diagnostics, file: request, command: "sweep", json: false)
        guard sweep.status == .clean else { throw sweep.status.exitStatus.exitCode }
        let folder = out ?? "out/sweeps/\(sweep.requestID)"
        guard !FileManager.default.fileExists(atPath: folder) else {
            Terminal.writeError("error: \"\(folder)\" exists; a sweep never overwrites (its spend is in the ledger)\n")
            Terminal.write(format == .json ? try sweep.json.pretty() : sweep.table)
            throw ExitStatus.usageError.exitCode
        }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Data(try sweep.json.pretty().utf8).write(to: URL(fileURLWithPath: folder + "/sweep.json"))
            try Data(sweep.html.utf8).write(to: URL(fileURLWithPath: folder + "/sweep.html"))
        } catch {
            Terminal.writeError("error: cannot write \"\(folder)\": \(error)\n")
            Terminal.write(format == .json ? try sweep.json.pretty() : sweep.table)
            throw ExitStatus.usageError.exitCode
        }
        Terminal.write(
            format == .json
                ? try sweep.json.pretty() : sweep.table + "wrote \(folder)/sweep.json and \(folder)/sweep.html\n")
    }
}
