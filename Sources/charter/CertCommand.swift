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

/// `charter cert verify FILE`: signature, expiry and catalogue.
struct CertVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a certificate's signature, expiry and catalogue entry.",
        discussion: """
            Checks that the file is as charter wrote it, that its Ed25519 signature over the canonical JSON \
            verifies with a trusted key (by key id), that it is issued and not expired at --now, and that the \
            catalogue knows its id, recorded the same file digest and has not revoked it. Every failed check \
            is listed. Trusted keys: each --public-key, else the public half of the signing key.
            Exit codes: 0 valid, 1 invalid, revoked or expired, 2 unreadable file, key or registry.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text
        case json
    }

    @Argument(help: "The certificate file.")
    var file: String

    @Option(
        name: .customLong("public-key"),
        help: ArgumentHelp("A trusted public key file (repeatable).", valueName: "path"))
    var publicKeys: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The signing key whose public half is trusted when no --public-key is given (default: $CHARTER_SIGNING_KEY, else \(SigningKey.defaultPath)).",
            valueName: "path"))
    var key: String?

    @OptionGroup var registryOptions: RegistryOptions

    @Option(help: "Output format: text, json.")
    var format: Format = .text

    func run() throws {
        guard let bytes = FileSystemInputStore().contents(of: file) else {
            throw fail("cannot read the certificate \"\(file)\"")
        }
        let trusted: [VerificationKey]
        do throws(SigningKey.Failure) {
            trusted = try CertificateCheck.trustedKeys(
                publicKeyPaths: publicKeys,
                signingKeyPath: SigningKey.resolvePath(explicit: key, environment: CommandLineContext.environment))
        } catch {
            throw fail(error.message)
        }
        let store: SQLiteRegistry
        do {
            store = try registryOptions.open()
        } catch {
            throw fail(error.description)
        }
        let result = CertificateCheck.verify(
            bytes, keys: trusted, instant: try registryOptions.instant(), registry: store)
        switch format {
        case .json:
            Terminal.write(try result.json(file: file).pretty())
        case .text:
            if result.isValid, let certificate = result.certificate {
                Terminal.write(
                    "\(file): valid certificate \(certificate.id) for \(certificate.request.id) "
                        + "(\(certificate.usage.audience), \(certificate.usage.consumers.joined(separator: ", "))), "
                        + "signed by \(result.keyID ?? "?"), expires \(certificate.expiresAt)\n")
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
