public import CharterCore

/// The files an operation reads from the paths a person named: each path in turn, directories
/// walked in sorted order, hidden entries skipped.
public struct InputFileSet: Sendable {
    /// The files found, in a stable order.
    public var files: [String] = []
    /// Paths that do not exist, cannot be listed or hold no matching file.
    public var problems: [Diagnostic] = []

    /// Collects the files with one of `extensions` (lowercase, without the dot) from each path in
    /// `store`.
    public init(paths: [String], extensions: Set<String>, in store: any InputStore) {
        for path in paths {
            switch store.kind(of: path) {
            case nil:
                problems.append(.error(.unreadableInput, "no such file or directory \"\(path)\"", at: nil))
            case .file:
                files.append(path)
            case .directory:
                guard let listed = store.files(under: path) else {
                    problems.append(.error(.unreadableInput, "cannot list directory \"\(path)\"", at: nil))
                    continue
                }
                let found = listed.filter { relative in
                    !relative.split(separator: "/").contains { $0.hasPrefix(".") }
                        && extensions.contains(Self.pathExtension(relative))
                }
                .map { path.hasSuffix("/") ? path + $0 : path + "/" + $0 }
                .sorted()
                if found.isEmpty {
                    let names = extensions.sorted().map { "." + $0 }.joined(separator: " or ")
                    problems.append(.error(.noInputs, "no \(names) files under \"\(path)\"", at: nil))
                }
                files += found
            }
        }
    }

    /// The lowercased extension of a path's last component ("" when it has none).
    static func pathExtension(_ path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return name[name.index(after: dot)...].lowercased()
    }
}

extension InputStore {
    /// The bytes of `path`, or the located diagnostic that says it cannot be read.
    public func read(_ path: String) -> Result<[UInt8], DiagnosticError> {
        guard let bytes = contents(of: path) else {
            return .failure(DiagnosticError(.error(.unreadableInput, "cannot read \"\(path)\"", at: .file(path))))
        }
        return .success(bytes)
    }
}

/// A diagnostic carried as an error.
public struct DiagnosticError: Error, Sendable {
    /// What went wrong, located.
    public var diagnostic: Diagnostic

    public init(_ diagnostic: Diagnostic) {
        self.diagnostic = diagnostic
    }
}
