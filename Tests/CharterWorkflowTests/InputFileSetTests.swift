import CharterCore
import CharterWorkflow
import Testing

@Suite("the files an operation is named")
struct InputFileSetTests {
    let store = InMemoryInputStore([
        "policies/base.yaml": Array("a".utf8),
        "policies/team/overlay.YML": Array("b".utf8),
        "policies/.hidden/secret.yaml": Array("c".utf8),
        "policies/notes.txt": Array("d".utf8),
        "requests/one.yaml": Array("e".utf8),
    ])

    @Test("directories are walked sorted, hidden entries and other extensions skipped")
    func walk() {
        let set = InputFileSet(paths: ["policies", "requests/one.yaml"], extensions: ["yaml", "yml"], in: store)
        #expect(set.files == ["policies/base.yaml", "policies/team/overlay.YML", "requests/one.yaml"])
        #expect(set.problems.isEmpty)
    }

    @Test("a missing path and a folder without inputs are problems, not silence")
    func problems() {
        let set = InputFileSet(paths: ["missing", "requests/"], extensions: ["json"], in: store)
        #expect(set.files.isEmpty)
        #expect(set.problems.map(\.code) == [.unreadableInput, .noInputs])
        #expect(set.problems.map(\.message) == ["no such file or directory \"missing\"", "no .json files under \"requests/\""])
    }

    @Test("reading a file that is not there is a located diagnostic")
    func unreadable() {
        guard case .failure(let error) = store.read("policies/none.yaml") else {
            Issue.record("read a missing file")
            return
        }
        #expect(error.diagnostic.location == .file("policies/none.yaml"))
    }
}
