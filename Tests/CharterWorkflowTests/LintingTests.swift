import CharterCore
import CharterWorkflow
import Testing

/// `lint` as a library call, on files handed in as bytes.
@Suite("linting")
struct LintingTests {
    @Test("a clean policy and request lint clean")
    func clean() {
        let linting = Linting(paths: ["policies", "requests"], in: WorkflowFixture.store())
        #expect(linting.files == ["policies/clinic.yaml", "requests/r.yaml"])
        #expect(!linting.fails(strict: true), "\(linting.diagnostics.map(\.message))")
        #expect(!linting.hasUnreadableInput)
    }

    @Test("an overlay whose base is missing, a YAML error and a missing path are each reported")
    func problems() {
        var store = WorkflowFixture.store()
        store["policies/team.yaml"] = Array(
            "charter: 1\nkind: policy\nname: team\nversion: 1.0.0\nextends: ../base/missing.yaml\n".utf8)
        store["requests/bad.yaml"] = Array("a: [\n".utf8)
        let linting = Linting(paths: ["policies", "requests", "nowhere"], in: store)
        #expect(linting.hasUnreadableInput)
        #expect(linting.fails(strict: false))
        let files = Set(linting.diagnostics.compactMap { $0.location?.file })
        #expect(files.isSuperset(of: ["policies/team.yaml", "requests/bad.yaml"]))
        #expect(linting.diagnostics.contains { $0.message.contains("missing.yaml") })
        #expect(linting.sources["requests/bad.yaml"] == "a: [\n")
    }
}
