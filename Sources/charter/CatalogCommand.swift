import ArgumentParser
import CharterCore
import CharterRegistry
import CharterWorkflow
import Foundation

/// `charter catalog list|show|expiring|revoke|retire|access-log`: the certificate catalogue.
struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "List, inspect, revoke and retire issued certificates; list their accesses.",
        subcommands: [List.self, Show.self, Expiring.self, Revoke.self, Retire.self, AccessLogCommand.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List every certificate, oldest first.",
            discussion: "sarif, junit and github report expired certificates that were not revoked as warnings.")

        @OptionGroup var registry: RegistryOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let reporter = RegistryReporter(output: output, path: registry.path, command: "catalog list")
            try reporter.run {
                let now = try registry.instant().timestamp
                let certificates = try registry.open().certificates()
                try reporter.emit(
                    text: certificates.isEmpty
                        ? "no certificates\n" : certificates.map { CatalogRendering.line($0, now: now) }.joined(),
                    json: [
                        "as_of": .string(now.description),
                        "certificates": .array(certificates.map { $0.json(at: now) }),
                    ],
                    findings: certificates.compactMap {
                        $0.finding(at: now, registry: registry.path, expiredSeverity: .warning)
                    })
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one certificate.")

        @Argument(help: "The certificate id.")
        var id: String

        @OptionGroup var registry: RegistryOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let reporter = RegistryReporter(output: output, path: registry.path, command: "catalog show")
            try reporter.run {
                let now = try registry.instant().timestamp
                let store = try registry.open()
                guard let certificate = try store.certificate(id) else {
                    throw RegistryError.unknownCertificate(id)
                }
                let lifecycle = LifecycleSummary(
                    certificate: certificate, events: try store.lifecycleEvents(certificate: id), at: now)
                var json = certificate.json(at: now)
                if case .object(var object) = json {
                    object["lifecycle"] = lifecycle.json
                    json = .object(object)
                }
                try reporter.emit(
                    text: CatalogRendering.detail(certificate, now: now)
                        + lifecycle.lines.map { "  \($0.label.padding(toLength: 13, withPad: " ", startingAt: 0))\($0.value)\n" }
                        .joined(),
                    json: json,
                    findings: [
                        certificate.finding(at: now, registry: registry.path, expiredSeverity: .warning)
                    ]
                    .compactMap { $0 })
            }
        }
    }

    struct Expiring: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "expiring",
            abstract: "List certificates that expire within a window, or have expired, and were not revoked.",
            discussion: """
                Also lists certificates past their policy's revalidate_every without a passing revalidation, or whose \
                latest revalidation failed. Exits 1 when a certificate has already expired without being revoked, \
                or is out of standing with a policy that enforces revalidation.
                """)

        @Option(help: ArgumentHelp("The window, such as 30d, 12h or 2w.", valueName: "duration"))
        var within: String = "30d"

        @OptionGroup var registry: RegistryOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard DurationText.parse(within) != nil else {
                throw ValidationError(
                    "--within must be a whole number with a unit (w, d, h, m, s), such as 30d, got \"\(within)\"")
            }
        }

        func run() throws {
            let reporter = RegistryReporter(output: output, path: registry.path, command: "catalog expiring")
            var anyExpired = false
            try reporter.run {
                let now = try registry.instant().timestamp
                let window = DurationText.parse(within) ?? .zero
                let store = try registry.open()
                let certificates = try store.certificates(expiringWithin: window, at: now)
                anyExpired = certificates.contains { $0.expiresAt <= now }
                let unrevalidated: [(certificate: CertificateRecord, status: RevalidationStatus)]
                do throws(LifecycleFailure) {
                    unrevalidated = try RevalidationStatus.outOfStanding(registry: store, at: now)
                } catch {
                    throw RegistryError.database(error.message)
                }
                if unrevalidated.contains(where: { $0.status.terms.enforce }) { anyExpired = true }
                let revalidationLines = unrevalidated.map {
                    "\($0.certificate.id)  revalidation \($0.status.terms.enforce ? "enforced" : "advised"): \($0.status.problem ?? "")\n"
                }
                try reporter.emit(
                    text: (certificates.isEmpty
                        ? "no certificates expire within \(within) of \(now)\n"
                        : certificates.map { CatalogRendering.line($0, now: now) }.joined()) + revalidationLines.joined(),
                    json: [
                        "as_of": .string(now.description), "within": .string(within),
                        "certificates": .array(certificates.map { $0.json(at: now) }),
                        "revalidation_due": .array(
                            unrevalidated.map {
                                ["id": .string($0.certificate.id), "status": $0.status.json,
                                 "problem": .string($0.status.problem ?? "")]
                            }),
                    ],
                    findings: certificates.compactMap {
                        $0.finding(at: now, registry: registry.path, expiredSeverity: .error, window: window)
                    }
                        + unrevalidated.map {
                            Diagnostic(
                                $0.status.terms.enforce ? .error : .warning, .certificateExpiring,
                                "certificate \"\($0.certificate.id)\": \($0.status.problem ?? "revalidation due")",
                                at: .file(registry.path), help: "run charter revalidate with today's source")
                        })
            }
            if anyExpired { throw ExitStatus.denied.exitCode }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke", abstract: "Revoke a certificate, recording why and by whom.")

        @Argument(help: "The certificate id.")
        var id: String

        @Option(help: "Why it is revoked.")
        var reason: String

        @Option(help: "Who revokes it.")
        var actor: String

        @OptionGroup var registry: RegistryOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let reporter = RegistryReporter(output: output, path: registry.path, command: "catalog revoke")
            try reporter.run {
                let now = try registry.instant().timestamp
                let certificate = try registry.openForChange().revokeCertificate(id, reason: reason, actor: actor, at: now)
                try reporter.emit(
                    text: "revoked \(certificate.id) at \(now) by \(actor): \(reason)\n",
                    json: certificate.json(at: now), findings: [])
            }
        }
    }
}

/// How certificates are written out.
enum CatalogRendering {
    static func line(_ certificate: CertificateRecord, now: Timestamp) -> String {
        "\(certificate.id)  \(certificate.status(at: now))  source \(certificate.source)  tier \(certificate.tier)  "
            + "\(certificate.audience)  expires \(certificate.expiresAt)\n"
    }

    static func detail(_ certificate: CertificateRecord, now: Timestamp) -> String {
        var text = "certificate \(certificate.id)\n"
        let rows: [(String, String)] = [
            ("status", certificate.status(at: now)), ("source", certificate.source), ("tier", certificate.tier),
            ("audience", certificate.audience), ("consumers", certificate.consumers.joined(separator: ", ")),
            ("issued", certificate.issuedAt.description), ("expires", certificate.expiresAt.description),
            ("digest", certificate.digest), ("signed by", certificate.keyID ?? "not recorded"),
        ]
        for (label, value) in rows { text += "  \(label.padding(toLength: 10, withPad: " ", startingAt: 0))\(value)\n" }
        if let revocation = certificate.revocation {
            text += "  revoked   \(revocation.at) by \(revocation.actor): \(revocation.reason)\n"
        }
        return text
    }
}
