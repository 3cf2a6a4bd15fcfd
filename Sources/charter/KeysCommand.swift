import ArgumentParser
import CharterCore
import CharterEngine
import CharterRegistry
import CharterWorkflow
import Foundation

/// `charter keys list|init|rotate|revoke|export`: the organisation's certificate-signing keys.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "List, choose, rotate, revoke and export the certificate-signing keys the registry trusts.",
        discussion: """
            The registry records the public half of every signing key: one active (runs sign only with it, and \
            the catalogue records only certificates it signed), retired ones (still trusted for certificates \
            issued while they were active) and revoked ones (nothing they signed verifies). A registry with no \
            key adopts the first run's key; one whose certificates predate the trust store needs charter keys \
            init. Every change is an audit record.
            """,
        subcommands: [List.self, Init.self, Rotate.self, Revoke.self, Export.self]
    )

    /// The signing key file's option, as `run` names it.
    static let keyHelp = ArgumentHelp(
        "The signing key file (default: $CHARTER_SIGNING_KEY, else \(SigningKey.defaultPath)).", valueName: "path")

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List every signing key, oldest first, with its status and validity.")

        @OptionGroup var registry: RegistryOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let reporter = RegistryReporter(output: output, path: registry.path, command: "keys list")
            try reporter.run {
                let keys = try registry.open().signingKeys()
                try reporter.emit(
                    text: keys.isEmpty ? "no signing keys\n" : keys.map { $0.line + "\n" }.joined(),
                    json: ["keys": .array(keys.map(\.json))], findings: [])
            }
        }
    }

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Make a signing key (created 0600 when missing) the active key of a registry that has none.",
            discussion:
                "For a registry whose certificates predate the trust store (the first run adopts its key only on a registry with no certificate). Creates the registry when missing."
        )

        @Option(name: .long, help: KeysCommand.keyHelp)
        var key: String?

        @Option(
            name: .customLong("valid-from"),
            help: ArgumentHelp(
                "When the key's validity starts, if before --now: the issue time of the oldest certificate it signed (a date or RFC 3339 time).",
                valueName: "time"))
        var validFrom: String?

        @Option(help: "Who makes the change, as the audit chain records it.")
        var actor: String

        @OptionGroup var registry: RegistryOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            if let validFrom, ActingInstant(parsing: validFrom) == nil {
                throw ValidationError("--valid-from must be \(ActingInstant.syntax), got \"\(validFrom)\"")
            }
        }

        func run() throws {
            let reporter = RegistryReporter(output: output, path: registry.path, command: "keys init")
            let keyPath = SigningKey.resolvePath(explicit: key, environment: CommandLineContext.environment)
            try reporter.runReportingFailures {
                let now = try registry.instant().timestamp
                let result = try SigningKeyTrust.initialise(
                    registry: try registry.openOrCreate(), keyPath: keyPath,
                    validFrom: validFrom.flatMap(ActingInstant.init(parsing:))?.timestamp, actor: actor, at: now)
                try reporter.emit(
                    text: (result.createdFile ? "created the signing key \(keyPath) (mode 0600)\n" : "")
                        + "active signing key \(result.active.fingerprint) (\(keyPath)) from \(result.active.activatedAt)\n",
                    json: [
                        "active": result.active.json, "key_file": .string(keyPath),
                        "created": .bool(result.createdFile),
                    ],
                    findings: [])
            }
        }
    }

    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate",
            abstract: "Make a new signing key active and retire the active one.",
            discussion: """
                Generates a new Ed25519 key, makes it the registry's active key and retires the active one at \
                --now (certificates it signed before stay valid), then replaces the key file with the new key \
                (mode 0600, .pub beside it). After revoking the active key, rotate makes a new one.
                """)

        @Option(name: .long, help: KeysCommand.keyHelp)
        var key: String?

        @Option(help: "Who makes the change, as the audit chain records it.")
        var actor: String

        @OptionGroup var registry: RegistryOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let reporter = RegistryReporter(output: output, path: registry.path, command: "keys rotate")
            let keyPath = SigningKey.resolvePath(explicit: key, environment: CommandLineContext.environment)
            try reporter.runReportingFailures {
                let now = try registry.instant().timestamp
                let rotation = try SigningKeyTrust.rotate(
                    registry: try registry.openForChange(), keyPath: keyPath, actor: actor, at: now)
                try reporter.emit(
                    text: "active signing key \(rotation.active.fingerprint) (\(keyPath)) from \(now)\n"
                        + (rotation.retired.map { "retired \($0.fingerprint) at \(now)\n" } ?? ""),
                    json: [
                        "active": rotation.active.json, "retired": rotation.retired.map(\.json) ?? .null,
                        "key_file": .string(keyPath),
                    ],
                    findings: [])
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke",
            abstract: "Revoke a signing key: no certificate it signed verifies any more.",
            discussion: "Revoking the active key leaves none active: runs are refused until charter keys rotate.")

        @Argument(help: "The key's fingerprint (sha256:…), as charter keys list prints it.")
        var fingerprint: String

        @Option(help: "Why it is revoked.")
        var reason: String

        @Option(help: "Who revokes it.")
        var actor: String

        @OptionGroup var registry: RegistryOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let reporter = RegistryReporter(output: output, path: registry.path, command: "keys revoke")
            try reporter.runReportingFailures {
                let now = try registry.instant().timestamp
                let key = try SigningKeyTrust.revoke(
                    registry: try registry.openForChange(), fingerprint: fingerprint, reason: reason, actor: actor,
                    at: now)
                try reporter.emit(
                    text: "revoked \(key.fingerprint) at \(now) by \(actor): \(reason)\n", json: key.json, findings: [])
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write the trust bundle (every key's fingerprint, public key, status, validity) to stdout.",
            discussion: """
                The bundle is deterministic JSON. Its sha256, printed on stderr, is what protects it: publish \
                the digest where consumers can trust it; charter cert verify --trust refuses a bundle that does \
                not match the digest given with --trust-digest. Export again after every rotation or revocation.
                """)

        @OptionGroup var registry: RegistryOptions

        func run() throws {
            let reporter = RegistryReporter(
                output: try OutputOptions.parse([]), path: registry.path, command: "keys export")
            try reporter.runReportingFailures {
                let bundle = try SigningKeyTrust.export(registry: try registry.open())
                Terminal.write(bundle.text)
                Terminal.writeError(
                    "note: trust bundle \(bundle.digest); consumers verify with --trust-digest \(bundle.digest)\n")
            }
        }
    }
}
