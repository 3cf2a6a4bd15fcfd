import CharterPolicy
import CharterWorkflow
import Foundation

/// Source files a posted manifest may name: only under the server's working directory. A caller
/// could otherwise have a plan pin, and a run read and model, any file the server can read
/// (`source.path: /etc/shadow`, `../../secrets.csv`, or a symbolic link out of the folder).
enum SourceConfinement {
    /// Refuses the manifest when a request in it names a source outside `root` (absolute, with a
    /// `..` component, or resolving, links followed, outside it).
    static func check(manifest bytes: [UInt8], name: String, root: String) throws(APIError) {
        let loaded = RequestLoader().load(file: name, bytes: bytes)
        let base = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
        for request in loaded.requests {
            let path = request.source.path.value
            let components = path.split(separator: "/", omittingEmptySubsequences: false)
            guard !path.hasPrefix("/"), !path.hasPrefix("~"), !components.contains("..") else {
                throw APIError.badRequest(
                    "source.path \"\(path)\" is outside the server's data folder: name a file relative to it, without ..")
            }
            let resolved = URL(fileURLWithPath: base).appendingPathComponent(path).resolvingSymlinksInPath().path
            guard resolved.hasPrefix(base + "/") else {
                throw APIError.badRequest("source.path \"\(path)\" leads outside the server's data folder")
            }
        }
    }
}
