import ArgumentParser
import CharterCore
import CharterTrust
import CharterWorkflow
import Foundation

/// `charter approve REQUEST --role R --plan DIGEST`: a signed approval, verified before it is
/// printed or written.
struct ApproveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Sign an approval of a request's plan, in a role, with an SSH key.",
        discussion: """
            An approval signs one statement: the request id, the digest of the request's content \
            (everything but its approvals), the plan digest, the role, the signer and the date. Sign \
            it with an unencrypted Ed25519 key (--key), or print it with --statement, sign it with \
            `ssh-keygen -Y sign -f KEY -n charter-approval FILE` and attach FILE.sig with --signature. \
            The approval is checked against the policy's allowed signers as a decision checks it, then \
            printed as the entry for the request's approvals: list, or appended to the request with --write.
            Exit codes: 0 approval made, 2 usage error, unreadable input or an approval that would not count.
            """
    )

    @Argument(help: "The request manifest.")
    var request: String

    @Option(name: .long, help: "The role approved in.")
    var role: String

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The plan digest approved (charter plan prints it); without it the approval counts for check only.",
            valueName: "sha256:…"))
    var plan: String?

    @Option(name: .long, help: ArgumentHelp("Who approves (default: the one person the key signs for).", valueName: "id"))
    var by: String?

    @Option(name: .long, help: ArgumentHelp("An unencrypted OpenSSH Ed25519 private key to sign with.", valueName: "file"))
    var key: String?

    @Option(name: .long, help: ArgumentHelp("An SSH signature made by ssh-keygen -Y sign over --statement's text.", valueName: "file"))
    var signature: String?

    @Flag(name: .long, help: "Print the statement to sign with ssh-keygen, and nothing else.")
    var statement = false

    @Option(name: .long, help: ArgumentHelp("The soft-mandatory rule this approval overrides.", valueName: "rule"))
    var override: String?

    @Flag(name: .long, help: "Append the approval to the request file instead of printing it.")
    var write = false

    @Option(name: .long, help: "The policy directory or file.")
    var policy: String = "policies"

    @Option(name: .long, help: CommandLineContext.nowHelp)
    var now: String?

    func validate() throws {
        try CommandLineContext.validate(now: now)
        let ways = [key != nil, signature != nil, statement].filter { $0 }.count
        guard ways == 1 else { throw ValidationError("give exactly one of --key, --signature and --statement") }
        if key == nil, by == nil { throw ValidationError("--by is needed without --key") }
    }

    func run() throws {
        let store = FileSystemInputStore()
        var privateKey: SSHPrivateKey?
        if let key {
            guard let text = try? String(contentsOfFile: key, encoding: .utf8) else {
                Terminal.writeError("error: cannot read the key \"\(key)\"\n")
                throw ExitStatus.usageError.exitCode
            }
            do {
                privateKey = try SSHPrivateKey(openSSH: text)
            } catch {
                Terminal.writeError("error: \(key): \(error.message)\n")
                throw ExitStatus.usageError.exitCode
            }
        }
        do {
            let approving = try Approving(
                requestFile: request, policyPath: policy, role: role, signer: by, key: privateKey?.publicKey,
                plan: plan, on: try CommandLineContext.instant(now).date, override: override, store: store)
            if statement {
                Terminal.write(approving.statement)
                return
            }
            let armoured: String
            if let privateKey {
                armoured = try SSHSignature.sign(
                    Array(approving.statement.utf8), namespace: ApprovalStatement.namespace, with: privateKey
                ).armoured
            } else if let signature, let text = try? String(contentsOfFile: signature, encoding: .utf8) {
                armoured = text
            } else {
                Terminal.writeError("error: cannot read the signature \"\(signature ?? "")\"\n")
                throw ExitStatus.usageError.exitCode
            }
            let entry = try approving.approval(signature: armoured)
            if write {
                try AtomicFile.write(try approving.appending(entry), to: request)
                Terminal.writeError("appended the approval by \(approving.signer) as \(role) to \(request)\n")
            } else {
                Terminal.write(entry)
            }
        } catch let failure as Approving.Failure {
            let report = DiagnosticReport(
                tool: .charter, command: "approve", files: [request, policy], diagnostics: failure.diagnostics,
                sources: failure.sources)
            Terminal.writeError(try report.rendered(as: .text, colors: false))
            throw ExitStatus.usageError.exitCode
        } catch let error as SSHFormatError {
            Terminal.writeError("error: \(error.message)\n")
            throw ExitStatus.usageError.exitCode
        }
    }
}
