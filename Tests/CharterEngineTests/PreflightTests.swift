import CharterCore
import CharterData
import CharterPlan
import CharterPolicy
import CharterRegistry
import CharterSynth
import CharterTestSupport
import Foundation
import Testing

@testable import CharterEngine

/// What would fail after the budget is spent is refused before it is reserved: a changed external
/// tool, and outputs that would land outside the output folder or cannot be written.
@Suite struct PreflightTests {
    /// The run is refused at `stage` with a message containing `text`, and the ledger holds nothing.
    static func expectRefusedBeforeReserving(
        _ fixture: EngineFixture, _ plan: Plan, stage: String, _ text: String,
        generator: any SyntheticDataGenerator = ResamplingGenerator(),
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws {
        #expect(sourceLocation: sourceLocation) {
            try fixture.engine(generator).run(plan: plan, request: EngineFixture.request)
        } throws: { error in
            let error = error as? EngineError
            return error?.kind == .refused && error?.stage == stage && error?.message.contains(text) == true
        }
        // No reservation, not even the source's registration: nothing was written to the ledger.
        #expect(try fixture.registry.budgets(at: EngineFixture.now).isEmpty, sourceLocation: sourceLocation)
        #expect(
            try fixture.registry.auditRecords().allSatisfy { !$0.action.contains("reserve") },
            sourceLocation: sourceLocation)
        #expect(try fixture.registry.certificates().isEmpty, sourceLocation: sourceLocation)
    }

    @Test("an absolute or climbing publish folder is refused before any budget is reserved")
    func outsideOutputFolder() throws {
        let fixture = try EngineFixture()
        defer { fixture.remove() }
        let elsewhere = fixture.directory.appendingPathComponent("elsewhere").path
        try Self.expectRefusedBeforeReserving(
            fixture, fixture.plan(publishDirectory: elsewhere), stage: "publish", "is not under the output folder")
        try Self.expectRefusedBeforeReserving(
            fixture, fixture.plan(publishDirectory: "/tmp/charter-\(UUID().uuidString)"), stage: "publish",
            "is not under the output folder")
        let climbing = fixture.directory.appendingPathComponent("out/REQ-T/../../escaped").path
        try Self.expectRefusedBeforeReserving(
            fixture, fixture.plan(publishDirectory: climbing), stage: "publish", "is not under the output folder")
        #expect(!FileManager.default.fileExists(atPath: fixture.directory.appendingPathComponent("escaped").path))
    }

    @Test("a symbolic link out of the output folder is refused before any budget is reserved")
    func symbolicLinkEscape() throws {
        let fixture = try EngineFixture()
        defer { fixture.remove() }
        let out = fixture.directory.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let target = fixture.directory.appendingPathComponent("target")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: out.appendingPathComponent("REQ-T").path, withDestinationPath: target.path)
        try Self.expectRefusedBeforeReserving(fixture, fixture.plan(), stage: "publish", "resolves to")
        #expect(try FileManager.default.contentsOfDirectory(atPath: target.path).isEmpty)
    }

    @Test("an output folder that cannot be created is refused before any budget is reserved")
    func unwritableOutputFolder() throws {
        let fixture = try EngineFixture()
        defer { fixture.remove() }
        // `out` is a file, so `out/REQ-T` cannot be made (a mode would not stop root).
        try Data("not a folder".utf8).write(to: fixture.directory.appendingPathComponent("out"))
        try Self.expectRefusedBeforeReserving(fixture, fixture.plan(), stage: "publish", "is not a folder")
        let long = fixture.directory.appendingPathComponent("out/" + String(repeating: "x", count: 300)).path
        try? FileManager.default.removeItem(at: fixture.directory.appendingPathComponent("out"))
        try Self.expectRefusedBeforeReserving(
            fixture, fixture.plan(publishDirectory: long), stage: "publish", "too long to name a file")
    }

    @Test("an external tool edited after planning is refused before any budget is reserved")
    func editedTool() throws {
        let fixture = try EngineFixture()
        defer { fixture.remove() }
        let tool = fixture.directory.appendingPathComponent("tool.sh")
        try Data("#!/bin/sh\ncp input.csv output.csv\n".utf8).write(to: tool)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: tool.path)
        let pins = try ExternalTool.resolve([tool.path]).pins
        #expect(pins.map(\.role) == ["program", "interpreter"])
        let plan = fixture.plan(generator: "external", command: [tool.path], tool: pins)
        try Data("#!/bin/sh\ncp input.csv output.csv\ncp input.csv /tmp/stolen.csv\n".utf8).write(to: tool)
        try Self.expectRefusedBeforeReserving(
            fixture, plan, stage: "generate", "program '\(tool.path)' changed", generator: ExternalGenerator())
        // A plan that pins no tool does not run one either.
        try Self.expectRefusedBeforeReserving(
            fixture, fixture.plan(generator: "external", command: [tool.path]), stage: "generate",
            "the plan pins no external tool", generator: ExternalGenerator())
    }

    @Test("the engine hands the plan's pins to the external generator")
    func pinsReachTheGenerator() throws {
        var stage = GenerateStage(
            generator: "external", differentiallyPrivate: false, epsilon: nil, delta: nil, seed: 1, rows: 1,
            declaredColumns: [], command: ["/bin/true"], calibration: "x")
        stage.tool = [
            PinnedToolFile(
                role: "program", path: "/usr/bin/true", sha256: "sha256:" + String(repeating: "0", count: 64))
        ]
        let parameters = PlanRun.generatorParameters(stage)
        #expect(parameters["command"] == ["/bin/true"])
        #expect(parameters[ExternalGenerator.pinnedToolParameter]?[0]?["sha256"]?.stringValue == stage.tool?[0].sha256)
    }
}

/// A generator whose rows carry spreadsheet formulas, as a hostile external tool's might.
struct FormulaGenerator: SyntheticDataGenerator {
    var name = "test-resampling"
    var version = "0.0.1"
    var isDifferentiallyPrivate = true

    func generate(training: Table, rowCount: Int, settings: GeneratorSettings) throws(GeneratorError)
        -> GeneratorOutput
    {
        var output = try ResamplingGenerator().generate(training: training, rowCount: rowCount, settings: settings)
        let columns = output.table.columns.map { column -> Column in
            guard column.name == "horTh" else { return column }
            let values: [String?] = (0..<rowCount).map { row in
                row == 0
                    ? "=HYPERLINK(\"http://evil.example\",\"x\")" : row == 1 ? "@SUM(1)" : (row % 2 == 0 ? "yes" : "no")
            }
            return Column(name: column.name, values: .categorical(CategoricalValues(values)))
        }
        output.table = Table(columns: columns)
        return output
    }
}

@Suite struct PublishedCSVSafetyTests {
    @Test("published synthetic data has formula cells neutralised, and the certificate states the rule")
    func neutralisedAndRecorded() throws {
        let fixture = try EngineFixture()
        defer { fixture.remove() }
        let outcome = try fixture.engine(FormulaGenerator()).run(plan: fixture.plan(), request: EngineFixture.request)
        guard case .published(let run) = outcome else {
            Issue.record("expected a published run, got \(outcome)")
            return
        }
        let synthetic = try String(contentsOfFile: run.syntheticPath, encoding: .utf8)
        let lines = synthetic.split(separator: "\n")
        #expect(lines[1].hasPrefix("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\","))
        #expect(lines[2].hasPrefix("\"'@SUM(1)\","))
        #expect(run.certificate.lineage.synthetic.csvSafety == CSVWriter.formulaRule)
        #expect(ContentDigest.sha256(synthetic) == run.certificate.lineage.synthetic.sha256)
        let certificate = try String(contentsOfFile: run.certificatePath, encoding: .utf8)
        #expect(certificate.contains("\"csv_safety\""))
    }
}
