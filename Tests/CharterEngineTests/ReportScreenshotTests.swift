import CharterCore
import CharterTestSupport
import Foundation
import Testing

@testable import CharterEngine

/// The reports of real engine runs, a published one and a gate failure: valid HTML by html5lib, and
/// drawn by headless Chromium with JavaScript off (`scripts/report-screenshot.sh`). Each check
/// skips, with a message, where its tool is missing (unless CI requires it).
@Suite("Engine run reports: html5lib and headless Chromium", .serialized)
struct ReportScreenshotTests {
    static let root = Fixtures.packageRoot
    static let script = root.appendingPathComponent("scripts/report-screenshot.sh").path

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [script] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    /// A published run's report.html, and the page of a run the TSTR gate stopped (rendered from the
    /// run's report: a failed run writes nothing).
    static func pages(_ fixture: EngineFixture) throws -> (published: String, failed: String) {
        // The attack runs for the report; the resampling test generator copies rows, so it is not gated.
        let privacy = PlanEngineTests.privacy.filter { !$0.metric.hasPrefix("membership_inference") }
        let outcome = try fixture.engine(realAttack: true).run(
            plan: fixture.plan(privacy: privacy, utility: PlanEngineTests.passing),
            request: EngineFixture.request)
        guard case .published(let run) = outcome else { throw ReportTestFailure("expected a published run") }
        let failing = [EngineFixture.check("tstr.ratio_min", "tstr.ratio", .atLeast, Decimal(string: "0.99")!)]
        let plan = fixture.plan(
            privacy: PlanEngineTests.privacy, utility: failing,
            publishDirectory: fixture.directory.appendingPathComponent("out/REQ-F").path)
        let failedOutcome = try fixture.engine(ResamplingGenerator(independent: true)).run(
            plan: plan, request: EngineFixture.request)
        guard case .gateFailed(let failed) = failedOutcome else { throw ReportTestFailure("expected a gate failure") }
        let failedPage = fixture.directory.appendingPathComponent("failed-report.html")
        try Data(ReportHTMLRenderer().render(failed.report).utf8).write(to: failedPage)
        return (run.reportHTMLPath, failedPage.path)
    }

    @Test("the script refuses bad arguments and missing files")
    func usage() throws {
        #expect(try Self.run([]).status == 2)
        #expect(try Self.run(["/nonexistent/report.html", "/tmp/x.png"]).status == 2)
        #expect(try Self.run([Self.script, "/tmp/x.png", "12x"]).status == 2)
    }

    @Test("html5lib parses both reports with no error, nothing in them runs or fetches", .requiresPython("html5lib"))
    func valid() throws {
        let fixture = try EngineFixture()
        defer { fixture.remove() }
        let pages = try Self.pages(fixture)
        for page in [pages.published, pages.failed] {
            let result = try ReportValidator.validate(file: page)
            #expect(result.status == 0, "\(page): \(result.output)")
        }
        let failed = try String(contentsOfFile: pages.failed, encoding: .utf8)
        #expect(failed.contains("Not released"))
        #expect(failed.contains("tstr.ratio_min"))
        let published = try String(contentsOfFile: pages.published, encoding: .utf8)
        #expect(published.contains("Released: every gate passed"))
        #expect(published.contains("Membership inference"))
        #expect(published.contains("<polyline"))  // the attack's ROC curve
        #expect(published.contains("to holdout"))  // the DCR histogram
    }

    @Test(
        "both reports render with JavaScript off: PNGs far richer than a blank page's",
        .requiresChromium())
    func screenshot() throws {
        let fixture = try EngineFixture()
        defer { fixture.remove() }
        let pages = try Self.pages(fixture)
        let blank = fixture.directory.appendingPathComponent("blank.html")
        try Data("<!DOCTYPE html><html><body></body></html>".utf8).write(to: blank)
        let blankPNG = fixture.directory.appendingPathComponent("blank.png").path
        #expect(try Chromium.screenshot(blank.path, to: blankPNG, size: "1200x1800", scripts: false).status == 0)
        let blankSize = try Data(contentsOf: URL(fileURLWithPath: blankPNG)).count
        for (name, page) in [("published", pages.published), ("failed", pages.failed)] {
            let png = fixture.directory.appendingPathComponent("\(name).png").path
            let result = try Chromium.screenshot(page, to: png, size: "1200x1800", scripts: false)
            #expect(result.status == 0, "\(result.output)")
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: png)))
            #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
            // A blank page of the same size compresses to almost nothing; plots and tables do not.
            #expect(bytes.count > 20_000)
            #expect(bytes.count > 5 * blankSize, "\(name) \(bytes.count) bytes, blank \(blankSize) bytes")
            if let keep = ProcessInfo.processInfo.environment["CHARTER_KEEP_SCREENSHOT"] {
                let target = keep.replacingOccurrences(of: ".png", with: "-\(name).png")
                try? FileManager.default.removeItem(atPath: target)
                try FileManager.default.copyItem(atPath: png, toPath: target)
            }
        }
    }
}

struct ReportTestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
