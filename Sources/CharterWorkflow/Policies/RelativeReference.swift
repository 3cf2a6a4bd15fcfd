import Foundation

/// How a path written inside a file (a policy's `extends:`, a policy test's `policy:`) is read:
/// relative to that file's folder.
public enum RelativeReference {
    /// `reference` as written in `file`: absolute paths as they are, others against `file`'s folder,
    /// with `.` and `..` resolved.
    public static func resolve(_ reference: String, from file: String) -> String {
        if reference.hasPrefix("/") { return reference }
        let directory = (file as NSString).deletingLastPathComponent
        let joined = directory.isEmpty ? reference : directory + "/" + reference
        return (joined as NSString).standardizingPath
    }

    /// A base policy that could not be read.
    struct BaseUnreadable: Error, CustomStringConvertible {
        var path: String
        var description: String { "no readable file at \"\(path)\"" }
    }

    /// The base resolver the linter calls: reads the base from `store` and keeps its text in
    /// `sources` (for rendering diagnostics), and its path in `bases` when given.
    static func baseResolver(
        store: any InputStore, sources: Texts, bases: Texts? = nil
    ) -> @Sendable (String, String) throws -> (path: String, bytes: [UInt8]) {
        { reference, from in
            let base = resolve(reference, from: from)
            guard let bytes = store.contents(of: base) else { throw BaseUnreadable(path: base) }
            sources.set(base, bytes)
            bases?.set(base, bytes)
            return (base, bytes)
        }
    }
}

/// File texts collected while a resolver closure runs (the linter's resolver cannot take `inout`).
/// INVARIANT: used from one thread at a time: the operation that made it, synchronously.
final class Texts: @unchecked Sendable {
    var byPath: [String: String] = [:]

    init(_ byPath: [String: String] = [:]) {
        self.byPath = byPath
    }

    func set(_ path: String, _ bytes: [UInt8]) {
        byPath[path] = String(decoding: bytes, as: UTF8.self)
    }
}
