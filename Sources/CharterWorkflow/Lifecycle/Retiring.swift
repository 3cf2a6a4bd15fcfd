public import CharterCore
public import CharterRegistry
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// `charter catalog retire`: removes the files a certificate published — the synthetic data and the
/// reports — each only if it still has the digest the publication recorded, records the retirement,
/// and keeps the certificate file and its catalogue entry, so that it still verifies, as retired.
///
/// A file whose digest differs, a link, anything not a plain file, and any recorded path that
/// is not inside the publication's folder is kept and reported, never deleted.
public struct Retirement: Sendable {
    /// A file kept, and why.
    public struct Kept: Sendable, Equatable {
        public var path: String
        public var reason: String
    }

    public var certificateID: String
    /// Files removed now.
    public var removed: [String]
    /// Files kept, with the reason.
    public var kept: [Kept]
    /// Files already gone.
    public var absent: [String]
    /// The retirement's event; `nil` when it was retired before (a repeat removes what is left).
    public var event: LifecycleEvent?
    /// When it was retired first, for a repeat.
    public var retiredAt: Timestamp?

    /// Retires the certificate `reference` names.
    public static func retire(
        _ reference: String, registry: any RegistryStore, store: any InputStore, actor: String, instant: ActingInstant
    ) throws(LifecycleFailure) -> Retirement {
        let named = try LifecycleCertificate(reference, registry: registry, store: store)
        let id = named.record.id
        let events = try lifecycleRead { () throws(RegistryError) in try registry.lifecycleEvents(certificate: id) }
        let context = LifecycleContext(certificate: named.record, events: events)
        guard let publication = try context.readPublication() else {
            throw LifecycleFailure(
                "certificate \(id) has no publication record: charter does not know which files it published", .denied)
        }
        var plan = Retirement(certificateID: id, removed: [], kept: [], absent: [], event: nil, retiredAt: nil)
        var remove: [String] = []
        for file in publication.files {
            if file.sha256 == named.record.digest {
                plan.kept.append(
                    Kept(path: file.path, reason: "the certificate is kept so that it verifies as retired"))
                continue
            }
            if let problem = Self.pathProblem(file.path, directory: publication.directory) {
                plan.kept.append(Kept(path: file.path, reason: problem))
                continue
            }
            switch Self.inspect(file.path) {
            case .absent: plan.absent.append(file.path)
            case .notPlain: plan.kept.append(Kept(path: file.path, reason: "not a plain file (a link or a folder)"))
            case .plain:
                guard let bytes = store.contents(of: file.path) else {
                    plan.kept.append(Kept(path: file.path, reason: "cannot be read"))
                    continue
                }
                let digest = ContentDigest.sha256(bytes)
                if digest == file.sha256 {
                    remove.append(file.path)
                } else {
                    plan.kept.append(
                        Kept(
                            path: file.path,
                            reason:
                                "its digest \(digest) is not the published \(file.sha256): changed since, not deleted"))
                }
            }
        }
        let details: JSONValue = [
            "remove": .array(remove.map(JSONValue.string)), "absent": .array(plan.absent.map(JSONValue.string)),
            "kept": .array(plan.kept.map { ["path": .string($0.path), "reason": .string($0.reason)] }),
        ]
        let recorded = try lifecycleRead { () throws(RegistryError) in
            try registry.recordLifecycle(certificate: id, actor: actor, at: instant.timestamp) {
                (now) -> LifecycleEntry? in
                guard now.retirement == nil else { return nil }
                return LifecycleEntry(
                    kind: .retirement, outcome: "retired", details: details,
                    summary: ["removed": .integer(remove.count), "kept": .integer(plan.kept.count)])
            }
        }
        plan.event = recorded.event
        plan.retiredAt = recorded.context.retirement?.at
        for path in remove {
            if unlink(path) == 0 {
                plan.removed.append(path)
            } else {
                plan.kept.append(Kept(path: path, reason: "could not be deleted: \(String(cString: strerror(errno)))"))
            }
        }
        return plan
    }

    enum Inspection { case absent, plain, notPlain }

    /// What is at `path`, without following a link.
    static func inspect(_ path: String) -> Inspection {
        var status = stat()
        guard lstat(path, &status) == 0 else { return .absent }
        return (status.st_mode & S_IFMT) == S_IFREG ? .plain : .notPlain
    }

    /// Why a recorded path must not be deleted: outside the publication's folder, or a path with `..`.
    static func pathProblem(_ path: String, directory: String) -> String? {
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        if components.contains("..") || components.contains(".") || path.contains("\0") {
            return "the recorded path has '.' or '..' components: not deleted"
        }
        let folder = directory.hasSuffix("/") ? directory : directory + "/"
        guard !directory.isEmpty, path.hasPrefix(folder), !path.dropFirst(folder.count).contains("/") else {
            return "the recorded path is not directly in the publication folder \"\(directory)\": not deleted"
        }
        return nil
    }

    /// The outcome as JSON.
    public var json: JSONValue {
        [
            "certificate": .string(certificateID), "event": event.map { .integer(Int($0.id)) } ?? .null,
            "retired_at": retiredAt.map { .string($0.description) } ?? event.map { .string($0.at.description) }
                ?? .null,
            "removed": .array(removed.map(JSONValue.string)), "absent": .array(absent.map(JSONValue.string)),
            "kept": .array(kept.map { ["path": .string($0.path), "reason": .string($0.reason)] }),
        ]
    }

    /// The outcome in plain text.
    public var text: String {
        var lines = [
            event.map { "retired \(certificateID) (event \($0.id), \($0.at))" }
                ?? "\(certificateID) was already retired\(retiredAt.map { " at \($0)" } ?? "")"
        ]
        lines += removed.map { "  removed \($0)" }
        lines += absent.map { "  already gone \($0)" }
        lines += kept.map { "  kept \($0.path): \($0.reason)" }
        return lines.joined(separator: "\n") + "\n"
    }
}
