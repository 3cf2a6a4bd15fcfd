public import CharterCore

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

/// The files an `external` generator's command runs, found the way the sandbox finds them, with
/// the SHA-256 of their bytes: what a plan pins, so that approvers approve code and not a path.
///
/// - The **program** is `command[0]`: a path with a slash (relative to the folder Charter runs
///   in), or a name looked up in ``searchPath``, the `PATH` the tool itself gets, never the
///   caller's.
/// - A program starting with `#!` is a script: its **interpreter** is pinned too, and
///   `#!/usr/bin/env NAME` pins `env` and `NAME` as found in ``searchPath``. The sandbox runs the
///   script through that interpreter exactly as the kernel would (`interpreter [arg] script …`).
/// - Each later argument that names an existing regular file (`["python3", "tools/model.py"]`) is
///   a **script** too: pinned, made visible read-only at its absolute path, and passed as that
///   path.
///
/// A file that only its owner may read (the signing key is mode 0600), or that lies in a
/// `.charter` folder, is refused: the sandbox must never make it visible.
public struct ExternalTool: Sendable, Equatable {
    /// One file the command runs or reads as code.
    public struct File: Sendable, Equatable {
        /// What the file is to the command.
        public enum Role: String, Sendable, Equatable {
            /// `command[0]`.
            case program
            /// The `#!` line's interpreter (and, for `/usr/bin/env NAME`, `NAME`).
            case interpreter
            /// A later argument that names a file.
            case script
        }

        /// What the file is to the command.
        public var role: Role
        /// The path as the command or the `#!` line names it, or as found in ``ExternalTool/searchPath``.
        public var path: String
        /// `sha256:…` of the file's bytes (through symbolic links).
        public var sha256: String
        /// The absolute path the sandbox shows it at.
        public var absolutePath: String
        /// The file on this machine, all symbolic links resolved.
        public var realPath: String

        /// Creates a record.
        public init(role: Role, path: String, sha256: String, absolutePath: String, realPath: String) {
            self.role = role
            self.path = path
            self.sha256 = sha256
            self.absolutePath = absolutePath
            self.realPath = realPath
        }
    }

    /// The pinned files: the program, its interpreters, then script arguments in order.
    public var files: [File]
    /// The argv the sandbox runs: the interpreter first for a script, file arguments absolute.
    public var arguments: [String]

    /// The `PATH` a tool runs with, and where a program or `env`'s target without a slash is found.
    public static let searchPath = ["/usr/local/bin", "/usr/bin", "/bin"]

    /// The longest file read to pin it.
    static let maximumFileSize = 1 << 31

    /// Resolves `command` as the sandbox will run it.
    ///
    /// - Parameters:
    ///   - command: the argv as the request writes it.
    ///   - directory: the absolute folder relative paths are taken from (where Charter runs);
    ///     `nil` for the current directory.
    /// - Throws: ``DiagnosticCode/externalCommandInvalid`` when a file cannot be found, read or
    ///   shown to the tool.
    public static func resolve(_ command: [String], relativeTo directory: String? = nil) throws(GeneratorError)
        -> ExternalTool
    {
        guard let name = command.first, !name.isEmpty else {
            throw GeneratorError(.externalCommandInvalid, "parameter 'command' names an empty program")
        }
        let base = directory ?? currentDirectory()
        let programPath = try locate(name, base: base)
        var files = [try pin(role: .program, named: name, at: programPath, foundInSearchPath: !name.contains("/"))]
        var arguments: [String] = []
        if let line = try shebang(programPath) {
            var interpreter = [try pin(role: .interpreter, named: line.interpreter, at: line.interpreter)]
            if line.interpreter.split(separator: "/").last == "env", let target = envTarget(line.argument) {
                interpreter.append(
                    try pin(
                        role: .interpreter, named: target, at: try locate(target, base: "/"),
                        foundInSearchPath: !target.contains("/")))
            }
            files += interpreter
            arguments = [line.interpreter] + (line.argument.map { [$0] } ?? []) + [programPath]
        } else {
            arguments = [programPath]
        }
        for argument in command.dropFirst() {
            guard !argument.isEmpty, let path = existingFile(argument, base: base) else {
                arguments.append(argument)
                continue
            }
            files.append(try pin(role: .script, named: argument, at: path))
            arguments.append(path)
        }
        return ExternalTool(files: files, arguments: arguments)
    }

    /// The pins as JSON, for lineage: `[{"role", "path", "sha256"}]`.
    public var json: JSONValue {
        .array(
            files.map { ["role": .string($0.role.rawValue), "path": .string($0.path), "sha256": .string($0.sha256)] })
    }

    /// What differs between two pin lists (``json``), one phrase each: `program 'tool.sh'
    /// sha256:… → sha256:…`, a file pinned and now gone, or one new.
    public static func differences(pinned: JSONValue, now: JSONValue) -> [String] {
        func entries(_ value: JSONValue) -> [(key: String, digest: String)] {
            (value.arrayValue ?? []).map {
                (
                    "\($0["role"]?.stringValue ?? "file") '\($0["path"]?.stringValue ?? "?")'",
                    $0["sha256"]?.stringValue ?? "?"
                )
            }
        }
        let before = entries(pinned)
        let after = entries(now)
        var found: [String] = []
        for (index, old) in before.enumerated() {
            guard let new = after.first(where: { $0.key == old.key }) ?? (index < after.count ? after[index] : nil)
            else {
                found.append("\(old.key) is no longer run")
                continue
            }
            if new.key != old.key {
                found.append("\(old.key) is now \(new.key)")
            } else if new.digest != old.digest {
                found.append("\(old.key) \(old.digest) → \(new.digest)")
            }
        }
        for new in after.dropFirst(before.count) where !before.contains(where: { $0.key == new.key }) {
            found.append("\(new.key) is new")
        }
        return found.isEmpty ? ["the pins differ"] : found
    }

    // MARK: - Finding files

    static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return "/" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func absolute(_ path: String, base: String) -> String {
        path.hasPrefix("/") ? path : (base.hasSuffix("/") ? base : base + "/") + path
    }

    /// A program: a path with a slash, else the first executable regular file of that name in
    /// ``searchPath``.
    static func locate(_ name: String, base: String) throws(GeneratorError) -> String {
        if name.contains("/") {
            let path = absolute(name, base: base)
            guard isRegularFile(path) else {
                throw GeneratorError(.externalCommandInvalid, "cannot start '\(name)': no such file")
            }
            guard access(path, X_OK) == 0 else {
                throw GeneratorError(.externalCommandInvalid, "cannot start '\(name)': the file is not executable")
            }
            return path
        }
        for folder in searchPath {
            let path = folder + "/" + name
            if isRegularFile(path), access(path, X_OK) == 0 { return path }
        }
        throw GeneratorError(
            .externalCommandInvalid,
            "cannot start '\(name)': not found in \(searchPath.joined(separator: ":")), the PATH the tool runs with")
    }

    /// The absolute path of `argument` when it names an existing regular file.
    static func existingFile(_ argument: String, base: String) -> String? {
        let path = absolute(argument, base: base)
        return isRegularFile(path) ? path : nil
    }

    static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Reads and digests one file, refusing one the sandbox must not show.
    static func pin(role: File.Role, named name: String, at path: String, foundInSearchPath: Bool = false)
        throws(GeneratorError) -> File
    {
        guard let real = realPath(path) else {
            throw GeneratorError(
                .externalCommandInvalid, "cannot resolve '\(name)': \(String(cString: strerror(errno)))")
        }
        for candidate in [path, real] {
            let components = candidate.split(separator: "/")
            if components.contains(".charter") {
                throw GeneratorError(
                    .externalCommandInvalid,
                    "'\(name)' lies in a .charter folder, which holds the registry and the signing key; a tool never sees it"
                )
            }
            if let first = components.first, ["proc", "dev", "sys", "charter"].contains(first) {
                throw GeneratorError(.externalCommandInvalid, "'\(name)' is not a file the sandbox can show")
            }
        }
        var info = stat()
        guard stat(real, &info) == 0 else {
            throw GeneratorError(.externalCommandInvalid, "cannot read '\(name)': \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IROTH != 0 else {
            throw GeneratorError(
                .externalCommandInvalid,
                "'\(name)' is private to its owner (mode \(String(info.st_mode & 0o777, radix: 8))); only a file "
                    + "everyone may read is shown to a tool")
        }
        guard Int(info.st_size) <= maximumFileSize, let data = FileManager.default.contents(atPath: real) else {
            throw GeneratorError(.externalCommandInvalid, "cannot read '\(name)' to pin its bytes")
        }
        return File(
            role: role, path: foundInSearchPath ? path : name, sha256: ContentDigest.sha256([UInt8](data)),
            absolutePath: path, realPath: real)
    }

    /// A `#!` line, split as Linux splits it: the interpreter, then the rest as one argument.
    struct Shebang: Equatable {
        var interpreter: String
        var argument: String?
    }

    static func shebang(_ path: String) throws(GeneratorError) -> Shebang? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var head = [UInt8](repeating: 0, count: 256)
        let count = head.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        return try parseShebang(Array(head.prefix(max(count, 0))))
    }

    /// The interpreter and optional argument of a file starting with `head`, or `nil` without `#!`.
    package static func shebang(in head: [UInt8]) throws(GeneratorError) -> [String?]? {
        try parseShebang(head).map { [$0.interpreter, $0.argument] }
    }

    static func parseShebang(_ head: [UInt8]) throws(GeneratorError) -> Shebang? {
        guard head.count >= 2, head[0] == UInt8(ascii: "#"), head[1] == UInt8(ascii: "!") else { return nil }
        let isBlank: (UInt8) -> Bool = { $0 == 32 || $0 == 9 || $0 == 13 }
        let line = Array(head.dropFirst(2).prefix { $0 != 10 })
        let start = line.firstIndex { !isBlank($0) } ?? line.endIndex
        let end = line[start...].firstIndex(where: isBlank) ?? line.endIndex
        guard start < end else {
            throw GeneratorError(.externalCommandInvalid, "the tool's #! line names no interpreter")
        }
        let interpreter = String(decoding: line[start..<end], as: UTF8.self)
        var rest = line[end...].drop(while: isBlank)
        while let last = rest.last, isBlank(last) { rest = rest.dropLast() }
        guard interpreter.hasPrefix("/") else {
            throw GeneratorError(
                .externalCommandInvalid, "the tool's #! interpreter '\(interpreter)' is not an absolute path")
        }
        return Shebang(interpreter: interpreter, argument: rest.isEmpty ? nil : String(decoding: rest, as: UTF8.self))
    }

    /// The program `env` runs for a `#!/usr/bin/env [-S] NAME …` line: its first word that is not
    /// an option or an assignment.
    static func envTarget(_ argument: String?) -> String? {
        guard let argument else { return nil }
        return argument.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            .first { !$0.hasPrefix("-") && !$0.contains("=") }
    }
}
