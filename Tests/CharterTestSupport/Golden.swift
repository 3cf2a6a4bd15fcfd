public import Foundation
public import Testing

/// Golden files: what a person reads (renderings, help pages) compared with a file in the
/// repository. `CHARTER_UPDATE_GOLDEN=1 swift test` rewrites them instead.
public enum Golden {
    /// Whether this run rewrites golden files.
    public static var updating: Bool { ProcessInfo.processInfo.environment["CHARTER_UPDATE_GOLDEN"] == "1" }

    /// Expects `actual` to be the golden file at `url` (written first when ``updating``).
    public static func expect(
        _ actual: String, matches url: URL, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        if updating {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try actual.write(to: url, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(
            actual == expected,
            "\(url.lastPathComponent) differs from its golden file; rerun with CHARTER_UPDATE_GOLDEN=1 if intended",
            sourceLocation: sourceLocation)
    }
}
