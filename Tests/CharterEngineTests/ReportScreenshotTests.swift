import CharterTestSupport
import Foundation
import Testing

@testable import CharterEngine

/// `scripts/report-screenshot.sh` opens a published report.html in headless Chromium and the PNG
/// shows the page with its plots. Skipped, with a message, where no Chromium is on PATH.
@Suite("The HTML report in headless Chromium", .serialized)
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

    @Test("the script refuses bad arguments and missing files")
    func usage() throws {
        #expect(try Self.run([]).status == 2)
        #expect(try Self.run(["/nonexistent/report.html", "/tmp/x.png"]).status == 2)
        #expect(try Self.run([Self.script, "/tmp/x.png", "12x"]).status == 2)
    }

    @Test(
        "a published report renders: the screenshot is a PNG far richer than a blank page's",
        .requiresChromium())
    func screenshot() throws {
        let fixture = try EngineFixture()
        defer { fixture.remove() }
        let outcome = try fixture.engine().run(
            plan: fixture.plan(utility: PlanEngineTests.passing), request: EngineFixture.request)
        guard case .published(let run) = outcome else {
            Issue.record("expected a published run")
            return
        }
        let png = fixture.directory.appendingPathComponent("report.png").path
        let result = try Self.run([run.reportHTMLPath, png, "1200x1800"])
        #expect(result.status == 0, "\(result.output)")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: png)))
        #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        // A blank page of the same size compresses to almost nothing; plots and tables do not.
        let blank = fixture.directory.appendingPathComponent("blank.html")
        try Data("<!DOCTYPE html><html><body></body></html>".utf8).write(to: blank)
        let blankPNG = fixture.directory.appendingPathComponent("blank.png").path
        #expect(try Self.run([blank.path, blankPNG, "1200x1800"]).status == 0)
        let blankSize = try Data(contentsOf: URL(fileURLWithPath: blankPNG)).count
        #expect(bytes.count > 20_000)
        #expect(bytes.count > 5 * blankSize, "report \(bytes.count) bytes, blank \(blankSize) bytes")
        if let keep = ProcessInfo.processInfo.environment["CHARTER_KEEP_SCREENSHOT"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(atPath: png, toPath: keep)
        }
    }
}
