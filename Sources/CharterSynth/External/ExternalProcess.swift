#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One run of bubblewrap (``ExternalSandbox``) around a user-supplied command: argv exactly as
/// given (no shell), stdin from /dev/null, stdout and stderr to files, only the sandbox's
/// environment, no descriptor of Charter's but those, in its own process group so that a timeout
/// stops the sandbox and, with it, everything the command started.
///
/// bubblewrap reads its options from a file (`--args 3`), so that the sandbox's `/proc/1/cmdline`
/// shows none of the host's paths (only the command itself), and reports on descriptor 4 (`--json-status-fd`) once the
/// tool's process exists: a run with no such report never got a sandbox.
struct ExternalProcess {
    /// How the run ended.
    enum Outcome: Equatable {
        case exited(Int32)
        case signalled(Int32)
        case timedOut
        /// bubblewrap could not build the sandbox; the tool never started. Its message.
        case sandboxFailed(String)
    }

    /// Why the command could not be started.
    struct LaunchFailure: Error {
        var message: String
    }

    /// `bwrap`.
    var bubblewrap: String
    /// bubblewrap's options (``ExternalSandbox/options(tool:workDirectory:readOnlyInputs:)``).
    var options: [String]
    /// The command's argv, as the sandbox runs it.
    var command: [String]
    /// A folder of Charter's the sandbox does not show, for bubblewrap's argument and status files.
    var controlDirectory: String
    var stdoutPath: String
    var stderrPath: String
    var timeoutSeconds: Double

    /// Starts the sandbox and waits for it, killing its whole process group at the deadline.
    func run() throws(LaunchFailure) -> Outcome {
        let argumentsPath = controlDirectory + "/bwrap-arguments"
        let statusPath = controlDirectory + "/bwrap-status.json"
        var argumentBytes: [UInt8] = []
        for argument in options {
            argumentBytes += Array(argument.utf8)
            argumentBytes.append(0)
        }
        guard FileManager.default.createFile(atPath: argumentsPath, contents: Data(argumentBytes)) else {
            throw LaunchFailure(message: "cannot write the sandbox's arguments to \(argumentsPath)")
        }
        #if canImport(Darwin)
            var actions: posix_spawn_file_actions_t? = nil
            var attributes: posix_spawnattr_t? = nil
        #else
            var actions = posix_spawn_file_actions_t()
            var attributes = posix_spawnattr_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 3, argumentsPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 4, statusPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // Every other descriptor Charter holds (a registry, a key file another thread reads) stays
        // out of the sandbox, whether or not it was opened close-on-exec.
        guard let addCloseFrom = Self.addCloseFrom, addCloseFrom(&actions, 5) == 0 else {
            throw LaunchFailure(
                message: "this system's C library cannot close inherited descriptors for a child "
                    + "(posix_spawn_file_actions_addclosefrom_np, glibc 2.34 or later); the tool is not run")
        }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        let line: [String] = [bubblewrap, "--args", "3", "--json-status-fd", "4", "--"] + command
        var argv: [UnsafeMutablePointer<CChar>?] = line.map { strdup($0) }
        argv.append(nil)
        var environment: [UnsafeMutablePointer<CChar>?] = ExternalSandbox.environment.map { strdup("\($0)=\($1)") }
        environment.append(nil)
        defer { for pointer in argv + environment { free(pointer) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, bubblewrap, &actions, &attributes, argv, environment)
        guard status == 0 else {
            throw LaunchFailure(message: "cannot start '\(bubblewrap)': \(String(cString: strerror(status)))")
        }
        let outcome = wait(pid)
        // bubblewrap reports the tool's pid once the sandbox is built; without it the tool never ran.
        let report = FileManager.default.contents(atPath: statusPath).map { String(decoding: $0, as: UTF8.self) } ?? ""
        if !report.contains("\"child-pid\"") {
            if outcome == .timedOut { return .timedOut }
            let reason = FileManager.default.contents(atPath: stderrPath).map { String(decoding: $0, as: UTF8.self) }
            let line = (reason ?? "").split(whereSeparator: \.isNewline).map(String.init).last { !$0.isEmpty }
            return .sandboxFailed(line ?? "bubblewrap exited without starting the tool (\(outcome))")
        }
        // bubblewrap's monitor returns as soon as the tool exits, while the namespace's init is
        // still killing what the tool left running: wait for that init, so that nothing the tool
        // started is alive when the run returns.
        if let line = report.split(separator: "\n").first(where: { $0.contains("\"child-pid\"") }),
            let digits = line.split(whereSeparator: { !$0.isNumber }).last, let child = pid_t(digits)
        {
            Self.awaitExit(of: child)
        }
        return outcome
    }

    /// Waits until `pid` (the sandbox's init, no child of Charter's) is gone or a zombie, which is
    /// after the kernel has killed every process of its PID namespace; past two seconds it is
    /// killed, which kills the namespace too, and the wait goes on (up to 30 s) until the kill has
    /// taken effect: on a loaded machine that can take more than a second, and the run must not
    /// return while anything the tool started is alive.
    static func awaitExit(of pid: pid_t) {
        func finished() -> Bool {
            guard kill(pid, 0) == 0 else { return errno == ESRCH }
            guard let stat = FileManager.default.contents(atPath: "/proc/\(pid)/stat") else { return true }
            // `pid (comm) S …`: the state follows the last parenthesis.
            let text = String(decoding: stat, as: UTF8.self)
            guard let close = text.lastIndex(of: ")") else { return true }
            let state = text[text.index(after: close)...].first { $0 != " " }
            return state == "Z" || state == "X"
        }
        for attempt in 0..<6000 {
            if finished() { return }
            if attempt == 400 { kill(pid, SIGKILL) }
            usleep(5000)
        }
    }

    #if canImport(Darwin)
        typealias FileActions = posix_spawn_file_actions_t?
    #else
        typealias FileActions = posix_spawn_file_actions_t
    #endif

    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34+), which the C module map does not
    /// export: looked up once at run time.
    private static let addCloseFrom: (@convention(c) (UnsafeMutablePointer<FileActions>, Int32) -> Int32)? = {
        #if canImport(Darwin)
            return nil
        #else
            let defaultHandle: UnsafeMutableRawPointer? = nil  // RTLD_DEFAULT
            guard let symbol = dlsym(defaultHandle, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
            return unsafeBitCast(
                symbol, to: (@convention(c) (UnsafeMutablePointer<FileActions>, Int32) -> Int32).self)
        #endif
    }()

    private func wait(_ pid: pid_t) -> Outcome {
        var clock = timespec()
        clock_gettime(CLOCK_MONOTONIC, &clock)
        let start = Double(clock.tv_sec) + Double(clock.tv_nsec) / 1e9
        var killed = false
        while true {
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid {
                // Once the leader is reaped its id may be reused, so the group is only ever
                // signalled before this point, while the leader still exists.
                if killed { return .timedOut }
                let signal = status & 0x7F
                if signal == 0 { return .exited((status >> 8) & 0xFF) }
                return .signalled(signal)
            }
            if result < 0 && errno != EINTR { return killed ? .timedOut : .signalled(0) }
            clock_gettime(CLOCK_MONOTONIC, &clock)
            let now = Double(clock.tv_sec) + Double(clock.tv_nsec) / 1e9
            if !killed && now - start > timeoutSeconds {
                // SIGKILL, not SIGTERM: a member that ignores SIGTERM would outlive the leader,
                // and after the leader is reaped the group can no longer be signalled safely.
                kill(-pid, SIGKILL)
                killed = true
            }
            usleep(5000)
        }
    }
}
