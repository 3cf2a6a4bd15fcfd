import ArgumentParser
import CharterCore
import CharterTrust
import CharterWorkflow
import Foundation

/// `charter policy sign|verify`: signed policy sets.
struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Sign a reviewed policy set, or verify one.",
        subcommands: [Sign.self, Verify.self]
    )

    /// `charter policy sign [DIR] --key KEY`.
    struct Sign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign the policy set: every file's sha256 in policy.manifest, an SSH signature in policy.sig.",
            discussion: """
                The manifest lists every file under the policy folder and every file the policy reads from \
                outside it (bases, allowed signers, directory). The signature is an SSHSIG in namespace \
                charter-policy, made with an unencrypted Ed25519 key; ssh-keygen -Y sign -n charter-policy \
                over policy.manifest makes the same signature. plan, apply and run given \
                --require-signed-policy FILE (or $CHARTER_POLICY_SIGNERS) refuse a set not signed by a key \
                in FILE, or changed since.
                Exit codes: 0 signed, 2 usage error or unreadable input.
                """
        )

        @Argument(help: "The policy directory or file.")
        var policy: String = "policies"

        @Option(name: .long, help: ArgumentHelp("An unencrypted OpenSSH Ed25519 private key.", valueName: "file"))
        var key: String

        func run() throws {
            guard let text = try? String(contentsOfFile: key, encoding: .utf8) else {
                Terminal.writeError("error: cannot read the key \"\(key)\"\n")
                throw ExitStatus.usageError.exitCode
            }
            do {
                let signed = try PolicyBundle.sign(
                    policyPath: policy, key: try SSHPrivateKey(openSSH: text), store: FileSystemInputStore())
                let folder = FileSystemInputStore().kind(of: policy) == .directory
                    ? policy : (policy as NSString).deletingLastPathComponent
                let prefix = folder.isEmpty ? "" : folder + "/"
                try AtomicFile.write(signed.manifest, to: prefix + PolicyBundle.manifestFile)
                try AtomicFile.write(signed.signature, to: prefix + PolicyBundle.signatureFile)
                let count = signed.manifest.split(separator: "\n").count - 1
                Terminal.write("signed \(count) files of \(policy) into \(prefix)\(PolicyBundle.signatureFile)\n")
            } catch let error as SSHFormatError {
                Terminal.writeError("error: \(key): \(error.message)\n")
                throw ExitStatus.usageError.exitCode
            } catch let failure as PolicyBundle.Failure {
                try PolicyCommand.report(failure, policy: policy, command: "policy sign")
            }
        }
    }

    /// `charter policy verify [DIR] --signers FILE`.
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that the policy set is signed by an allowed key and unchanged since.",
            discussion: "Exit codes: 0 signed and unchanged, 1 unsigned, signed by another key or changed, 2 usage error."
        )

        @Argument(help: "The policy directory or file.")
        var policy: String = "policies"

        @Option(name: .long, help: ArgumentHelp("Who may sign policies: an allowed-signers file.", valueName: "file"))
        var signers: String

        @Option(name: .long, help: CommandLineContext.nowHelp)
        var now: String?

        func validate() throws {
            try CommandLineContext.validate(now: now)
        }

        func run() throws {
            let allowed = try CommandLineContext.policySigners(signers)
            do {
                let people = try PolicyBundle.verify(
                    policyPath: policy, signers: allowed ?? AllowedSigners(text: ""),
                    at: try CommandLineContext.instant(now).timestamp, store: FileSystemInputStore())
                Terminal.write(
                    "\(policy): signed by \(people.map(\.canonical).joined(separator: ", ")), unchanged since\n")
            } catch let failure as PolicyBundle.Failure {
                let refused = failure.diagnostics.contains { $0.code == .policyNotSigned }
                try PolicyCommand.report(failure, policy: policy, command: "policy verify", refused: refused)
            }
        }
    }

    /// Prints a failure and exits: 1 for a refused set, 2 for unreadable input.
    static func report(_ failure: PolicyBundle.Failure, policy: String, command: String, refused: Bool = false) throws
        -> Never
    {
        let report = DiagnosticReport(
            tool: .charter, command: command, files: [policy], diagnostics: failure.diagnostics, sources: failure.sources)
        Terminal.writeError(try report.rendered(as: .text, colors: false))
        throw refused ? ExitStatus.denied.exitCode : ExitStatus.usageError.exitCode
    }
}
