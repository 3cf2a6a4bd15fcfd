import CharterTestSupport
import Foundation
import GRDB
import Testing

/// `charter revalidate`, `access`, `incident`, `catalog retire` and `catalog access-log` on the
/// front-door example's certificate.
@Suite("certificate lifecycle commands", .serialized)
struct LifecycleCommandTests {
    typealias Project = ApprovalTrustTests.Project

    static let certificate = "out/REQ-2026-0201/certificate.json"
    static let steward = ["--actor", "bob@hospital.example"]

    /// A project that has run the front-door example and published.
    static func project() throws -> Project {
        let (project, run) = try Project.runFrontDoor()
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        return project
    }

    static func json(_ result: CLIRunner.Result) throws -> [String: Any] {
        try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
            "\(result.stdout)\(result.stderr)")
    }

    /// The certificate's id.
    static func id(_ project: Project) throws -> String {
        let certificate = try JSONSerialization.jsonObject(with: Data(try project.read(certificate).utf8))
        return try #require((certificate as? [String: Any])?["id"] as? String)
    }

    @Test(
        "revalidation: the unchanged source passes; rows appended so age drifts fail naming age, and the catalogue shows it"
    )
    func revalidation() throws {
        let project = try Self.project()
        let same = try project.run(
            [
                "revalidate", Self.certificate, "--source", "examples/data/gbsg2.csv", "--now", "2026-12-10",
                "--format", "json",
            ]
                + Self.steward)
        #expect(same.status == 0, "\(same.stdout)\(same.stderr)")
        let passed = try Self.json(same)
        #expect(passed["outcome"] as? String == "passed")
        #expect((passed["drifted_columns"] as? [String]) == [])
        #expect((passed["reasons"] as? [String]) == ["requested"])
        #expect(passed["source_sha256"] as? String == passed["certified_source_sha256"] as? String)

        // Every row again with age 25 years older: the other columns keep their distributions.
        let original = try project.read("examples/data/gbsg2.csv")
        var lines = original.split(separator: "\n").map(String.init)
        let header = lines.removeFirst()
        let shifted = lines.map { line -> String in
            var cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            cells[1] = String((Int(cells[1]) ?? 0) + 25)
            return cells.joined(separator: ",")
        }
        try project.write(
            ([header] + lines + shifted).joined(separator: "\n") + "\n", to: "examples/data/gbsg2-now.csv")
        let drifted = try project.run(
            ["revalidate", Self.certificate, "--source", "examples/data/gbsg2-now.csv", "--now", "2026-12-11"]
                + Self.steward)
        #expect(drifted.status == 1, "\(drifted.stdout)\(drifted.stderr)")
        #expect(drifted.stdout.contains("FAILED"))
        #expect(drifted.stdout.contains("drifted: age\n"), "\(drifted.stdout)")
        #expect(drifted.stdout.contains("the source changed since certification"))

        let id = try Self.id(project)
        let show = try project.run(["catalog", "show", id, "--now", "2026-12-12"])
        #expect(show.stdout.contains("revalidation failed at 2026-12-11"), "\(show.stdout)")
        #expect(show.stdout.contains("drifted: age"), "\(show.stdout)")
        // The reference policy enforces revalidation: a failed one fails cert verify and refuses access.
        let verify = try project.run(["cert", "verify", Self.certificate, "--now", "2026-12-12"])
        #expect(verify.status == 1 && verify.stdout.contains("revalidation"), "\(verify.stdout)")
        let access = try project.run(
            [
                "access", id, "--consumer", "oncology-ml", "--purpose", "model-prototyping", "--by",
                "ann@hospital.example",
                "--now", "2026-12-12",
            ])
        #expect(access.status == 1 && access.stdout.contains("latest revalidation failed"), "\(access.stdout)")
        // A passing revalidation restores standing.
        let again = try project.run(
            ["revalidate", id, "--source", "examples/data/gbsg2.csv", "--now", "2026-12-13"] + Self.steward)
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(try project.run(["cert", "verify", Self.certificate, "--now", "2026-12-14"]).status == 0)
        // The narrative says it in sentences.
        let narrative = try project.run(["report", "narrative", "--certificate", Self.certificate])
        #expect(
            narrative.stdout.contains(
                "revalidated certificate \(id) against a changed source: it failed; drifted: age"),
            "\(narrative.stdout)")
        #expect(try project.run(["audit", "verify"]).status == 0)

        // Bad input: an unreadable source, an unknown certificate, a source without the plan's columns.
        #expect(try project.run(["revalidate", id, "--source", "nope.csv"]).status == 2)
        #expect(try project.run(["revalidate", "cert-nope", "--source", "examples/data/gbsg2.csv"]).status == 2)
        try project.write("a,b\n1,2\n3,4\n5,6\n7,8\n", to: "other.csv")
        let other = try project.run(["revalidate", id, "--source", "other.csv"])
        #expect(other.status == 1 && other.stderr.contains("not in"), "\(other.stderr)")
    }

    @Test(
        "access: allowed recorded; wrong consumer, wrong purpose, expired and revoked refused with the reason; the log lists them"
    )
    func access() throws {
        let project = try Self.project()
        let id = try Self.id(project)
        func access(
            _ consumer: String, _ purpose: String, now: String = "2026-12-10", by: String = "ann@hospital.example"
        )
            throws -> CLIRunner.Result
        {
            try project.run([
                "access", Self.certificate, "--consumer", consumer, "--purpose", purpose, "--by", by, "--now", now,
            ])
        }
        let allowed = try access("oncology-ml", "model-prototyping", by: " Ann+laptop@Hospital.Example ")
        #expect(allowed.status == 0 && allowed.stdout.contains("allowed: ann@hospital.example"), "\(allowed.stdout)")
        let consumer = try access("marketing", "model-prototyping")
        #expect(
            consumer.status == 1 && consumer.stdout.contains("consumer \"marketing\" is not one the certificate allows")
        )
        let purpose = try access("oncology-ml", "advertising")
        #expect(
            purpose.status == 1
                && purpose.stdout.contains("purpose \"advertising\" is not the certified purpose \"model-prototyping\"")
        )
        let expired = try access("oncology-ml", "model-prototyping", now: "2027-03-01")
        #expect(expired.status == 1 && expired.stdout.contains("expired at 2027-02-20"), "\(expired.stdout)")
        #expect(
            try project.run([
                "catalog", "revoke", id, "--reason", "withdrawn", "--actor", "bob@hospital.example", "--now",
                "2026-12-11",
            ]).status == 0)
        let revoked = try access("oncology-ml", "model-prototyping", now: "2026-12-12")
        #expect(revoked.status == 1 && revoked.stdout.contains("revoked at 2026-12-11"), "\(revoked.stdout)")

        // Bad input is refused and not recorded: a look-alike identity, a group, control characters, an unknown certificate.
        for by in ["ann@hоspital.example", "group:risk-committee", "ann\u{1b}[31m@hospital.example", ""] {
            let bad = try access("oncology-ml", "model-prototyping", by: by)
            #expect(bad.status == 2, "\(by): \(bad.stdout)\(bad.stderr)")
        }
        #expect(
            try project.run([
                "access", "cert-nope", "--consumer", "x", "--purpose", "y", "--by", "ann@hospital.example",
            ]).status == 2)
        // A certificate file edited after issue is refused, not acted on.
        let edited = try project.read(Self.certificate).replacingOccurrences(of: "oncology-ml", with: "marketing")
        try project.write(edited, to: "edited.json")
        let tampered = try project.run([
            "access", "edited.json", "--consumer", "marketing", "--purpose", "model-prototyping", "--by",
            "ann@hospital.example",
        ])
        #expect(
            tampered.status == 1 && tampered.stderr.contains("not the certificate the catalogue recorded"),
            "\(tampered.stderr)")

        let log = try project.run(["catalog", "access-log", Self.certificate, "--format", "json"])
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(log.stdout.utf8)) as? [[String: Any]])
        #expect(entries.map { $0["outcome"] as? String } == ["allowed", "refused", "refused", "refused", "refused"])
        let text = try project.run(["catalog", "access-log"])
        #expect(text.stdout.contains("ALLOWED") && text.stdout.contains("consumer marketing"))
        // An audience wider than the certified one, and revalidating a revoked certificate, are refused too.
        let audience = try project.run(
            [
                "access", id, "--consumer", "oncology-ml", "--purpose", "model-prototyping", "--by",
                "ann@hospital.example",
                "--audience", "public", "--now", "2026-12-13",
            ])
        #expect(
            audience.status == 1
                && audience.stdout.contains("audience \"public\" is wider than the certified \"internal\""))
        let revalidate = try project.run([
            "revalidate", id, "--source", "examples/data/gbsg2.csv", "--now", "2026-12-13",
        ])
        #expect(revalidate.status == 1 && revalidate.stderr.contains("was revoked"), "\(revalidate.stderr)")
        #expect(try project.run(["audit", "verify"]).status == 0)
    }

    @Test(
        "incident on a source revokes its certificates and names the consumers who accessed; audit verify passes; a repeat changes nothing"
    )
    func incident() throws {
        let project = try Self.project()
        let id = try Self.id(project)
        #expect(
            try project.run([
                "access", id, "--consumer", "oncology-ml", "--purpose", "model-prototyping", "--by",
                "ann@hospital.example", "--now", "2026-12-10",
            ]).status == 0)
        let incident = try project.run(
            ["incident", "--source", "gbsg2-2026q3", "--reason", "consent withdrawn", "--now", "2026-12-11"]
                + Self.steward)
        #expect(incident.status == 0, "\(incident.stderr)")
        #expect(incident.stdout.contains("revoked \(id)"))
        #expect(
            incident.stdout.contains("oncology-ml (certificate \(id); accessed by ann@hospital.example"),
            "\(incident.stdout)")
        #expect(try project.run(["audit", "verify"]).status == 0)
        let records = try project.run(["audit", "log", "--format", "json"]).stdout
        let repeated = try project.run(
            [
                "incident", "--source", "gbsg2-2026q3", "--reason", "consent withdrawn", "--now", "2026-12-12",
                "--format", "json",
            ]
                + Self.steward)
        #expect(repeated.status == 0)
        #expect(try Self.json(repeated)["changed"] as? Bool == false)
        #expect((try Self.json(repeated)["notify"] as? [[String: Any]])?.count == 1)
        #expect(try project.run(["audit", "log", "--format", "json"]).stdout == records)
        let verify = try project.run(["cert", "verify", Self.certificate, "--now", "2026-12-12"])
        #expect(verify.status == 1 && verify.stdout.contains("revoked"))
        let narrative = try project.run(["report", "narrative", "--source", "gbsg2-2026q3"])
        #expect(
            narrative.stdout.contains(
                "responded to an incident on source:gbsg2-2026q3 (consent withdrawn): revoked \(id); consumers to notify: oncology-ml"
            ), "\(narrative.stdout)")
        #expect(try project.run(["incident", "--source", "nope", "--reason", "x"]).status == 2)
        #expect(try project.run(["incident", "--reason", "x"]).status != 0)

        // A key incident: the active key is revoked and replaced in the same transaction.
        let keys = try project.run(["keys", "list", "--format", "json"])
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(keys.stdout.utf8)) as? [String: Any])
        let active = try #require(
            (listed["keys"] as? [[String: Any]])?.first?["fingerprint"] as? String, "\(keys.stdout)")
        let keyIncident = try project.run(
            ["incident", "--key", active, "--reason", "key file leaked", "--now", "2026-12-13"] + Self.steward)
        #expect(keyIncident.status == 0, "\(keyIncident.stderr)")
        #expect(
            keyIncident.stdout.contains("revoked signing key \(active)")
                && keyIncident.stdout.contains("activated signing key"))
        let after = try project.run(["keys", "list"])
        #expect(after.stdout.contains("revoked") && after.stdout.contains("active"))
        #expect(try project.run(["audit", "verify"]).status == 0)
    }

    @Test(
        "retire removes the published files whose digests match, keeps a changed one and the certificate, which verifies as retired"
    )
    func retire() throws {
        let project = try Self.project()
        let id = try Self.id(project)
        try project.write("<p>edited</p>", to: "out/REQ-2026-0201/report.html")
        let retired = try project.run(["catalog", "retire", Self.certificate, "--now", "2026-12-10"] + Self.steward)
        #expect(retired.status == 0, "\(retired.stderr)")
        #expect(retired.stdout.contains("removed out/REQ-2026-0201/synthetic.csv"))
        #expect(retired.stdout.contains("removed out/REQ-2026-0201/report.json"))
        #expect(retired.stdout.contains("kept out/REQ-2026-0201/report.html: its digest"), "\(retired.stdout)")
        let directory = project.directory.appendingPathComponent("out/REQ-2026-0201")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("synthetic.csv").path))
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("report.html").path))
        let verify = try project.run(["cert", "verify", Self.certificate, "--now", "2026-12-11"])
        #expect(verify.status == 1 && verify.stdout.contains("retired: retired at 2026-12-10"), "\(verify.stdout)")
        #expect(!verify.stdout.contains("signature"))
        let again = try project.run(["catalog", "retire", id, "--now", "2026-12-11"] + Self.steward)
        #expect(again.status == 0 && again.stdout.contains("already retired"), "\(again.stdout)")
        #expect(try project.run(["audit", "verify"]).status == 0)

        // Path traversal: a publication record edited to name a file outside its folder is never deleted.
        let other = try Self.project()
        try other.write("victim", to: "victim.txt")
        let registry = other.directory.appendingPathComponent(".charter/registry.sqlite").path
        try DatabaseQueue(path: registry).write { db in
            try db.execute(sql: "DROP TRIGGER IF EXISTS lifecycle_events_no_update")
            try db.execute(
                sql:
                    #"UPDATE lifecycle_events SET details = replace(details, '"path":"out/REQ-2026-0201/report.json"', '"path":"out/REQ-2026-0201/../../victim.txt"') WHERE kind = 'publication'"#
            )
        }
        let traversal = try other.run(["catalog", "retire", Self.certificate] + Self.steward)
        #expect(
            traversal.stdout.contains("kept out/REQ-2026-0201/../../victim.txt"),
            "\(traversal.stdout)\(traversal.stderr)")
        #expect(FileManager.default.fileExists(atPath: other.directory.appendingPathComponent("victim.txt").path))
        #expect(try other.run(["audit", "verify"]).status == 1)
        #expect(try other.run(["catalog", "retire", "../../etc/passwd"]).status == 2)
    }
}
