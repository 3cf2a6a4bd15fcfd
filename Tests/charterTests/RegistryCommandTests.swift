import CharterCore
import CharterRegistry
import Foundation
import GRDB
import Testing

/// A registry file for the CLI tests: two sources, runs in every state, three certificates.
private final class CLIRegistry {
    let directory: URL
    let path: String
    static let now = "2026-11-20T10:00:00Z"

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("charter-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("registry.sqlite").path
        let registry = try SQLiteRegistry(path: path, create: true)
        let now = try #require(Timestamp(rfc3339: Self.now))
        let decimal = { (text: String) in Decimal(string: text) ?? 0 }
        try registry.registerSource(
            "gbsg2", cap: BudgetCap(epsilon: 10, delta: decimal("0.00001")), actor: "policy", at: now)
        try registry.registerSource("tiny", cap: BudgetCap(epsilon: 1, delta: 0), actor: "policy", at: now)
        func request(_ source: String, _ run: String, _ cost: PrivacyCost, lease: Duration = .seconds(3600))
            -> ReservationRequest
        {
            ReservationRequest(
                source: source, run: run, mechanism: "dp-copula: gaussian marginals", cost: cost, lease: lease,
                actor: "alice")
        }
        let a = try registry.reserve(request("gbsg2", "RUN-1", .pure(epsilon: 1)), at: now)
        _ = try registry.commit(a.id, actor: "engine", at: now)
        _ = try registry.reserve(
            request("gbsg2", "RUN-2", .approximate(epsilon: decimal("0.5"), delta: decimal("0.000001"))), at: now)
        let c = try registry.reserve(request("gbsg2", "RUN-3", .pure(epsilon: 2)), at: now)
        _ = try registry.release(c.id, reason: "utility gate failed", actor: "engine", at: now)
        _ = try registry.reserve(request("tiny", "RUN-4", .pure(epsilon: 1), lease: .seconds(60)), at: now)
        let issued = now.advanced(by: .seconds(-100 * 86_400))
        // RFC 8032's first test key, active since before the certificates were issued.
        let key = try registry.activateSigningKey(
            publicKey: "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=", as: .initial, actor: "security",
            at: issued.advanced(by: .seconds(-86_400))
        ).active
        for (id, days) in [("CERT-OLD", 90), ("CERT-SOON", 110), ("CERT-NEW", 300)] {
            try registry.recordCertificate(
                CertificateRecord(
                    id: id, source: "gbsg2", tier: "medium", audience: "internal", consumers: ["oncology-ml"],
                    issuedAt: issued,
                    expiresAt: issued.advanced(by: .seconds(Int64(days) * 86_400)), digest: ContentDigest.sha256(id),
                    keyID: key.fingerprint),
                actor: "engine", at: now)
        }
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> CLIRunner.Result {
        let process = Process()
        process.executableURL = CLIRunner.executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var merged = ProcessInfo.processInfo.environment
        merged["NO_COLOR"] = "1"
        merged["CHARTER_REGISTRY"] = nil
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLIRunner.Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Edits the file behind charter's back.
    func tamper(_ sql: String) throws {
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "DROP TRIGGER IF EXISTS audit_log_no_update")
            try db.execute(sql: sql)
        }
    }
}

@Suite("charter budget, catalog, audit", .serialized)
struct RegistryCommandTests {
    @Test("charter budget shows cap, committed, reserved, remaining and every run")
    func budgetText() throws {
        let registry = try CLIRegistry()
        let result = try registry.run(["budget", "gbsg2", "--registry", registry.path, "--now", CLIRegistry.now])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("source gbsg2"))
        #expect(result.stdout.contains("committed 1 "))
        #expect(result.stdout.contains("reserved  0.5 "))
        #expect(result.stdout.contains("remaining 8.5 "))
        #expect(result.stdout.contains("RUN-3  released  ε=2"))
        #expect(result.stdout.contains("RUN-2  reserved  ε=0.5 δ=0.000001"))
    }

    @Test("charter budget --format json is exact and deterministic; --now moves lease expiry")
    func budgetJSON() throws {
        let registry = try CLIRegistry()
        let arguments = ["budget", "--format", "json", "--registry", registry.path, "--now", "2026-11-20T10:05:00Z"]
        let first = try registry.run(arguments)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try registry.run(arguments).stdout == first.stdout)
        let json = try JSONParser().parse(first.stdout)
        let sources = try #require(json["sources"]?.arrayValue)
        #expect(sources.map { $0["source"] } == ["gbsg2", "tiny"])
        #expect(sources[0]["remaining"] == ["epsilon": "8.5", "delta": "0.000009"])
        #expect(sources[0]["committed"] == ["epsilon": "1", "delta": "0"])
        // tiny's only reservation had a 60 s lease: five minutes later it holds nothing.
        #expect(sources[1]["remaining"]?["epsilon"] == "1")
        #expect(sources[1]["runs"]?.arrayValue?.first?["lease_expired"] == true)
        // Read-only: the command did not release it.
        let again = try registry.run([
            "budget", "tiny", "--format", "json", "--registry", registry.path, "--now", CLIRegistry.now,
        ])
        #expect(try JSONParser().parse(again.stdout)["sources"]?.arrayValue?.first?["remaining"]?["epsilon"] == "0")
    }

    @Test(
        "exhausted budgets and expired leases are warnings in sarif, junit and github",
        arguments: ["sarif", "junit", "github"])
    func budgetFindings(format: String) throws {
        let registry = try CLIRegistry()
        let result = try registry.run([
            "budget", "--format", format, "--registry", registry.path, "--now", CLIRegistry.now,
        ])
        #expect(result.status == 0)
        #expect(result.stdout.contains("CH510") || result.stdout.contains("used up"), "\(result.stdout)")
        let later = try registry.run([
            "budget", "--format", format, "--registry", registry.path, "--now", "2026-11-21T00:00:00Z",
        ])
        #expect(later.stdout.contains("expired at 2026-11-20T10:01:00Z"), "\(later.stdout)")
    }

    @Test("the registry path comes from --registry, else CHARTER_REGISTRY, else .charter/registry.sqlite")
    func registryPath() throws {
        let registry = try CLIRegistry()
        let viaEnvironment = try registry.run(
            ["budget", "--now", CLIRegistry.now], environment: ["CHARTER_REGISTRY": registry.path])
        #expect(viaEnvironment.status == 0)
        #expect(viaEnvironment.stdout.contains("source gbsg2"))
        let missing = try registry.run(["budget"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no registry at \".charter/registry.sqlite\""))
        #expect(!FileManager.default.fileExists(atPath: registry.directory.appendingPathComponent(".charter").path))
        try FileManager.default.createDirectory(
            at: registry.directory.appendingPathComponent(".charter"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: registry.path, toPath: registry.directory.appendingPathComponent(".charter/registry.sqlite").path)
        #expect(try registry.run(["budget", "gbsg2", "--now", CLIRegistry.now]).status == 0)
    }

    @Test("catalog list, show and expiring")
    func catalog() throws {
        let registry = try CLIRegistry()
        let base = ["--registry", registry.path, "--now", CLIRegistry.now]
        let list = try registry.run(["catalog", "list"] + base)
        #expect(list.status == 0)
        #expect(
            list.stdout.split(separator: "\n").map { $0.split(separator: " ").first ?? "" } == [
                "CERT-NEW", "CERT-OLD", "CERT-SOON",
            ])
        #expect(list.stdout.contains("CERT-OLD  expired"))
        let show = try registry.run(["catalog", "show", "CERT-NEW", "--format", "json"] + base)
        let json = try JSONParser().parse(show.stdout)
        #expect(json["expires_at"] == "2027-06-08T10:00:00Z")
        #expect(json["status"] == "valid")
        #expect(json["consumers"] == ["oncology-ml"])
        let expiring = try registry.run(["catalog", "expiring", "--within", "30d"] + base)
        #expect(expiring.status == 1, "an expired, unrevoked certificate fails the check")
        #expect(
            expiring.stdout.contains("CERT-OLD") && expiring.stdout.contains("CERT-SOON")
                && !expiring.stdout.contains("CERT-NEW"))
        let github = try registry.run(["catalog", "expiring", "--within", "30d", "--format", "github"] + base)
        #expect(github.stdout.contains("::error"))
        #expect(github.stdout.contains("::warning"))
        #expect(github.stdout.contains("expires at 2026-11-30T10:00:00Z, in 10 days"))
        let unknown = try registry.run(["catalog", "show", "CERT-NOPE"] + base)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no certificate \"CERT-NOPE\""))
        #expect(try registry.run(["catalog", "expiring", "--within", "thirty"] + base).status == 2)
        #expect(try registry.run(["catalog", "list", "--registry", registry.path, "--now", "yesterday"]).status == 2)
    }

    @Test("catalog revoke records reason and actor, audits it, and refuses a second revocation")
    func revoke() throws {
        let registry = try CLIRegistry()
        let base = ["--registry", registry.path, "--now", "2026-11-21T09:00:00Z"]
        let revoke = try registry.run(
            ["catalog", "revoke", "CERT-OLD", "--reason", "data subject objection", "--actor", "bob@hospital.example"]
                + base)
        #expect(revoke.status == 0, "\(revoke.stderr)")
        #expect(
            revoke.stdout
                == "revoked CERT-OLD at 2026-11-21T09:00:00Z by bob@hospital.example: data subject objection\n")
        let show = try JSONParser().parse(
            try registry.run(["catalog", "show", "CERT-OLD", "--format", "json"] + base).stdout)
        #expect(
            show["revoked"] == [
                "at": "2026-11-21T09:00:00Z", "actor": "bob@hospital.example", "reason": "data subject objection",
            ])
        #expect(show["status"] == "revoked")
        let again = try registry.run(["catalog", "revoke", "CERT-OLD", "--reason", "x", "--actor", "bob"] + base)
        #expect(again.status == 2)
        #expect(again.stderr.contains("already revoked"))
        #expect(
            try registry.run(["catalog", "revoke", "CERT-NEW", "--actor", "bob"] + base).status == 2,
            "--reason is required")
        let log = try registry.run(["audit", "log", "--format", "json"] + base)
        let last = try #require(try JSONParser().parse(log.stdout)["records"]?.arrayValue?.last)
        #expect(last["action"] == "certificate.revoke")
        #expect(last["actor"] == "bob@hospital.example")
        #expect(last["details"] == ["id": "CERT-OLD", "reason": "data subject objection"])
        #expect(try registry.run(["audit", "verify"] + base).status == 0)
    }

    @Test("audit log lists the chain; audit verify passes on an untouched registry")
    func auditClean() throws {
        let registry = try CLIRegistry()
        let log = try registry.run(["audit", "log", "--registry", registry.path])
        #expect(log.status == 0)
        #expect(log.stdout.split(separator: "\n").count == 12)
        #expect(
            log.stdout.hasPrefix("1  2026-11-20T10:00:00Z  policy  source.register  gbsg2  {\"delta_cap\":\"0.00001\""))
        let verify = try registry.run(["audit", "verify", "--registry", registry.path])
        #expect(verify.status == 0)
        #expect(verify.stdout.hasPrefix("audit chain intact: 12 records, head sha256:"))
    }

    @Test("audit verify names an edited record and exits 1, in every format", arguments: OutputFormat.allCases)
    func auditTampered(format: OutputFormat) throws {
        let registry = try CLIRegistry()
        try registry.tamper("UPDATE audit_log SET actor = 'mallory' WHERE seq = 4")
        let result = try registry.run(["audit", "verify", "--format", format.rawValue, "--registry", registry.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("audit record 4 was edited"), "\(result.stdout)")
        switch format {
        case .json:
            let json = try JSONParser().parse(result.stdout)
            #expect(json["intact"] == false)
            #expect(json["findings"]?.arrayValue?.first?["kind"] == "edited")
            #expect(json["findings"]?.arrayValue?.first?["seq"] == 4)
        case .sarif:
            let json = try JSONParser().parse(result.stdout)
            #expect(json["runs"]?.arrayValue?.first?["results"]?.arrayValue?.first?["ruleId"] == "CH500")
        case .junit: #expect(result.stdout.contains("<failure"))
        case .github: #expect(result.stdout.hasPrefix("::error file=\(registry.path)"))
        case .text: #expect(result.stdout.contains("error[CH500]"))
        }
    }

    @Test("a file that is not a registry is unreadable input, exit 2")
    func notARegistry() throws {
        let registry = try CLIRegistry()
        let bogus = registry.directory.appendingPathComponent("bogus.sqlite").path
        try Data("hello".utf8).write(to: URL(fileURLWithPath: bogus))
        for arguments in [["budget"], ["audit", "verify"], ["catalog", "list"]] {
            let result = try registry.run(arguments + ["--registry", bogus])
            #expect(result.status == 2)
            #expect(result.stderr.contains(bogus))
        }
        let json = try registry.run(["audit", "verify", "--format", "json", "--registry", bogus])
        #expect(json.status == 2)
        #expect(try JSONParser().parse(json.stdout)["diagnostics"]?.arrayValue?.first?["code"] == "CH000")
    }

    @Test("read commands open the registry as it is: an empty or foreign file is exit 2 and stays as it was")
    func readCommandsNeverCreate() throws {
        let registry = try CLIRegistry()
        let empty = registry.directory.appendingPathComponent("empty.sqlite").path
        try Data().write(to: URL(fileURLWithPath: empty))
        let foreign = registry.directory.appendingPathComponent("foreign.sqlite").path
        try DatabaseQueue(path: foreign).write { db in try db.execute(sql: "CREATE TABLE notes (body TEXT)") }
        let foreignBytes = try Data(contentsOf: URL(fileURLWithPath: foreign))
        let reads = [
            ["budget"], ["catalog", "list"], ["catalog", "show", "CERT-NEW"],
            ["catalog", "expiring", "--within", "30d"],
            ["audit", "log"], ["audit", "verify"], ["keys", "list"], ["keys", "export"],
        ]
        for arguments in reads {
            let onEmpty = try registry.run(arguments + ["--registry", empty])
            #expect(onEmpty.status == 2, "\(arguments): \(onEmpty.stdout)\(onEmpty.stderr)")
            #expect(onEmpty.stderr.contains("not a charter registry"), "\(arguments): \(onEmpty.stderr)")
            let onForeign = try registry.run(arguments + ["--registry", foreign])
            #expect(onForeign.status == 2, "\(arguments): \(onForeign.stdout)\(onForeign.stderr)")
        }
        let emptyAttributes = try FileManager.default.attributesOfItem(atPath: empty)
        #expect(emptyAttributes[.size] as? Int == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: foreign)) == foreignBytes)
        #expect(!FileManager.default.fileExists(atPath: empty + "-wal"))
    }

    @Test("read commands leave a registry byte for byte as it was; revoke still changes it")
    func readCommandsWriteNothing() throws {
        let registry = try CLIRegistry()
        // Settle the WAL into the file, so that any write would show in its bytes.
        try DatabaseQueue(path: registry.path).writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: registry.path))
        for arguments in [
            ["budget"], ["catalog", "list"], ["audit", "log"], ["audit", "verify"], ["keys", "list"], ["keys", "export"],
        ] {
            let result = try registry.run(arguments + ["--registry", registry.path, "--now", CLIRegistry.now])
            #expect(result.status == 0, "\(arguments): \(result.stdout)\(result.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: registry.path)) == before)
        let revoke = try registry.run([
            "catalog", "revoke", "CERT-NEW", "--reason", "test", "--actor", "bob@hospital.example", "--now",
            CLIRegistry.now,
            "--registry", registry.path,
        ])
        #expect(revoke.status == 0, "\(revoke.stdout)\(revoke.stderr)")
        let shown = try registry.run(["catalog", "show", "CERT-NEW", "--format", "json", "--registry", registry.path])
        #expect(shown.stdout.contains("\"revoked\""), "\(shown.stdout)\(shown.stderr)")
    }
}
