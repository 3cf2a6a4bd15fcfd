internal import CharterCore
internal import CharterPlan
internal import CharterSynth

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

extension PlanRun {
    /// Everything that would otherwise fail after the budget is spent, checked before it is
    /// reserved (issue 16): the external tool is the one the plan pinned, and the outputs can be
    /// written where they belong.
    func preflight(generate: GenerateStage, publish: PublishStage) throws(EngineError) {
        try checkSettingsRefusedByPlan()
        try checkExternalTool(generate)
        try Self.checkOutputs(publish, root: environment.outputRoot ?? PublishStage.defaultRoot)
    }

    /// Blocking plan warnings that the generator would only meet after the source is read: a DP-SGD
    /// configuration validate-config refuses (a noise multiplier beyond the usable bound, unknown
    /// rows) and a class mix the plan cannot hand on. Refused here, before any data is read or any
    /// budget reserved.
    func checkSettingsRefusedByPlan() throws(EngineError) {
        let refused = plan.blockingWarnings.filter { $0.code.hasPrefix("dp-sgd-") || $0.code.hasPrefix("class-mix-") }
        guard let first = refused.first else { return }
        throw EngineError(
            .refused, stage: "generate",
            "the plan refuses the generator's settings before any data is read (\(first.code)): \(first.message)")
    }

    /// An external generator runs only with the files the plan pinned, byte for byte.
    func checkExternalTool(_ generate: GenerateStage) throws(EngineError) {
        guard generate.generator == "external" else { return }
        guard let pinned = generate.tool, let command = generate.command else {
            throw EngineError(
                .refused, stage: "generate",
                "the plan pins no external tool (\(DiagnosticCode.externalToolChanged.id)); make the plan where the tool can be read"
            )
        }
        let now: [PinnedToolFile]
        do throws(GeneratorError) {
            now = try ExternalTool.resolve(command).pins
        } catch {
            throw EngineError(.refused, stage: "generate", "the external tool cannot be read: \(error.message)")
        }
        let changes = PinnedToolFile.changes(planned: pinned, current: now)
        guard changes.isEmpty else {
            throw EngineError(
                .refused, stage: "generate",
                "the external tool is not the one the plan pinned (\(DiagnosticCode.externalToolChanged.id)): "
                    + changes.joined(separator: "; "))
        }
    }

    /// The publish folder lies under `root` once symbolic links are resolved, every file name fits
    /// the file system, and the nearest folder that exists is a folder Charter may write to.
    static func checkOutputs(_ publish: PublishStage, root: String) throws(EngineError) {
        func refuse(_ message: String) -> EngineError { EngineError(.refused, stage: "publish", message) }
        for path in [publish.directory, publish.synthetic, publish.certificate, publish.reportJSON, publish.reportHTML]
        {
            guard path.utf8.count < Int(PATH_MAX) else { throw refuse("\"\(path)\" is too long a path") }
            if let long = path.split(separator: "/").first(where: { $0.utf8.count > 255 }) {
                throw refuse("\"\(long)\" is too long to name a file (255 bytes at most)")
            }
            guard !path.utf8.contains(0) else { throw refuse("an output path holds a NUL byte") }
        }
        let rootReal = resolved(root)
        let directoryReal = resolved(publish.directory)
        guard directoryReal == rootReal || directoryReal.hasPrefix(rootReal.hasSuffix("/") ? rootReal : rootReal + "/")
        else {
            throw refuse(
                "\"\(publish.directory)\" is not under the output folder \"\(root)\" (it resolves to \"\(directoryReal)\"); "
                    + "outputs are written only under the output folder")
        }
        // The nearest folder that exists must be a folder Charter can create the rest in.
        var existing = publish.directory
        var info = stat()
        while stat(existing, &info) != 0 {
            guard errno == ENOENT || errno == ENOTDIR else {
                throw refuse("cannot examine \"\(existing)\": \(String(cString: strerror(errno)))")
            }
            existing = parent(of: existing)
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw refuse("\"\(existing)\" is not a folder, so \"\(publish.directory)\" cannot be created")
        }
        guard access(existing, W_OK | X_OK) == 0 else {
            throw refuse("the output folder \"\(existing)\" is not writable: \(String(cString: strerror(errno)))")
        }
    }

    /// The folder holding `path` (`.` for a bare name, `/` for the root).
    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// `path` absolute with every symbolic link in its existing part resolved; the part that does
    /// not exist yet is appended as written.
    static func resolved(_ path: String) -> String {
        var existing = path
        var missing: [Substring] = []
        while true {
            if let real = realpath(existing, nil) {
                defer { free(real) }
                var components = String(cString: real).split(separator: "/")
                for part in missing.reversed() {
                    // The part that does not exist yet has no links: `.` and `..` are read lexically.
                    if part == ".." {
                        _ = components.popLast()
                    } else if part != "." && !part.isEmpty {
                        components.append(part)
                    }
                }
                return "/" + components.joined(separator: "/")
            }
            guard let slash = existing.lastIndex(of: "/") else {
                missing.append(Substring(existing))
                existing = "."
                continue
            }
            missing.append(existing[existing.index(after: slash)...])
            existing = slash == existing.startIndex ? "/" : String(existing[..<slash])
        }
    }
}
