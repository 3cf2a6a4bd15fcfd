import Foundation

/// `charter serve` as a child process on a loopback port, its output in a log file in the folder
/// it runs in. Killed (SIGKILL) when released, whatever path the test took.
final class ServeProcess {
    let port: Int
    let process: Process
    let log: URL

    /// Starts `charter serve --listen 127.0.0.1:PORT` with `arguments` in `directory`, and waits
    /// (bounded) until `/v1/health` answers.
    /// - Throws: when it cannot start, or exits or stays unready.
    init(in directory: URL, arguments: [String], name: String) throws {
        port = try LoopbackHTTP.freePort()
        log = directory.appendingPathComponent("\(name).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process = Process()
        process.executableURL = CLIRunner.executable
        process.arguments = ["serve", "--listen", "127.0.0.1:\(port)"] + arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment["CHARTER_REGISTRY"] = nil
        process.environment = environment
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try handle.close()
        // Readiness, bounded: 600 tries 100 ms apart.
        for _ in 0..<600 {
            guard process.isRunning else {
                throw LoopbackHTTP.Failure(description: "charter serve exited: \(logText)")
            }
            if let health = try? LoopbackHTTP.request(port: port, "GET", "/v1/health"), health.status == 200 {
                return
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        kill()
        throw LoopbackHTTP.Failure(description: "charter serve never answered /v1/health: \(logText)")
    }

    /// What the server wrote.
    var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// SIGKILL, as a machine going down would stop it, and waits for it to be gone.
    func kill() {
        guard process.isRunning else { return }
        _ = Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { kill() }
}
