internal import CharterPlan

#if canImport(FoundationEssentials)
    internal import FoundationEssentials
#else
    internal import Foundation
#endif
#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Musl)
    internal import Musl
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// Puts a run's files in place all or nothing: staged in a hidden folder beside them, then each
/// renamed into place (a rename within one file system is atomic), the certificate last.
enum OutputPublisher {
    /// Refuses before anything runs when an output file is already there: a run never overwrites
    /// data another certificate covers.
    static func checkFree(_ publish: PublishStage) throws(EngineError) {
        for path in [publish.synthetic, publish.certificate, publish.reportJSON, publish.reportHTML]
        where FileManager.default.fileExists(atPath: path) {
            throw EngineError(
                .refused, stage: "publish",
                "\"\(path)\" already exists; a run never overwrites published outputs (move them away, or set output.path)"
            )
        }
    }

    /// Writes `files` to a staging folder in `directory`, runs `record` (the catalogue entry),
    /// then moves each file into place. If `record` throws, nothing is published; if a move fails,
    /// the moved files are removed and `rollback` runs.
    static func publish(
        _ files: [(path: String, text: String)], directory: String, record: () throws(EngineError) -> Void,
        rollback: () -> Void
    ) throws(EngineError) {
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw EngineError(.failed, stage: "publish", "cannot create \"\(directory)\": \(error)")
        }
        let staging = directory + "/.charter-staging-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? manager.removeItem(atPath: staging) }
        do {
            try manager.createDirectory(atPath: staging, withIntermediateDirectories: false)
        } catch {
            throw EngineError(.failed, stage: "publish", "cannot create the staging folder \"\(staging)\": \(error)")
        }
        var staged: [(from: String, to: String)] = []
        for (index, file) in files.enumerated() {
            let path = staging + "/\(index)"
            guard manager.createFile(atPath: path, contents: Data(file.text.utf8)) else {
                throw EngineError(.failed, stage: "publish", "cannot write \"\(path)\"")
            }
            staged.append((path, file.path))
        }
        try checkFree(files.map(\.path))
        try record()
        var moved: [String] = []
        for (from, to) in staged {
            guard rename(from, to) == 0 else {
                let reason = String(cString: strerror(errno))
                for path in moved { try? manager.removeItem(atPath: path) }
                rollback()
                throw EngineError(
                    .failed, stage: "publish",
                    "cannot move \"\(to)\" into place (\(reason)); nothing is published and the certificate is revoked")
            }
            moved.append(to)
        }
    }

    private static func checkFree(_ paths: [String]) throws(EngineError) {
        for path in paths where FileManager.default.fileExists(atPath: path) {
            throw EngineError(
                .refused, stage: "publish", "\"\(path)\" appeared while the run was going; nothing is published")
        }
    }
}
