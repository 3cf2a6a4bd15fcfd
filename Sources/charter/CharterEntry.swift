import ArgumentParser
import Foundation

/// The process entry point. It runs the command and maps every outcome to Charter's exit codes
/// (DESIGN §7): 0 allowed or clean, 1 denied or lint errors, 2 usage error or unreadable input,
/// 3 pending approvals. swift-argument-parser's own usage failures (64) become 2.
@main
enum CharterEntry {
    static func main() async {
        do {
            var command = try Charter.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            let message = Charter.fullMessage(for: error)
            if Charter.exitCode(for: error) == .success {
                if !message.isEmpty { print(message) }
                Foundation.exit(ExitStatus.clean.rawValue)
            }
            Terminal.writeError(message + "\n")
            Foundation.exit(ExitStatus.usageError.rawValue)
        }
    }
}

/// Charter's exit codes (DESIGN §7).
enum ExitStatus: Int32 {
    /// Allowed, or no problems found.
    case clean = 0
    /// Denied, or lint errors found.
    case denied = 1
    /// A usage error or input that could not be read.
    case usageError = 2
    /// Only approvals are missing.
    case pending = 3

    var exitCode: ExitCode { ExitCode(rawValue) }
}
