import CharterWorkflow

/// The server's file system with the request's bytes laid over it: the policy set and the sources
/// are read from disk, the manifest a caller sent from memory under a name in the server's
/// working directory (so relative references in it read as they would beside the server).
struct OverlayInputStore: InputStore {
    var base: FileSystemInputStore
    var overlay: InMemoryInputStore

    /// `files` (names relative to the working directory) over the file system.
    init(_ files: [String: [UInt8]]) {
        base = FileSystemInputStore()
        var overlay = InMemoryInputStore()
        let root = base.workingDirectory
        for (name, bytes) in files { overlay[root + "/" + name] = bytes }
        self.overlay = overlay
    }

    func contents(of path: String) -> [UInt8]? {
        overlay.contents(of: standardized(path)) ?? base.contents(of: path)
    }

    func kind(of path: String) -> InputKind? {
        if overlay.kind(of: standardized(path)) == .file { return .file }
        return base.kind(of: path)
    }

    func files(under directory: String) -> [String]? { base.files(under: directory) }

    var workingDirectory: String { base.workingDirectory }
}
