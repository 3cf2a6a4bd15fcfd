import CharterTestSupport
import Foundation

/// Runs the built `charter` executable and captures what it prints.
struct CLIRunner {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let packageRoot = Fixtures.packageRoot

    static let fixtures = Fixtures.url("Tests/charterTests/Fixtures")

    /// A copy of the repository's `policies/`, `examples/` and `grammar/` in a folder of its own,
    /// made once per test process: commands that read them run there, so what a person left in
    /// the checkout (the `.charter/` registry and `out/` of the README's first command) is never
    /// read as theirs.
    static let checkout: URL = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "charter-checkout-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for folder in ["policies", "examples", "grammar"] {
            try? FileManager.default.copyItem(
                at: packageRoot.appendingPathComponent(folder), to: directory.appendingPathComponent(folder))
        }
        return directory
    }()

    /// `["--policy", overlay]` for an example request whose header says "Run it with --policy
    /// <overlay>" (README; scripts/resign-examples.py reads the same line), else `[]`.
    static func overlay(ofExample path: String) -> [String] {
        let text = (try? String(contentsOf: packageRoot.appendingPathComponent(path), encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") where line.hasPrefix("#") {
            guard let range = line.range(of: "--policy examples/policies/") else { continue }
            let rest = line[range.upperBound...].prefix { !$0.isWhitespace }
            let name = rest.hasSuffix(".yaml.") ? rest.dropLast() : rest
            return ["--policy", "examples/policies/" + name]
        }
        return []
    }

    /// The `charter` binary SwiftPM built beside this test bundle.
    static let executable: URL = {
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundleDirectory, bundleDirectory.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("charter")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return packageRoot.appendingPathComponent(".build/debug/charter")
    }()

    /// Runs `charter` with the arguments, in `directory` (the fixtures folder by default), with
    /// `environment` added to this process's (`CHARTER_REGISTRY` left out unless given).
    static func run(
        _ arguments: [String], in directory: URL = fixtures, environment extra: [String: String] = [:]
    ) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment["CHARTER_REGISTRY"] = nil
        environment.merge(extra) { $1 }
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes before waiting, so a full pipe cannot block the child.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }
}
