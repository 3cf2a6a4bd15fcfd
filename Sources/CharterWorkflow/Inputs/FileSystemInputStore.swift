import Foundation

/// The file system, as the command line reads it: paths relative to the process's working folder.
public struct FileSystemInputStore: InputStore {
    public init() {}

    public func contents(of path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }

    public func kind(of path: String) -> InputKind? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        return isDirectory.boolValue ? .directory : .file
    }

    public func files(under directory: String) -> [String]? {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return nil }
        var found: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let full = directory.hasSuffix("/") ? directory + relative : directory + "/" + relative
            if kind(of: full) == .file { found.append(relative) }
        }
        return found
    }

    public var workingDirectory: String { FileManager.default.currentDirectoryPath }
}
