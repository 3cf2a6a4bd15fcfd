import CharterCore
import Foundation

/// Expands the paths a user named into the files to read, and reads them.
struct InputFiles {
    /// The files found, in a stable order: each argument in turn, directories walked sorted.
    var files: [String] = []
    /// Paths that do not exist or cannot be listed.
    var problems: [Diagnostic] = []

    /// Collects files with the given extensions from each path; directories are walked
    /// recursively, skipping hidden entries.
    init(paths: [String], extensions: Set<String>) {
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                problems.append(.error(.unreadableInput, "no such file or directory \"\(path)\"", at: nil))
                continue
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            guard let enumerator = manager.enumerator(atPath: path) else {
                problems.append(.error(.unreadableInput, "cannot list directory \"\(path)\"", at: nil))
                continue
            }
            var found: [String] = []
            while let relative = enumerator.nextObject() as? String {
                let components = relative.split(separator: "/")
                if components.contains(where: { $0.hasPrefix(".") }) { continue }
                let ext = (relative as NSString).pathExtension.lowercased()
                guard extensions.contains(ext) else { continue }
                let full = path.hasSuffix("/") ? path + relative : path + "/" + relative
                var isSubdirectory: ObjCBool = false
                if manager.fileExists(atPath: full, isDirectory: &isSubdirectory), !isSubdirectory.boolValue {
                    found.append(full)
                }
            }
            if found.isEmpty {
                problems.append(
                    .error(.noInputs, "no \(extensions.sorted().map { "." + $0 }.joined(separator: " or ")) files under \"\(path)\"", at: nil))
            }
            files.append(contentsOf: found.sorted())
        }
    }

    /// Reads one file's bytes, or returns a located diagnostic.
    static func read(_ path: String) -> Result<[UInt8], DiagnosticError> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(DiagnosticError(.error(.unreadableInput, "cannot read \"\(path)\"", at: .file(path))))
        }
        return .success([UInt8](data))
    }
}

/// A diagnostic carried as an error.
struct DiagnosticError: Error {
    var diagnostic: Diagnostic

    init(_ diagnostic: Diagnostic) {
        self.diagnostic = diagnostic
    }
}
