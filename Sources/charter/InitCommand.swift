import ArgumentParser
import CharterCore
import CharterWorkflow
import Foundation

/// `charter init`: a request skeleton from a CSV file and the policy set, to review and complete.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a generation-request skeleton for a CSV file that lints against the policy set.",
        discussion: """
            Direct identifiers are excluded with their evidence, quasi-identifiers proposed (those that keep the \
            tier's k reachable), columns typed, and the generator, epsilon and delta set from the tier the policy \
            selects. No value read from the data is written as a declared domain: observed ranges are comments \
            marked "observed: replace with a public range"; declare a public one with --domain NAME=LOW..HIGH or \
            --domain NAME=a|b|c. The tier and any lint finding go to stderr.
            Exit codes: 0 written, 2 unreadable input or a bad argument.
            """
    )

    @Argument(help: "The CSV file.")
    var data: String

    @Option(name: .long, help: "The policy directory or file.")
    var policy: String = "policies"

    @Option(help: "The purpose (default: the policy's first).")
    var purpose: String?

    @Option(help: "internal, partner or public.")
    var audience: String = "internal"

    @Option(help: "phi, pii, confidential, internal or public.")
    var classification: String = "phi"

    @Option(help: "Where the data is and will be used.")
    var jurisdiction: String = "EU"

    @Option(help: "The request's id.")
    var id: String = "REQ-DRAFT"

    @Option(help: "Who asks.")
    var requester: String = "requester@hospital.example"

    @Option(help: "The ledger's key for the source (default: the file's name).")
    var dataset: String?

    @Option(help: "The label column for TSTR/TRTS; 'auto' proposes a two-class outcome column.")
    var target: String?

    @Option(name: .customLong("domain"), help: "A public domain: NAME=LOW..HIGH or NAME=a|b|c (repeatable).")
    var domains: [String] = []

    @Option(name: .long, help: CommandLineContext.nowHelp)
    var now: String?

    @Option(name: .shortAndLong, help: "Write the request to this file (default: stdout); never overwrites.")
    var output: String?

    func validate() throws {
        try CommandLineContext.validate(now: now)
    }

    func run() throws {
        var options = RequestSkeleton.Options(date: try CommandLineContext.instant(now).date)
        options.purpose = purpose
        options.audience = audience
        options.classification = classification
        options.jurisdiction = jurisdiction
        options.id = id
        options.requester = requester
        options.dataset = dataset
        options.target = target
        do {
            options.domains = try domains.map(PublicDomain.parse)
        } catch {
            try ProfileRendering.emit([error.diagnostic], file: data, command: "init", json: false)
            throw ExitStatus.usageError.exitCode
        }
        let skeleton = RequestSkeleton(dataPath: data, policyPath: policy, options: options, in: FileSystemInputStore())
        try ProfileRendering.emit(skeleton.diagnostics + skeleton.lint, file: data, command: "init", json: false)
        guard skeleton.status == .clean else { throw skeleton.status.exitStatus.exitCode }
        if let output {
            guard !FileManager.default.fileExists(atPath: output) else {
                Terminal.writeError("error: \"\(output)\" exists; init never overwrites a file\n")
                throw ExitStatus.usageError.exitCode
            }
            guard FileManager.default.createFile(atPath: output, contents: Data(skeleton.yaml.utf8)) else {
                Terminal.writeError("error: cannot write \"\(output)\"\n")
                throw ExitStatus.usageError.exitCode
            }
        } else {
            Terminal.write(skeleton.yaml)
        }
        Terminal.writeError(
            "policy '\(skeleton.policyName ?? "?")' selects tier \(skeleton.tier.map { "'\($0)'" } ?? "none") for this request\n"
        )
    }
}
