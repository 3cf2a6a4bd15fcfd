#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One run of a user-supplied command: argv exactly as given (no shell), in a working directory,
/// stdin from /dev/null, stdout and stderr to files, in its own process group so that a timeout
/// stops the command and everything it started.
struct ExternalProcess {
    /// How the run ended.
    enum Outcome: Equatable {
        case exited(Int32)
        case signalled(Int32)
        case timedOut
    }

    /// Why the command could not be started.
    struct LaunchFailure: Error {
        var message: String
    }

    var arguments: [String]
    var workingDirectory: String
    var stdoutPath: String
    var stderrPath: String
    var timeoutSeconds: Double

    /// Starts the command and waits for it, killing its whole process group at the deadline.
    func run() throws(LaunchFailure) -> Outcome {
        precondition(!arguments.isEmpty, "a command needs a program")
        var program = arguments[0]
        // A relative path with a slash names a file relative to Charter's directory, not the
        // working directory the child changes into.
        if program.contains("/") && !program.hasPrefix("/") {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            if getcwd(&buffer, buffer.count) != nil {
                let cwd = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                program = cwd + "/" + program
            }
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
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard let addChdir = Self.addChdir else {
            throw LaunchFailure(message: "this system's C library cannot start a command in a working directory")
        }
        guard addChdir(&actions, workingDirectory) == 0 else {
            throw LaunchFailure(message: "cannot set the working directory \(workingDirectory)")
        }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        var argv: [UnsafeMutablePointer<CChar>?] = ([program] + arguments.dropFirst()).map { strdup($0) }
        argv.append(nil)
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let status = posix_spawnp(&pid, program, &actions, &attributes, argv, environ)
        guard status == 0 else {
            throw LaunchFailure(message: "cannot start '\(arguments[0])': \(String(cString: strerror(status)))")
        }
        return wait(pid)
    }

    #if canImport(Darwin)
        typealias FileActions = posix_spawn_file_actions_t?
    #else
        typealias FileActions = posix_spawn_file_actions_t
    #endif

    /// `posix_spawn_file_actions_addchdir_np` (glibc 2.29+, macOS 10.15+), which the C module map
    /// does not export: looked up once at run time.
    private static let addChdir: (@convention(c) (UnsafeMutablePointer<FileActions>, UnsafePointer<CChar>) -> Int32)? =
        {
            #if canImport(Darwin)
                let defaultHandle = UnsafeMutableRawPointer(bitPattern: -2)  // RTLD_DEFAULT
            #else
                let defaultHandle: UnsafeMutableRawPointer? = nil  // RTLD_DEFAULT
            #endif
            guard let symbol = dlsym(defaultHandle, "posix_spawn_file_actions_addchdir_np") else { return nil }
            return unsafeBitCast(
                symbol, to: (@convention(c) (UnsafeMutablePointer<FileActions>, UnsafePointer<CChar>) -> Int32).self)
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
