import Foundation

/// Runs the reference implementations the tests compare against (Python's jsonschema and
/// xmlschema, which CI installs): an independent judge for our schemas and reports.
public enum Python {
    /// Runs `python3 -c script arguments…` and returns its exit status and its combined output.
    public static func run(_ script: String, arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }
}
