import Foundation
public import Testing

/// Headless Chromium (Debian's `chromium`) for the screenshot checks of report.html and the
/// server's dashboard, through `scripts/report-screenshot.sh`.
public enum Chromium {
    /// The browser on PATH, or `nil` when there is none.
    public static let path: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            for name in ["chromium", "chromium-browser", "google-chrome"] {
                let candidate = "\(directory)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }()

    /// Whether a missing browser fails the tests that need it (`CHARTER_REQUIRE_CHROMIUM=1`, which
    /// `.ci/run` sets after installing it) instead of skipping them.
    public static var required: Bool {
        ProcessInfo.processInfo.environment["CHARTER_REQUIRE_CHROMIUM"] == "1"
    }

    /// `scripts/report-screenshot.sh` in this checkout.
    public static var screenshotScript: String {
        Fixtures.packageRoot.appendingPathComponent("scripts/report-screenshot.sh").path
    }

    /// Runs `scripts/report-screenshot.sh PAGE OUT.png [SIZE]`; with `scripts: false` the page is
    /// rendered with JavaScript disabled. Returns the exit status and what the script printed.
    public static func screenshot(
        _ page: String, to png: String, size: String? = nil, scripts: Bool = true
    ) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [screenshotScript, page, png] + (size.map { [$0] } ?? [])
        var environment = ProcessInfo.processInfo.environment
        environment["CHARTER_SCREENSHOT_SCRIPTS"] = scripts ? "on" : "off"
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }
}

/// The browser a test needs is missing, while `CHARTER_REQUIRE_CHROMIUM=1`.
public struct MissingChromium: Error, CustomStringConvertible {
    public var description: String { "no chromium on PATH, and CHARTER_REQUIRE_CHROMIUM=1" }
}

extension Trait where Self == ConditionTrait {
    /// Runs the test only where headless Chromium is on PATH. Elsewhere it is skipped and the
    /// runner prints why; with `CHARTER_REQUIRE_CHROMIUM=1` it fails instead.
    public static func requiresChromium(sourceLocation: SourceLocation = #_sourceLocation) -> Self {
        .enabled(
            Comment(
                rawValue: "no chromium on PATH: install Debian's chromium to run the screenshot check "
                    + "(CHARTER_REQUIRE_CHROMIUM=1 makes this a failure)"),
            sourceLocation: sourceLocation
        ) {
            if Chromium.path != nil { return true }
            if Chromium.required { throw MissingChromium() }
            return false
        }
    }
}
