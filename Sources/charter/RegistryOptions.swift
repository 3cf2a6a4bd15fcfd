import ArgumentParser
import CharterCore
import CharterRegistry
import CharterWorkflow
import Foundation

/// `--registry` and `--now`, shared by the commands that read or change the registry.
struct RegistryOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The registry file or postgres:// URL (default: $CHARTER_REGISTRY, else \(SQLiteRegistry.defaultPath)).",
            valueName: "path"))
    var registry: String?

    @Option(name: .long, help: CommandLineContext.nowHelp)
    var now: String?

    func validate() throws {
        try CommandLineContext.validate(now: now)
    }

    /// The registry path after `--registry` and `CHARTER_REGISTRY`, as it may be printed (a URL
    /// without its password).
    var path: String { location.shown }

    /// The registry after `--registry` and `CHARTER_REGISTRY`, with the environment a PostgreSQL
    /// URL's defaults and password come from.
    var location: RegistryLocation { CommandLineContext.registry(registry) }

    /// The time to act at.
    func instant() throws -> ActingInstant { try CommandLineContext.instant(now) }

    /// Opens the existing registry read-only; a missing, empty or foreign file is an error, never a
    /// new empty registry.
    func open() throws(RegistryError) -> any RegistryStore {
        try CommandLineContext.registry(registry).openForReading()
    }

    /// Opens the registry to change it, creating it when missing (`keys init`).
    func openOrCreate() throws(RegistryError) -> any RegistryStore {
        try CommandLineContext.registry(registry).openOrCreate()
    }

    /// Opens the existing registry to change it (revoke); a missing file is an error.
    func openForChange() throws(RegistryError) -> any RegistryStore {
        try CommandLineContext.registry(registry).openExisting()
    }
}
