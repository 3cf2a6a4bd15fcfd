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

/// The container an `external` generator runs in: bubblewrap (`bwrap`, Debian's `bubblewrap`
/// package) with new user, PID, network, IPC, UTS and cgroup namespaces.
///
/// What the tool sees: `/usr` and the `/bin`, `/sbin` and `/lib*` folders (or the links to them),
/// `/etc/alternatives` and the dynamic linker's cache, all read-only; its pinned files
/// (``ExternalTool``) read-only at their absolute paths; a fresh `/proc` of its own PID namespace,
/// a minimal `/dev` and an empty `/tmp`; and `/charter/work`, its working folder, writable, with
/// `input.csv`, `schema.json` and `params.json` read-only in it. Nothing else of the machine:
/// not the project, not `.charter` (the registry and the signing key), not the caller's home.
///
/// It runs as uid and gid 65534 in its user namespace with every capability dropped and no way
/// to make further user namespaces; its environment is ``environment`` only; it has no network
/// (an unconfigured loopback); it is a session of its own (no terminal to inject into); and it
/// cannot see or signal any process outside its PID namespace. When the tool exits, the
/// namespace's init exits and the kernel kills whatever the tool left running, `setsid` children
/// included; when Charter or the sandbox's monitor dies, `--die-with-parent` does the same.
///
/// Where `bwrap` is missing or cannot create its namespaces, the tool is refused
/// (``DiagnosticCode/externalSandboxUnavailable``): it never runs unconfined.
struct ExternalSandbox {
    /// Where bubblewrap is looked for (not the caller's `PATH`).
    static let bubblewrapLocations = ["/usr/bin/bwrap", "/usr/local/bin/bwrap", "/bin/bwrap"]

    /// The tool's working folder, inside the sandbox.
    static let workFolder = "/charter/work"

    /// The only environment the tool gets.
    static let environment: [(String, String)] = [
        ("PATH", ExternalTool.searchPath.joined(separator: ":")), ("LANG", "C.UTF-8"), ("HOME", workFolder),
        ("TMPDIR", "/tmp"),
    ]

    /// The folders shown read-only at their own paths (or as the same symbolic links).
    static let systemFolders = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"]
    /// Files and folders of `/etc` a program may need to start, shown read-only when present.
    static let systemEtc = ["/etc/alternatives", "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d"]

    /// The unprivileged user the tool runs as inside its namespace (`nobody`).
    static let sandboxUser = 65534

    /// The `bwrap` executable, or `nil` when none is installed.
    static func bubblewrap() -> String? {
        bubblewrapLocations.first { access($0, X_OK) == 0 }
    }

    /// Whether a path is inside a folder the sandbox already shows.
    static func isVisible(_ path: String) -> Bool {
        systemFolders.contains { path == $0 || path.hasPrefix($0 + "/") }
    }

    /// bubblewrap's options to run `tool` with `workDirectory` as its working folder and
    /// `readOnlyInputs` (names in it) protected from writes; the command (``ExternalTool/arguments``)
    /// follows them after `--` on bubblewrap's own command line.
    static func options(tool: ExternalTool, workDirectory: String, readOnlyInputs: [String]) -> [String] {
        var arguments = [
            "--unshare-user", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
            "--unshare-cgroup-try", "--disable-userns", "--uid", String(sandboxUser), "--gid", String(sandboxUser),
            "--die-with-parent", "--new-session", "--cap-drop", "ALL", "--clearenv",
        ]
        for (name, value) in environment { arguments += ["--setenv", name, value] }
        for folder in systemFolders {
            var info = stat()
            guard lstat(folder, &info) == 0 else { continue }
            if (info.st_mode & S_IFMT) == S_IFLNK, let target = linkTarget(folder) {
                arguments += ["--symlink", target, folder]
            } else if (info.st_mode & S_IFMT) == S_IFDIR {
                arguments += ["--ro-bind", folder, folder]
            }
        }
        for path in systemEtc { arguments += ["--ro-bind-try", path, path] }
        arguments += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
        arguments += ["--bind", workDirectory, workFolder]
        for name in readOnlyInputs {
            arguments += ["--ro-bind", workDirectory + "/" + name, workFolder + "/" + name]
        }
        var shown: Set<String> = []
        for file in tool.files where !isVisible(file.absolutePath) && shown.insert(file.absolutePath).inserted {
            arguments += ["--ro-bind", file.realPath, file.absolutePath]
        }
        arguments += ["--chdir", workFolder]
        return arguments
    }

    static func linkTarget(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension ExternalGenerator {
    /// Why a tool cannot run contained on this machine, or `nil` when it can: runs `/bin/true` in
    /// the sandbox every tool gets. For tests that skip (and say why) where bubblewrap cannot run.
    package static func sandboxProblem() -> String? {
        guard let bubblewrap = ExternalSandbox.bubblewrap() else {
            return "bwrap is not installed (apt-get install bubblewrap)"
        }
        do throws(GeneratorError) {
            let tool = try ExternalTool.resolve(["/bin/true"], relativeTo: "/")
            let control = try makeWorkingDirectory(in: nil)
            defer { try? FileManager.default.removeItem(atPath: control) }
            guard mkdir(control + "/work", 0o700) == 0 else { return "cannot create a working folder" }
            let process = ExternalProcess(
                bubblewrap: bubblewrap,
                options: ExternalSandbox.options(tool: tool, workDirectory: control + "/work", readOnlyInputs: []),
                command: tool.arguments,
                controlDirectory: control, stdoutPath: control + "/stdout.txt", stderrPath: control + "/stderr.txt",
                timeoutSeconds: 30)
            switch try? process.run() {
            case .exited(0)?: return nil
            case .sandboxFailed(let reason)?: return "bwrap cannot build the sandbox here: \(reason)"
            case let other?: return "the sandbox's probe ended with \(other)"
            case nil: return "bwrap cannot be started"
            }
        } catch {
            return error.message
        }
    }
}
