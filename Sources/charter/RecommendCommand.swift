import ArgumentParser
import CharterCore
import CharterProfile
import CharterWorkflow

/// `charter recommend`: what the source's profile and the tier suggest for a request, with reasons.
/// Never edits the request.
struct RecommendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommend",
        abstract: "Recommend a generator, epsilon, the columns to model and the quasi-identifiers for a request.",
        discussion: """
            Reads the request, the policy set and the request's source data, and prints what the profile, the \
            tier's caps and gates and dp-copula's noise suggest, each with its reason and the request's current \
            value. Nothing is applied: edit the request to follow a recommendation.
            Exit codes: 0 recommended, 2 unreadable input or a request no tier applies to.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: "The request file.")
    var request: String

    @Option(name: .long, help: "The policy directory or file.")
    var policy: String = "policies"

    @Option(name: .long, help: CommandLineContext.nowHelp)
    var now: String?

    @Option(help: "Output format: text, json.")
    var format: Format = .text

    func validate() throws {
        try CommandLineContext.validate(now: now)
    }

    func run() throws {
        let recommending = Recommending(
            file: request, policyPath: policy, date: try CommandLineContext.instant(now).date,
            in: FileSystemInputStore())
        try ProfileRendering.emit(recommending.diagnostics, file: request, command: "recommend", json: format == .json)
        guard recommending.status == .clean else { throw recommending.status.exitStatus.exitCode }
        switch format {
        case .json: Terminal.write(try recommending.json.pretty())
        case .text: Terminal.write(Self.text(recommending))
        }
    }

    static func text(_ r: Recommending) -> String {
        var out =
            "Recommendations for \(ProfileText.printable(r.requestID)) (policy \(r.policyName ?? "?"), tier \(r.tier ?? "none"))\n"
        out += "Nothing is applied: edit the request to follow one.\n\n"
        for item in r.items {
            let change = item.differs ? "CHANGE" : "same  "
            let current = item.current.isEmpty ? "unset" : item.current
            out +=
                "\(change) \(ProfileText.printable(item.subject)): \(item.recommended.isEmpty ? "unset" : item.recommended)"
            out += item.differs ? " (request: \(current))\n" : "\n"
            out += "       \(ProfileText.printable(item.reason))\n"
        }
        let changes = r.items.filter(\.differs).count
        out +=
            "\n\(changes) recommendation\(changes == 1 ? "" : "s") differ\(changes == 1 ? "s" : "") from the request.\n"
        return out
    }
}
