import CharterCore
import Foundation
import Testing

/// `--out DIR`: where `run` and `apply` publish, in place of the plan's `out/`.
@Suite("charter run --out", .serialized)
struct RunOutputFolderTests {
    @Test("run --out publishes under DIR/ID, writes nothing under out/, and the certificate verifies there")
    func publishesUnderOut() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "charter-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for folder in ["policies", "examples"] {
            try FileManager.default.copyItem(
                at: CLIRunner.packageRoot.appendingPathComponent(folder), to: directory.appendingPathComponent(folder))
        }
        let run = try CLIRunner.run(
            [
                "run", "examples/requests/allowed-breast-cancer-software-testing.yaml", "--out", "published/batch-7",
                "--format", "json",
            ], in: directory)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let files = try JSONParser().parse(run.stdout)["files"]
        #expect(files?["certificate"] == "published/batch-7/REQ-2026-0202/certificate.json")
        #expect(files?["synthetic"] == "published/batch-7/REQ-2026-0202/synthetic.csv")
        for name in ["synthetic.csv", "certificate.json", "report.json", "report.html"] {
            let path = directory.appendingPathComponent("published/batch-7/REQ-2026-0202/\(name)").path
            #expect(FileManager.default.fileExists(atPath: path), "\(name)")
        }
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out").path))
        let verify = try CLIRunner.run(
            ["cert", "verify", "published/batch-7/REQ-2026-0202/certificate.json"], in: directory)
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }

    @Test("an empty --out is a usage error")
    func emptyOut() throws {
        let run = try CLIRunner.run(["run", "r.yaml", "--out", ""])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--out must name a folder"))
    }
}
