import ArgumentParser
import CharterCore
import CharterRegistry
import CharterTrust
import CharterWorkflow
import Foundation

/// What the command line hands the workflow that a library must not read itself: the clock, the
/// environment, the user. Read here and nowhere else in charter.
enum CommandLineContext {
    /// The process's environment.
    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The system clock, to the millisecond.
    static func clock() -> Timestamp {
        Timestamp(millisecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }

    /// The instant `--now` names (``ActingInstant``: a date is the start of that day in UTC), else
    /// the clock's.
    static func instant(_ now: String?) throws -> ActingInstant {
        if let now { return try parse(now) }
        guard let instant = ActingInstant(clock()) else { throw ValidationError("cannot tell the time from the clock") }
        return instant
    }

    /// The instant `--now` names, or the usage error that says what it accepts.
    private static func parse(_ now: String) throws -> ActingInstant {
        guard let instant = ActingInstant(parsing: now) else {
            throw ValidationError("--now must be \(ActingInstant.syntax), got \"\(now)\"")
        }
        return instant
    }

    /// `--now`'s help, one text for every command that decides, plans, runs or reads the registry.
    /// (A plain option in each command rather than a nested option group: each group is another
    /// type ArgumentParser reflects and casts at start-up, which `charter check` pays for.)
    static let nowHelp = ArgumentHelp(
        "The time to act at: YYYY-MM-DD (the start of that day in UTC) or RFC 3339 (default: the system clock); decisions use its UTC date.",
        valueName: "time")

    /// Checks `--now` while arguments are validated.
    static func validate(now: String?) throws {
        if let now { _ = try parse(now) }
    }

    /// The registry `--registry` names, else `$CHARTER_REGISTRY`, else the default path.
    /// The help of `--require-signed-policy`, the same on `plan`, `apply` and `run`.
    static let policySignersHelp = ArgumentHelp(
        "Refuse the policy set unless a key in this allowed-signers file signed it (charter policy sign) and nothing changed since (default: $CHARTER_POLICY_SIGNERS).",
        valueName: "file")

    /// The policy signers `--require-signed-policy` or `$CHARTER_POLICY_SIGNERS` names, read;
    /// `nil` when neither does.
    /// - Throws: exit 2 when the file cannot be read or is not an allowed-signers file.
    static func policySigners(_ explicit: String?) throws -> AllowedSigners? {
        guard let path = explicit ?? environment["CHARTER_POLICY_SIGNERS"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            return nil
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            Terminal.writeError("error: cannot read the policy signers \"\(path)\"\n")
            throw ExitStatus.usageError.exitCode
        }
        do {
            return try AllowedSigners(text: text)
        } catch {
            Terminal.writeError("error: \(path): \(error.message)\n")
            throw ExitStatus.usageError.exitCode
        }
    }

    static func registry(_ explicit: String?) -> RegistryLocation {
        RegistryLocation(
            path: SQLiteRegistry.resolvePath(explicit: explicit, environment: environment),
            isNamed: explicit?.isEmpty == false || environment["CHARTER_REGISTRY"]?.isEmpty == false,
            environment: environment)
    }

    /// Who acts: `--actor`, else `$USER`, else "charter".
    static func actor(_ explicit: String?) -> String {
        explicit ?? environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "charter"
    }
}

extension OperationStatus {
    /// The exit status of DESIGN §7.
    var exitStatus: ExitStatus {
        switch self {
        case .clean: .clean
        case .denied: .denied
        case .unreadable: .usageError
        case .pending: .pending
        }
    }

    /// Exits unless clean.
    func exitUnlessClean() throws {
        if self != .clean { throw exitStatus.exitCode }
    }
}
