import ArgumentParser
import CharterCore
import CharterEngine
import CharterRegistry
import CharterWorkflow
import Foundation

/// Shared by the lifecycle commands: a certificate named by id or file, and `--actor` (their
/// failures print through ``RegistryReporter/runReportingFailures(_:)``).
enum LifecycleCommand {
    static let certificateHelp = ArgumentHelp(
        "The certificate: its id, or its file (which must be the file the catalogue recorded).",
        valueName: "certificate")

    static let actorHelp: ArgumentHelp = "Who acts, as the audit chain records it (default: $USER)."
}

/// `charter revalidate CERT --source FILE`.
struct RevalidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revalidate",
        abstract: "Measure a certificate's gates and its source's drift again, against the source as it is today.",
        discussion: """
            Re-runs every gate check of the plan that certified it (recorded in the registry when it was \
            published) on today's source, split with the plan's seed, and the synthetic file as published (its \
            digest is checked). Measures each column's drift from the source profile recorded at publication: \
            the Kolmogorov-Smirnov distance for numbers, total variation for categories, against the policy's \
            revalidation.drift_threshold (default 0.1). The result is recorded in the catalogue and the audit \
            chain. Exit codes: 0 passed, 1 failed or refused, 2 unreadable input.
            """)

    @Argument(help: LifecycleCommand.certificateHelp)
    var certificate: String

    @Option(help: ArgumentHelp("The source file as it is today.", valueName: "path"))
    var source: String

    @Option(help: LifecycleCommand.actorHelp)
    var actor: String?

    @OptionGroup var registry: RegistryOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let reporter = RegistryReporter(output: output, path: registry.path, command: "revalidate")
        var passed = true
        try reporter.runReportingFailures {
            let instant = try registry.instant()
            let store = FileSystemInputStore()
            guard let bytes = store.contents(of: source) else {
                throw LifecycleFailure("cannot read the source \"\(source)\"", .unreadable)
            }
            let result = try Revalidation.revalidate(
                certificate, sourceBytes: bytes, sourceName: source, registry: try registry.openForChange(),
                store: store, actor: CommandLineContext.actor(actor), instant: instant)
            passed = result.passed
            try reporter.emit(text: result.text, json: result.json, findings: [])
        }
        if !passed { throw ExitStatus.denied.exitCode }
    }
}

/// `charter access CERT --consumer C --purpose P --by IDENTITY`.
struct AccessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "access",
        abstract: "Check and record a consumer's use of a certificate's data.",
        discussion: """
            Allowed only when the certificate is issued, not expired, revoked or retired, names the consumer, \
            was certified for the purpose, covers the audience (when given), and, if the policy enforces \
            revalidation, is not overdue. Allowed and refused accesses are both recorded in the audit chain \
            (charter catalog access-log lists them); an incident later names the consumers who accessed. \
            Exit codes: 0 allowed, 1 refused, 2 unreadable input.
            """)

    @Argument(help: LifecycleCommand.certificateHelp)
    var certificate: String

    @Option(help: "The consumer, as the certificate names it.")
    var consumer: String

    @Option(help: "What the data is used for.")
    var purpose: String

    @Option(help: ArgumentHelp("The person or service using it (an e-mail identity).", valueName: "identity"))
    var by: String

    @Option(help: "The consumer's audience, when stated: internal, partner or public.")
    var audience: String?

    @Option(help: LifecycleCommand.actorHelp)
    var actor: String?

    @OptionGroup var registry: RegistryOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let reporter = RegistryReporter(output: output, path: registry.path, command: "access")
        var allowed = true
        try reporter.runReportingFailures {
            let decision = try AccessDecision.check(
                certificate, consumer: consumer, purpose: purpose, by: by, audience: audience,
                registry: try registry.openForChange(), store: FileSystemInputStore(),
                actor: CommandLineContext.actor(actor), instant: try registry.instant())
            allowed = decision.allowed
            try reporter.emit(text: decision.text, json: decision.json, findings: [])
        }
        if !allowed { throw ExitStatus.denied.exitCode }
    }
}

/// `charter incident --source S | --certificate C | --key K --reason R`.
struct IncidentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incident",
        abstract: "Revoke everything derived from a source, certificate or signing key, and name who to notify.",
        discussion: """
            In one audited transaction: revokes every certificate issued from the source, the certificate, or \
            every certificate the key signed; for a key, revokes it and, when it was the active key, activates a \
            new one (written to --key-file as charter keys rotate does); lists the consumers who accessed the \
            revoked data (from the access log) and records the incident. A repeat changes nothing.
            """)

    @Option(help: ArgumentHelp("A source dataset, as the ledger names it.", valueName: "dataset"))
    var source: String?

    @Option(name: .customLong("certificate"), help: LifecycleCommand.certificateHelp)
    var certificate: String?

    @Option(
        name: .customLong("key"),
        help: ArgumentHelp("A signing key's fingerprint (sha256:…).", valueName: "fingerprint"))
    var key: String?

    @Option(help: "What happened.")
    var reason: String

    @Option(name: .customLong("key-file"), help: KeysCommand.keyHelp)
    var keyFile: String?

    @Option(help: LifecycleCommand.actorHelp)
    var actor: String?

    @OptionGroup var registry: RegistryOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard [source, certificate, key].compactMap({ $0 }).count == 1 else {
            throw ValidationError("name exactly one of --source, --certificate or --key")
        }
    }

    func run() throws {
        let reporter = RegistryReporter(output: output, path: registry.path, command: "incident")
        try reporter.runReportingFailures {
            let store = try registry.openForChange()
            let scope: IncidentScope
            if let source {
                scope = .source(source)
            } else if let certificate {
                scope = .certificate(
                    try LifecycleCertificate(certificate, registry: store, store: FileSystemInputStore()).record.id)
            } else {
                scope = .key(key ?? "")
            }
            let outcome = try IncidentResponding.respond(
                scope, reason: reason,
                keyPath: SigningKey.resolvePath(explicit: keyFile, environment: CommandLineContext.environment),
                registry: store, actor: CommandLineContext.actor(actor), instant: try registry.instant())
            try reporter.emit(text: outcome.text, json: outcome.json, findings: [])
        }
    }
}

extension CatalogCommand {
    struct Retire: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "retire",
            abstract: "Remove a certificate's published data and reports and record its retirement.",
            discussion: """
                Deletes the files the publication recorded (the synthetic data and the reports) that still have \
                their recorded digests; a file whose digest differs, a link, or a path outside the publication's \
                folder is kept and reported. The certificate file and its catalogue entry are kept: it still \
                verifies as genuine, and cert verify reports it retired. A repeat removes what is left and records \
                nothing new.
                """)

        @Argument(help: LifecycleCommand.certificateHelp)
        var certificate: String

        @Option(help: LifecycleCommand.actorHelp)
        var actor: String?

        @OptionGroup var registry: RegistryOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let reporter = RegistryReporter(output: output, path: registry.path, command: "catalog retire")
            try reporter.runReportingFailures {
                let retirement = try Retirement.retire(
                    certificate, registry: try registry.openForChange(), store: FileSystemInputStore(),
                    actor: CommandLineContext.actor(actor), instant: try registry.instant())
                try reporter.emit(text: retirement.text, json: retirement.json, findings: [])
            }
        }
    }

    struct AccessLogCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "access-log", abstract: "List recorded accesses, allowed and refused, oldest first.")

        @Argument(help: ArgumentHelp("Only this certificate (id or file).", valueName: "certificate"))
        var certificate: String?

        @OptionGroup var registry: RegistryOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let reporter = RegistryReporter(output: output, path: registry.path, command: "catalog access-log")
            try reporter.runReportingFailures {
                let events = try AccessLog.events(
                    certificate: certificate, registry: try registry.open(), store: FileSystemInputStore())
                try reporter.emit(text: AccessLog.text(events), json: AccessLog.json(events), findings: [])
            }
        }
    }
}
