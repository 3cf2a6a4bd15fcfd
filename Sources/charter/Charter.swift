import ArgumentParser
import CharterCore

/// The root command: subcommands only.
struct Charter: ParsableCommand {
    static let version = "0.1.0"
    static let informationURI = "https://github.com/charter-governance/charter"

    static let configuration = CommandConfiguration(
        commandName: "charter",
        abstract: "Policy-as-code for synthetic health data.",
        discussion: """
            Exit codes: 0 allowed or clean, 1 denied or lint errors, 2 usage error or unreadable input, \
            3 pending approvals.
            """,
        version: version,
        subcommands: [
            LintCommand.self, PolicyCommand.self, CheckCommand.self, ExplainCommand.self, EvaluateCommand.self, PrivacyCommand.self,
            BudgetCommand.self, CatalogCommand.self, AuditCommand.self, RegistryCommand.self, TestCommand.self,
            PlanCommand.self,
            ApproveCommand.self, ApplyCommand.self, RunCommand.self, CertCommand.self, KeysCommand.self,
            ProfileCommand.self, InitCommand.self, RecommendCommand.self, SweepCommand.self, ReportCommand.self,
            ServeCommand.self, RevalidateCommand.self, AccessCommand.self, IncidentCommand.self,
        ]
    )
}

extension DiagnosticReport.Tool {
    /// This program.
    static let charter = DiagnosticReport.Tool(
        name: "charter", version: Charter.version, informationURI: Charter.informationURI)
}
