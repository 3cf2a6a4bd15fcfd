import CharterCore
import CharterEngine
import CharterPlan
import CharterRegistry
import CharterWorkflow
import Foundation
import Testing

/// `run` as library calls: plan on bytes handed in, then execute against a registry and key in a
/// throwaway folder; the certificate it publishes verifies, and the outcome's JSON says so.
@Suite("running a plan", .serialized)
struct RunExecutionTests {
    /// A folder with a small table, removed with the value.
    final class Folder {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("charter-run-\(UUID().uuidString)")
        init() throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(at: url) }
        func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    }

    /// 400 rows: two numeric columns, a category and a label that depends on them (seeded).
    static func table() -> String {
        var random = SplitMix64(seed: 7)
        var text = "age,dose,site,label\n"
        for _ in 0..<400 {
            let age = Int.random(in: 20...90, using: &random)
            let dose = Double(Int.random(in: 0...1000, using: &random)) / 10
            let site = ["a", "b", "c"][Int.random(in: 0..<3, using: &random)]
            let label = (Double(age) / 90 + dose / 100 + Double.random(in: 0...0.6, using: &random)) > 1.1 ? 1 : 0
            text += "\(age),\(dose),\(site),\(label)\n"
        }
        return text
    }

    @Test("plan, execute and verify, all through the workflow; the output folder is where --out says")
    func publishes() throws {
        let folder = try Folder()
        let csv = Self.table()
        try csv.write(toFile: folder.path("clinic.csv"), atomically: true, encoding: .utf8)
        let request = WorkflowFixture.request(id: "REQ-RUN-1")
            .replacingOccurrences(of: "data/clinic.csv", with: folder.path("clinic.csv"))
            .replacingOccurrences(
                of: "sha256:" + String(repeating: "a", count: 64), with: ContentDigest.sha256(Array(csv.utf8)))
        let store = WorkflowFixture.store(requests: ["requests/r.yaml": request])
        guard
            case .planned(let plan, let inputs) = Planning.plan(
                requestFile: "requests/r.yaml", policyPath: "policies", registry: RegistryLocation(path: folder.path("registry.sqlite"), isNamed: true),
                instant: WorkflowFixture.instant, store: store)
        else {
            Issue.record("no plan")
            return
        }
        let opened = try RunExecution.open(
            registry: RegistryLocation(path: folder.path("registry.sqlite"), isNamed: true), keyPath: folder.path("signing-key"),
            instant: WorkflowFixture.instant, actor: "alice", outputRoot: folder.path("published"), progress: nil
        ).get()
        #expect(opened.createdKey)
        let outcome = opened.execution.execute(plan: plan, inputs: inputs)
        guard case .published(let run, let verification) = outcome else {
            Issue.record("not published: \(outcome.json(plan: plan))")
            return
        }
        #expect(verification.isValid)
        #expect(outcome.status == .clean)
        #expect(run.certificatePath == folder.path("published") + "/REQ-RUN-1/certificate.json")
        #expect(outcome.json(plan: plan)["outcome"] == "published")
        #expect(outcome.json(plan: plan)["verified"] == true)
        // The catalogue knows it, and a second run of the same plan refuses to overwrite it.
        #expect(try opened.execution.registry.certificates().map(\.id) == [run.certificate.id])
        guard case .failed(let error) = opened.execution.execute(plan: plan, inputs: inputs) else {
            Issue.record("published over an earlier run")
            return
        }
        #expect(error.kind == .refused && error.stage == "publish")
        #expect(ExecutionOutcome.failed(error).status == .denied)
    }

    @Test("a registry that cannot be opened is unreadable input, before anything runs")
    func unopenableRegistry() throws {
        let folder = try Folder()
        try "not a database".write(toFile: folder.path("registry.sqlite"), atomically: true, encoding: .utf8)
        let opened = RunExecution.open(
            registry: RegistryLocation(path: folder.path("registry.sqlite"), isNamed: true), keyPath: folder.path("signing-key"),
            instant: WorkflowFixture.instant, actor: "alice", outputRoot: nil, progress: nil)
        guard case .failure(let error) = opened else {
            Issue.record("opened a file that is not a registry")
            return
        }
        #expect(error.kind == .unreadable && error.stage == "registry")
        #expect(ExecutionOutcome.failed(error).status == .unreadable)
        #expect(!FileManager.default.fileExists(atPath: folder.path("signing-key")))
    }
}
