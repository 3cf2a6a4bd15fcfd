import CharterCore
import Foundation
import GRDB
import Testing

/// A scratch project for `charter run`, `plan`/`apply` and `cert verify`: a small standalone policy
/// (no membership-inference gate, so that these tests exercise the commands whatever attacks the
/// build has), gbsg2, a request, and the registry and key under `state/`.
private final class RunProject {
    let directory: URL
    static let now = "2026-11-23T10:00:00Z"
    static let policy = """
        charter: 1
        kind: policy
        name: engine-cli-test
        version: 1.0.0
        owners: [test@hospital.example]
        roles:
          data_steward: [carol@hospital.example]
        purposes: [software-testing]
        tiers:
          - name: only
            when: true
            controls:
              generators: [gaussian-copula]
              fidelity: { column_shapes_min: FIDELITY }
              tstr: { ratio_min: TSTR, metric: auc }
              expiry: { max: 365d }
        budgets:
          per_source: { epsilon: 10.0, delta: 1.0e-5 }
        """
    static let request = """
        charter: 1
        kind: generation-request
        id: REQ-CLI-1
        requester: alice@hospital.example
        purpose: PURPOSE
        audience: internal
        consumers: [ci-fixtures]
        jurisdiction: EU
        source:
          dataset: gbsg2-cli
          path: data/gbsg2.csv
          sha256: "SHA"
          rows: 686
          classification: internal
          jurisdiction: EU
          quasi_identifiers: [menostat]
          target: cens
        generator:
          type: gaussian-copula
          seed: 11
        output:
          rows: 800
        expires_at: 2027-06-30
        """

    init(fidelity: String = "0.5", tstr: String = "0.5", purpose: String = "software-testing") throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("charter-run-\(UUID().uuidString)")
        let manager = FileManager.default
        try manager.createDirectory(at: directory.appendingPathComponent("policies"), withIntermediateDirectories: true)
        try manager.createDirectory(at: directory.appendingPathComponent("data"), withIntermediateDirectories: true)
        let data = try Data(contentsOf: CLIRunner.packageRoot.appendingPathComponent("examples/data/gbsg2.csv"))
        try data.write(to: directory.appendingPathComponent("data/gbsg2.csv"))
        try write(
            "policies/policy.yaml",
            Self.policy.replacingOccurrences(of: "FIDELITY", with: fidelity)
                .replacingOccurrences(of: "TSTR", with: tstr))
        try write(
            "request.yaml",
            Self.request.replacingOccurrences(of: "SHA", with: ContentDigest.sha256([UInt8](data)))
                .replacingOccurrences(of: "PURPOSE", with: purpose))
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func write(_ path: String, _ text: String) throws {
        try Data(text.utf8).write(to: directory.appendingPathComponent(path))
    }

    func read(_ path: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(path), encoding: .utf8)
    }

    func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent(path).path)
    }

    static let state = ["--registry", "state/registry.sqlite", "--key", "state/signing-key"]

    func charter(_ arguments: [String]) throws -> CLIRunner.Result {
        try CLIRunner.run(arguments, in: directory)
    }

    func run(_ extra: [String] = []) throws -> CLIRunner.Result {
        try charter(["run", "request.yaml"] + Self.state + ["--now", Self.now] + extra)
    }

    func verify(_ file: String = "out/REQ-CLI-1/certificate.json", now: String = now, _ extra: [String] = [])
        throws -> CLIRunner.Result
    {
        try charter(["cert", "verify", file, "--registry", "state/registry.sqlite", "--now", now] + extra)
    }
}

@Suite("charter run, apply and cert verify", .serialized)
struct RunCommandTests {
    @Test("run publishes, the certificate verifies; an edited byte, a revocation or expiry make it fail")
    func runAndVerify() throws {
        let project = try RunProject()
        let run = try project.run()
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.contains("Published REQ-CLI-1"))
        #expect(run.stdout.contains("verified"))
        #expect(run.stderr.contains("created the signing key state/signing-key"))
        for file in ["synthetic.csv", "certificate.json", "report.json", "report.html"] {
            #expect(project.exists("out/REQ-CLI-1/\(file)"))
        }
        let mode =
            try FileManager.default.attributesOfItem(
                atPath: project.directory.appendingPathComponent("state/signing-key").path)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        let valid = try project.verify()
        #expect(valid.status == 0, "\(valid.stdout)\(valid.stderr)")
        #expect(valid.stdout.contains("valid certificate"))
        let json = try project.charter(
            [
                "cert", "verify", "out/REQ-CLI-1/certificate.json", "--format", "json", "--registry",
                "state/registry.sqlite", "--now", RunProject.now,
            ])
        let parsed = try JSONParser().parse(json.stdout)
        #expect(parsed["valid"] == true)
        let id = try #require(parsed["certificate_id"]?.stringValue)

        // One edited byte: a digit of the synthetic file's row count.
        let original = try project.read("out/REQ-CLI-1/certificate.json")
        try project.write("edited.json", original.replacingOccurrences(of: "\"rows\": 800", with: "\"rows\": 900"))
        #expect(try project.read("edited.json") != original)
        let edited = try project.verify("edited.json")
        #expect(edited.status == 1)
        #expect(edited.stdout.contains("signature"))
        #expect(edited.stdout.contains("catalogue"))

        // Expired at its expiry date.
        let expired = try project.verify(now: "2027-06-30T00:00:00Z")
        #expect(expired.status == 1)
        #expect(expired.stdout.contains("expired"))

        // Revoked through the catalogue.
        let revoke = try project.charter(
            [
                "catalog", "revoke", id, "--reason", "source withdrawn", "--actor", "bob@hospital.example",
                "--registry", "state/registry.sqlite", "--now", RunProject.now,
            ])
        #expect(revoke.status == 0, "\(revoke.stdout)\(revoke.stderr)")
        let revoked = try project.verify()
        #expect(revoked.status == 1)
        #expect(revoked.stdout.contains("revoked"))

        // Unreadable: no such file; a file that is not a certificate.
        #expect(try project.verify("missing.json").status == 2)
        try project.write("garbage.json", "not json")
        #expect(try project.verify("garbage.json").status == 2)

        // The audit chain still verifies, and a second run into the same place is refused.
        #expect(try project.charter(["audit", "verify", "--registry", "state/registry.sqlite"]).status == 0)
        let again = try project.run()
        #expect(again.status == 1)
        #expect(again.stderr.contains("already exists"))
    }

    @Test("a gate the data cannot reach publishes nothing and reports the shortfall")
    func gateFailure() throws {
        let project = try RunProject(fidelity: "0.999", tstr: "1.0")
        let run = try project.run()
        #expect(run.status == 1)
        #expect(run.stdout.contains("Not published"))
        #expect(run.stdout.contains("fidelity.column_shapes_min"))
        #expect(run.stdout.contains("short by"))
        #expect(!project.exists("out"))
        let json = try project.run(["--format", "json"])
        #expect(json.status == 1)
        let parsed = try JSONParser().parse(json.stdout)
        #expect(parsed["outcome"] == "gate-failed")
        #expect((parsed["failed"]?[0]?["shortfall"]?.doubleValue ?? 0) > 0)
    }

    @Test("a denied request stops before reading the data; a pending one names its approvals")
    func deniedAndPending() throws {
        let denied = try RunProject(purpose: "marketing")
        try FileManager.default.removeItem(at: denied.directory.appendingPathComponent("data/gbsg2.csv"))
        let run = try denied.run()
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("Denied"))
        #expect(!denied.exists("out"))
        #expect(!denied.exists("state/registry.sqlite"))

        let pending = try RunProject()
        try pending.write(
            "policies/policy.yaml",
            RunProject.policy.replacingOccurrences(of: "FIDELITY", with: "0.5").replacingOccurrences(
                of: "TSTR", with: "0.5")
                + "\n" + "")
        var policy = try pending.read("policies/policy.yaml")
        policy = policy.replacingOccurrences(
            of: "      expiry: { max: 365d }",
            with: "      expiry: { max: 365d }\n      approvals: { all_of: [data_steward] }")
        try pending.write("policies/policy.yaml", policy)
        let waiting = try pending.run()
        #expect(waiting.status == 3, "\(waiting.stdout)\(waiting.stderr)")
        #expect(waiting.stdout.contains("data_steward"))
        #expect(waiting.stdout.contains("Pending"))
        #expect(!pending.exists("out"))
    }

    @Test("apply runs a saved plan; an edited request, policy or source, or a changed ledger, is refused")
    func applyRefusesDrift() throws {
        let project = try RunProject()
        let plan = try project.charter(
            ["plan", "request.yaml", "-o", "plan.json", "--registry", "state/registry.sqlite", "--now", "2026-11-23"])
        #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
        let request = try project.read("request.yaml")
        let policy = try project.read("policies/policy.yaml")
        let data = try project.read("data/gbsg2.csv")

        try project.write("request.yaml", request.replacingOccurrences(of: "rows: 800", with: "rows: 801"))
        var refused = try project.charter(["apply", "plan.json"] + RunProject.state + ["--now", RunProject.now])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("the request changed"))
        try project.write("request.yaml", request)

        try project.write("policies/policy.yaml", policy.replacingOccurrences(of: "max: 365d", with: "max: 300d"))
        refused = try project.charter(["apply", "plan.json"] + RunProject.state + ["--now", RunProject.now])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("the policy set changed"))
        try project.write("policies/policy.yaml", policy)

        try project.write("data/gbsg2.csv", data.replacingOccurrences(of: "70,Post", with: "71,Post"))
        refused = try project.charter(["apply", "plan.json"] + RunProject.state + ["--now", RunProject.now])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("the source file changed"))
        try project.write("data/gbsg2.csv", data)

        try project.write(
            "plan.json", try project.read("plan.json").replacingOccurrences(of: "\"rows\": 800", with: "\"rows\": 80"))
        refused = try project.charter(["apply", "plan.json"] + RunProject.state + ["--now", RunProject.now])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("the plan was edited"))
        try FileManager.default.removeItem(at: project.directory.appendingPathComponent("plan.json"))
        _ = try project.charter(
            ["plan", "request.yaml", "-o", "plan.json", "--registry", "state/registry.sqlite", "--now", "2026-11-23"])

        let applied = try project.charter(["apply", "plan.json"] + RunProject.state + ["--now", RunProject.now])
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        #expect(applied.stdout.contains("Published REQ-CLI-1"))
        // The run registered the source and recorded the certificate: the ledger the plan pinned changed.
        try FileManager.default.removeItem(at: project.directory.appendingPathComponent("out"))
        refused = try project.charter(["apply", "plan.json"] + RunProject.state + ["--now", RunProject.now])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("ledger state"))

        #expect(try project.charter(["apply", "missing.json"] + RunProject.state).status == 2)
        try project.write("bad.json", "{\"charter_plan\": 7}")
        #expect(try project.charter(["apply", "bad.json"] + RunProject.state).status == 2)
    }

    @Test(
        "keys: a rogue key is refused by run, the catalogue and cert verify (online and offline); rotation keeps older certificates; revocation fails them; --data catches an appended row; audited"
    )
    func signingKeyTrust() throws {
        let project = try RunProject()
        let registry = ["--registry", "state/registry.sqlite"]
        let now = ["--now", RunProject.now]
        let first = try project.run()
        #expect(first.status == 0, "\(first.stdout)\n\(first.stderr)")
        #expect(first.stderr.contains("adopted on first use"))
        let listed = try JSONParser().parse(
            try project.charter(["keys", "list", "--format", "json"] + registry).stdout)
        let keys = try #require(listed["keys"]?.arrayValue)
        #expect(keys.count == 1 && keys.first?["status"] == "active")
        let firstKey = try #require(keys.first?["fingerprint"]?.stringValue)
        let certificate = "out/REQ-CLI-1/certificate.json"
        let data = "out/REQ-CLI-1/synthetic.csv"

        // A certificate made with the rogue key (through a registry of the attacker's own, which adopted
        // it) fails against the organisation's registry and its trust bundle.
        let forged = try project.charter(
            ["run", "request.yaml", "--key", "rogue-key", "--out", "rogue-out", "--registry", "rogue.sqlite"] + now)
        #expect(forged.status == 0, "\(forged.stdout)\n\(forged.stderr)")
        // A run with another key is refused before anything is reserved, read or written.
        let rogueRun = try project.charter(
            ["run", "request.yaml", "--key", "rogue-key", "--out", "rogue-out-2"] + registry + now)
        #expect(rogueRun.status == 1, "\(rogueRun.stdout)\n\(rogueRun.stderr)")
        #expect(rogueRun.stderr.contains("runs sign only with the registry's active key"), "\(rogueRun.stderr)")
        #expect(!project.exists("rogue-out-2"))

        let rogueCertificate = "rogue-out/REQ-CLI-1/certificate.json"
        let rogueOnline = try project.verify(rogueCertificate)
        #expect(rogueOnline.status == 1)
        #expect(rogueOnline.stdout.contains("unknown-key") && rogueOnline.stdout.contains("catalogue"))

        func export() throws -> (file: String, digest: String) {
            let exported = try project.charter(["keys", "export"] + registry)
            #expect(exported.status == 0, "\(exported.stderr)")
            let digest = try #require(
                exported.stderr.split(separator: " ").first { $0.hasPrefix("sha256:") }.map { String($0.prefix(71)) })
            #expect(ContentDigest.sha256(exported.stdout) == digest)
            try project.write("trust.json", exported.stdout)
            return ("trust.json", digest)
        }
        func offline(
            _ file: String, _ bundle: (file: String, digest: String), data: String? = nil,
            at time: String = "2026-11-23T13:00:00Z"
        ) throws -> CLIRunner.Result {
            try project.charter(
                ["cert", "verify", file, "--trust", bundle.file, "--trust-digest", bundle.digest, "--now", time]
                    + (data.map { ["--data", $0] } ?? []))
        }
        var bundle = try export()
        let good = try offline(certificate, bundle, data: data)
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
        #expect(good.stdout.contains("offline"))
        let rogueOffline = try offline(rogueCertificate, bundle)
        #expect(rogueOffline.status == 1)
        #expect(rogueOffline.stdout.contains("unknown-key"))
        #expect(try project.charter(["cert", "verify", certificate, "--trust", bundle.file] + now).status == 2)

        // An appended row fails --data, online and offline.
        try project.write("appended.csv", try project.read(data) + "1,70,Post,1,100,0\n")
        let appendedOnline = try project.verify(certificate, ["--data", "appended.csv"])
        #expect(appendedOnline.status == 1)
        #expect(appendedOnline.stdout.contains("data"))
        #expect(try offline(certificate, bundle, data: "appended.csv").status == 1)
        #expect(try project.verify(certificate, ["--data", data]).status == 0)

        // Rotation: the older certificate still verifies; a new run signs with the new key.
        let rotate = try project.charter(
            ["keys", "rotate", "--key", "state/signing-key", "--actor", "security@hospital.example"] + registry + [
                "--now", "2026-11-23T11:00:00Z",
            ])
        #expect(rotate.status == 0, "\(rotate.stdout)\(rotate.stderr)")
        #expect(rotate.stdout.contains("retired \(firstKey)"))
        #expect(try project.verify(certificate, now: "2026-11-23T12:00:00Z").status == 0)
        let second = try project.charter(
            ["run", "request.yaml", "--out", "out2", "--key", "state/signing-key", "--now", "2026-11-23T12:00:00Z"]
                + registry)
        #expect(second.status == 0, "\(second.stdout)\n\(second.stderr)")
        bundle = try export()
        #expect(try offline(certificate, bundle).status == 0)
        #expect(try offline("out2/REQ-CLI-1/certificate.json", bundle).status == 0)

        // Revoking the first key fails the certificate it signed, online and offline, but not the newer one.
        let revoke = try project.charter(
            ["keys", "revoke", firstKey, "--reason", "laptop stolen", "--actor", "bob@hospital.example"] + registry
                + now)
        #expect(revoke.status == 0, "\(revoke.stdout)\(revoke.stderr)")
        let revokedOnline = try project.verify(certificate)
        #expect(revokedOnline.status == 1)
        #expect(revokedOnline.stdout.contains("untrusted-key") && revokedOnline.stdout.contains("laptop stolen"))
        bundle = try export()
        #expect(try offline(certificate, bundle).status == 1)
        #expect(try offline("out2/REQ-CLI-1/certificate.json", bundle).status == 0)

        // The attack on the bundle: the revoked key marked active again does not match the pinned digest.
        let original = try project.read(bundle.file)
        let objects = original.components(separatedBy: "\"fingerprint\"")
        #expect(objects.count == 3)
        let edited = original.replacingOccurrences(
            of:
                "\"revoked\": {\n        \"at\": \"\(RunProject.now)\",\n        \"reason\": \"laptop stolen\"\n      },",
            with: "\"revoked\": null,"
        ).replacingOccurrences(of: "\"status\": \"revoked\"", with: "\"status\": \"retired\"")
        #expect(edited != original)
        try project.write(bundle.file, edited)
        let tampered = try offline(certificate, bundle)
        #expect(tampered.status == 2)
        #expect(tampered.stderr.contains("pinned"))

        // Every key change is audited, the chain verifies, and an edited keys table is caught.
        let log = try project.charter(["audit", "log"] + registry).stdout
        #expect(log.components(separatedBy: "key.activate").count == 3)
        #expect(log.contains("key.revoke"))
        #expect(try project.charter(["audit", "verify"] + registry).status == 0)
        let queue = try DatabaseQueue(path: project.directory.appendingPathComponent("state/registry.sqlite").path)
        try queue.write { db in
            try db.execute(
                sql:
                    "UPDATE signing_keys SET status = 'retired', revoked_at = NULL, revoked_reason = NULL, revoked_by = NULL WHERE fingerprint = ?",
                arguments: [firstKey])
        }
        let broken = try project.charter(["audit", "verify"] + registry)
        #expect(broken.status == 1)
        #expect(broken.stdout.contains("signing key \(firstKey)"))
    }
}
