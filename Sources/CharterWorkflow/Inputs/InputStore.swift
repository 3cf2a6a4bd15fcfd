#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What is at a path an operation was given.
public enum InputKind: Sendable, Equatable {
    case file
    case directory
}

/// Where an operation reads the files it is named: the file system for the command line, bytes
/// handed in for a server or a test. Workflow operations read policies, requests, plans, tables
/// and schemas only through a store, so the same operation serves every front end.
///
/// A store answers for paths as the front end names them; the engine, which reads the source
/// data a plan pins, still reads the file system (a server keeps its sources on disk).
public protocol InputStore: Sendable {
    /// The file's bytes, or `nil` when there is no readable file at `path`.
    func contents(of path: String) -> [UInt8]?
    /// Whether `path` names a file or a directory, or `nil` when it names nothing.
    func kind(of path: String) -> InputKind?
    /// Every file below `directory`, as paths relative to it, in any order; `nil` when it cannot be
    /// listed.
    func files(under directory: String) -> [String]?
    /// The folder relative paths are read from, as an absolute path.
    var workingDirectory: String { get }
}

extension InputStore {
    /// The components of `path` made absolute against ``workingDirectory``, `.` and `..` resolved
    /// (symbolic links are not followed).
    public func absoluteComponents(_ path: String) -> [String] {
        let full = path.hasPrefix("/") ? path : workingDirectory + "/" + path
        var components: [String] = []
        for component in full.split(separator: "/") {
            switch component {
            case ".": continue
            case "..": if !components.isEmpty { components.removeLast() }
            default: components.append(String(component))
            }
        }
        return components
    }

    /// `path` made absolute and normalised (``absoluteComponents(_:)``).
    public func standardized(_ path: String) -> String {
        "/" + absoluteComponents(path).joined(separator: "/")
    }
}

/// Files held in memory, by path: what a server hands an operation, and what tests use.
/// Directories are the prefixes of the paths held. Relative paths are read against `/`.
public struct InMemoryInputStore: InputStore {
    /// The files, by normalised absolute path.
    private var filesByPath: [String: [UInt8]] = [:]

    public let workingDirectory = "/"

    /// A store holding `files`, by path (relative paths are taken against `/`).
    public init(_ files: [String: [UInt8]] = [:]) {
        for (path, bytes) in files { self[path] = bytes }
    }

    /// A file's bytes; setting `nil` removes it.
    public subscript(path: String) -> [UInt8]? {
        get { filesByPath[standardized(path)] }
        set { filesByPath[standardized(path)] = newValue }
    }

    public func contents(of path: String) -> [UInt8]? { self[path] }

    public func kind(of path: String) -> InputKind? {
        let key = standardized(path)
        if filesByPath[key] != nil { return .file }
        let prefix = key == "/" ? "/" : key + "/"
        return filesByPath.keys.contains { $0.hasPrefix(prefix) } ? .directory : nil
    }

    public func files(under directory: String) -> [String]? {
        let key = standardized(directory)
        let prefix = key == "/" ? "/" : key + "/"
        return filesByPath.keys.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }
}
