import ArgumentParser
import CharterCore
import CharterRegistry
import CharterWorkflow
import Foundation

/// `charter registry migrate`: moving a registry between stores.
struct RegistryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry",
        abstract: "Move the registry between stores.",
        subcommands: [Migrate.self]
    )

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "migrate",
            abstract: "Copy an SQLite registry verbatim into an empty PostgreSQL one.",
            discussion: """
                Copies sources, ledger events, the catalogue, signing keys and the audit chain row for row in \
                one transaction, so that `charter audit verify` passes on the target with the same chain head. \
                The source must verify and the target must be empty; on any failure nothing is copied. Give \
                the password in PGPASSWORD rather than in the URL.
                """)

        @Option(name: .long, help: ArgumentHelp("The SQLite registry to copy.", valueName: "file"))
        var from: String

        @Option(name: .long, help: ArgumentHelp("The PostgreSQL registry to create.", valueName: "postgres-url"))
        var to: String

        @OptionGroup var output: OutputOptions

        func run() throws {
            let reporter = RegistryReporter(
                output: output, path: PostgresLocation.redacting(to), command: "registry migrate")
            try reporter.run {
                guard PostgresLocation.isURL(to) else {
                    throw RegistryError.cannotOpen(
                        path: to, reason: "the target must be a postgres:// URL (a file is copied with cp)")
                }
                let target = try PostgresLocation(url: to, environment: CommandLineContext.environment)
                let source = try SQLiteRegistry(readingAt: from)
                let registry = try PostgresRegistry(location: target, mode: .create)
                defer { registry.close() }
                let copy = try registry.importVerbatim(from: source)
                let verification = try registry.verifyAudit()
                guard verification.isIntact, verification.headHash == copy.headHash else {
                    throw RegistryError.database(
                        "the copy at \(target) does not verify: run charter audit verify on it")
                }
                let counts = copy.rows.map { "\($0.count) \($0.table)" }.joined(separator: ", ")
                try reporter.emit(
                    text:
                        "copied \(counts) into \(target); audit chain intact, head \(copy.headSeq) \(copy.headHash)\n",
                    json: [
                        "target": .string(target.description),
                        "rows": .object(
                            Dictionary(uniqueKeysWithValues: copy.rows.map { ($0.table, .integer($0.count)) })),
                        "head_seq": .integer(Int(copy.headSeq)), "head_hash": .string(copy.headHash),
                    ], findings: [])
            }
        }
    }
}
