import ArgumentParser
import CharterWorkflow

/// What `check` and `explain` share: the policy set, the evaluation time, the plan digest, the
/// registry.
struct DecisionOptions: ParsableArguments {
    @Option(name: .long, help: "The policy directory or file.")
    var policy: String = "policies"

    @Option(name: .long, help: CommandLineContext.nowHelp)
    var now: String?

    @Option(name: .customLong("plan-digest"), help: "The plan digest approvals must be bound to (sha256:…).")
    var planDigest: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The registry whose ledger holds the sources' budgets (default: $CHARTER_REGISTRY, else .charter/registry.sqlite when it exists).",
            valueName: "path"))
    var registry: String?

    func validate() throws {
        try CommandLineContext.validate(now: now)
    }

    /// Decides `requests` as these options say.
    func decide(_ requests: [String], expand: Bool, tracing: Bool) throws -> Deciding {
        Deciding(
            requests: requests, expand: expand, policyPath: policy, instant: try CommandLineContext.instant(now),
            planDigest: planDigest, tracing: tracing, registry: CommandLineContext.registry(registry),
            store: FileSystemInputStore())
    }
}
