import CharterTestSupport
import Foundation
import Testing

/// `charter --help` and every subcommand's `--help`, nested ones included, against golden files in
/// `Fixtures/help/` (one per command path, `charter-catalog-list.txt`). The commands are found by
/// reading each page's SUBCOMMANDS, so a new command gets a golden file and a removed one leaves a
/// stale file that fails the suite. `CHARTER_UPDATE_GOLDEN=1 swift test --filter HelpGoldenTests`
/// rewrites them and removes stale ones.
@Suite("help output", .serialized)
struct HelpGoldenTests {
    static let folder = Fixtures.url("Tests/charterTests/Fixtures/help")

    /// ArgumentParser wraps help at `COLUMNS` (80 when unset and not a terminal): pinned, so the
    /// pages do not depend on who runs the tests.
    static let environment = ["COLUMNS": "100", "LINES": "50"]

    /// `charter <path…> --help`, printed to stdout with exit status 0.
    static func help(_ path: [String]) throws -> String {
        let result = try CLIRunner.run(path + ["--help"], in: Fixtures.packageRoot, environment: environment)
        #expect(result.status == 0, "charter \(path.joined(separator: " ")) --help: \(result.stderr)")
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        return result.stdout
    }

    /// The names under a help page's `SUBCOMMANDS:` heading (one per line indented by two spaces;
    /// wrapped abstracts are indented further). ArgumentParser's own `help` command is left out.
    static func subcommands(in page: String) -> [String] {
        var names: [String] = []
        var inside = false
        for line in page.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("SUBCOMMANDS:") {
                inside = true
            } else if inside {
                if line.isEmpty { break }
                guard line.hasPrefix("  "), !line.hasPrefix("   "), let name = line.split(separator: " ").first else {
                    continue
                }
                if name != "help" { names.append(String(name)) }
            }
        }
        return names
    }

    /// Every command path, the root (`[]`) first, then depth first in help order.
    static let commands: [[String]] = {
        var found: [[String]] = []
        func visit(_ path: [String]) {
            found.append(path)
            guard let page = try? CLIRunner.run(path + ["--help"], in: Fixtures.packageRoot, environment: environment)
            else { return }
            for name in subcommands(in: page.stdout) { visit(path + [name]) }
        }
        visit([])
        return found
    }()

    static func fileName(_ path: [String]) -> String {
        (["charter"] + path).joined(separator: "-") + ".txt"
    }

    @Test("the command tree is found: the root and its nested subcommands")
    func tree() {
        #expect(Self.commands.first == [])
        #expect(Self.commands.contains(["catalog", "list"]))
        #expect(Self.commands.contains(["privacy", "epsilon"]))
        #expect(Self.commands.count >= 20, "\(Self.commands)")
    }

    @Test("--help matches its golden file", arguments: commands)
    func page(path: [String]) throws {
        try Golden.expect(try Self.help(path), matches: Self.folder.appendingPathComponent(Self.fileName(path)))
    }

    @Test("every golden file belongs to a command")
    func noStaleFiles() throws {
        let wanted = Set(Self.commands.map(Self.fileName))
        let present = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path)
            .filter { $0.hasSuffix(".txt") }
        for stale in present where !wanted.contains(stale) {
            if Golden.updating {
                try FileManager.default.removeItem(at: Self.folder.appendingPathComponent(stale))
            } else {
                Issue.record("\(stale) names no command; rerun with CHARTER_UPDATE_GOLDEN=1 to remove it")
            }
        }
    }
}
