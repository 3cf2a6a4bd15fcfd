import ArgumentParser
import CharterCore
import CharterEngine
import CharterRegistry
import CharterWorkflow
import Foundation

/// `charter cert`: certificate commands.
struct CertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cert",
        abstract: "Verify issued certificates (revoke them with charter catalog revoke).",
        subcommands: [CertVerifyCommand.self]
    )
}

/// `charter cert verify FILE`: signature, signer trust, expiry, data and catalogue.
struct CertVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a certificate's signature, signer, expiry, data file and catalogue entry.",
        discussion: """
            Checks that the file is as charter wrote it, that its Ed25519 signature over the canonical JSON \
            verifies with one of the organisation's signing keys, that this key was trusted when the certificate \
            was issued (the active key then, or retired since; a revoked key fails every certificate it signed), \
            that it is issued and not expired at --now, with --data that the file is the synthetic data the \
            certificate covers (its sha256), and that the catalogue knows its id, recorded the same file digest \
            and has not revoked it. Every failed check is listed.
            Online the keys and the catalogue come from the registry. Offline, --trust names a trust bundle \
            (charter keys export) and --trust-digest the digest its publisher gave out: a bundle that does not \
            match the digest is refused; the catalogue is not consulted, so a revoked certificate is not detected.
            Exit codes: 0 valid, 1 invalid, revoked or expired, 2 unreadable file, bundle or registry.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text
        case json
    }

    @Argument(help: "The certificate file.")
    var file: String

    @Option(
        name: .long,
        help: ArgumentHelp("The synthetic data file to check against the certificate's digest.", valueName: "path"))
    var data: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A trust bundle (charter keys export) to verify offline, without a registry.", valueName: "path"))
    var trust: String?

    @Option(
        name: .customLong("trust-digest"),
        help: ArgumentHelp(
            "The bundle's sha256 as its publisher gave it out (required with --trust).", valueName: "digest"))
    var trustDigest: String?

    @OptionGroup var registryOptions: RegistryOptions

    @Option(help: "Output format: text, json.")
    var format: Format = .text

    func validate() throws {
        if trust != nil, trustDigest == nil {
            throw ValidationError(
                "--trust needs --trust-digest: a trust bundle is only as good as the digest its publisher gave out")
        }
        if trust == nil, trustDigest != nil { throw ValidationError("--trust-digest goes with --trust") }
        if trust != nil, registryOptions.registry != nil {
            throw ValidationError("--trust verifies offline: give --trust or --registry, not both")
        }
    }

    func run() throws {
        let store = FileSystemInputStore()
        guard let bytes = store.contents(of: file) else {
            throw fail("cannot read the certificate \"\(file)\"")
        }
        var dataBytes: [UInt8]?
        if let data {
            guard let contents = store.contents(of: data) else { throw fail("cannot read the data file \"\(data)\"") }
            dataBytes = contents
        }
        let instant = try registryOptions.instant()
        let result: CertificateVerification
        if let trust, let trustDigest {
            guard let bundleBytes = store.contents(of: trust) else {
                throw fail("cannot read the trust bundle \"\(trust)\"")
            }
            let bundle: TrustBundle
            do {
                bundle = try TrustBundle(bytes: bundleBytes, pinnedDigest: trustDigest)
            } catch {
                throw fail("trust bundle \"\(trust)\": \(error.message)")
            }
            result = CertificateCheck.verify(bytes, trust: bundle, instant: instant, data: dataBytes)
        } else {
            let registry: any RegistryStore
            do {
                registry = try registryOptions.open()
            } catch {
                throw fail(error.description)
            }
            result = CertificateCheck.verify(bytes, registry: registry, instant: instant, data: dataBytes)
        }
        switch format {
        case .json:
            Terminal.write(try result.json(file: file).pretty())
        case .text:
            if result.isValid, let certificate = result.certificate {
                let checked =
                    [
                        result.dataChecked ? "data \(certificate.lineage.synthetic.sha256)" : nil,
                        result.catalogueChecked ? "catalogue" : "offline (trust bundle; catalogue not consulted)",
                    ]
                    .compactMap { $0 }.joined(separator: ", ")
                Terminal.write(
                    "\(file): valid certificate \(certificate.id) for \(certificate.request.id) "
                        + "(\(certificate.usage.audience), \(certificate.usage.consumers.joined(separator: ", "))), "
                        + "signed by \(result.keyID ?? "?"), expires \(certificate.expiresAt); \(checked)\n")
            } else {
                Terminal.write(
                    "\(file): INVALID\(result.certificate.map { " certificate \($0.id)" } ?? "")\n"
                        + result.findings.map { "  - \($0.kind.rawValue): \($0.message)\n" }.joined())
            }
        }
        if result.isUnreadable { throw ExitStatus.usageError.exitCode }
        if !result.isValid { throw ExitStatus.denied.exitCode }
    }

    private func fail(_ message: String) -> ExitCode {
        if format == .json {
            Terminal.write(
                (try? (["file": .string(file), "valid": false, "error": .string(message)] as JSONValue).pretty()) ?? "")
        } else {
            Terminal.writeError("error: \(message)\n")
        }
        return ExitStatus.usageError.exitCode
    }
}
