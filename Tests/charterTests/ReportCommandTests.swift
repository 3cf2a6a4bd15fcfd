import CharterTestSupport
import Foundation
import GRDB
import Testing

/// `charter report compliance` on the front-door example's certificate.
@Suite("charter report compliance", .serialized)
struct ReportCommandTests {
    /// A project that has run the front-door example once, with `compliance/` beside it.
    static func project() throws -> ApprovalTrustTests.Project {
        let (project, run) = try ApprovalTrustTests.Project.runFrontDoor { project in
            try FileManager.default.copyItem(
                at: CLIRunner.packageRoot.appendingPathComponent("compliance"),
                to: project.directory.appendingPathComponent("compliance"))
        }
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        return project
    }

    static let certificate = "out/REQ-2026-0201/certificate.json"

    /// Each requirement's status, by id.
    static func statuses(_ result: CLIRunner.Result) throws -> [String: String] {
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let requirements = try #require(json?["requirements"] as? [[String: Any]], "\(result.stdout)\(result.stderr)")
        return Dictionary(uniqueKeysWithValues: requirements.map { ($0["id"] as? String ?? "", $0["status"] as? String ?? "") })
    }

    @Test("every framework maps every requirement; organisational duties are never reported as met")
    func everyFramework() throws {
        let project = try Self.project()
        for framework in ["hipaa", "gdpr", "ccpa", "eu-ai-act", "app"] {
            let result = try project.run(["report", "compliance", Self.certificate, "--framework", framework, "--format", "json"])
            #expect(result.status == 0, "\(framework): \(result.stderr)")
            let statuses = try Self.statuses(result)
            #expect(statuses.count >= 4, "\(framework)")
            #expect(Set(statuses.values).isSubset(of: ["addressed", "partly addressed", "not covered"]))
            #expect(statuses.values.contains("not covered"), "\(framework) claims everything")
            for format in ["markdown", "html"] {
                let text = try project.run(["report", "compliance", Self.certificate, "--framework", framework, "--format", format])
                #expect(text.status == 0 && text.stdout.contains("not covered"), "\(framework) \(format)")
            }
        }
        let gdpr = try Self.statuses(
            try project.run(["report", "compliance", Self.certificate, "--framework", "gdpr", "--format", "json"]))
        #expect(gdpr["Recital 26"] == "addressed")
        #expect(gdpr["Art. 5(1)(b)"] == "addressed")
        #expect(gdpr["Art. 9"] == "not covered")
        #expect(gdpr["Art. 35"] == "not covered")
    }

    @Test("a policy without the controls turns their lines to not covered, and the changed policy is flagged")
    func missingControlsAreNotCovered() throws {
        let project = try Self.project()
        let policy = try project.read("policies/health-synthetic.yaml")
        // The medium tier without its attack gates.
        var lines = policy.components(separatedBy: "\n")
        let medium = try #require(lines.firstIndex { $0.contains("- name: medium") })
        let next = try #require(lines[(medium + 1)...].firstIndex { $0.contains("- name: low") })
        lines = lines.enumerated().filter { index, line in
            !(index > medium && index < next
                && ["membership_inference:", "distance_to_closest_record:", "k_anonymity:", "differential_privacy:"]
                    .contains { line.contains($0) })
        }.map(\.1)
        try project.write(lines.joined(separator: "\n"), to: "policies/health-synthetic.yaml")
        let result = try project.run(["report", "compliance", Self.certificate, "--framework", "gdpr", "--format", "json"])
        #expect(result.status == 0)
        #expect(try Self.statuses(result)["Recital 26"] == "not covered")
        #expect(result.stderr.contains("is not the one certificate"))
    }

    @Test("bad input: an unknown framework, a file that is not a certificate, a broken mapping")
    func badInput() throws {
        let project = try Self.project()
        let unknown = try project.run(["report", "compliance", Self.certificate, "--framework", "sox"])
        #expect(unknown.status == 2 && unknown.stderr.contains("no mapping for framework 'sox'"))
        try project.write("{\"hello\": 1}", to: "not-a-cert.json")
        let notCertificate = try project.run(["report", "compliance", "not-a-cert.json", "--framework", "gdpr"])
        #expect(notCertificate.status == 2 && notCertificate.stderr.contains("is not a Charter certificate"))
        try project.write("charter: 1\nkind: compliance-framework\nframework: x\ntitle: X\nversion: 1\nrequirements:\n  - {id: a, title: b, text: c, controls: [vibes], limits: d}\n", to: "compliance/x.yaml")
        let broken = try project.run(["report", "compliance", Self.certificate, "--framework", "x"])
        #expect(broken.status == 2 && broken.stderr.contains("unknown control 'vibes'"))
    }

    @Test("narrative: the verified chain in sentences, scoped to a certificate's plan; a tampered chain is refused")
    func narrative() throws {
        let project = try Self.project()
        let all = try project.run(["report", "narrative"])
        #expect(all.status == 0, "\(all.stderr)")
        for phrase in ["registered source gbsg2-2026q3", "reserved ε 5", "as spent", "published certificate cert-", "active signing key"] {
            #expect(all.stdout.contains(phrase), "\(phrase)")
        }
        let scoped = try project.run(["report", "narrative", "--certificate", Self.certificate, "--format", "json"])
        let json = try JSONSerialization.jsonObject(with: Data(scoped.stdout.utf8)) as? [String: Any]
        let sentences = try #require(json?["sentences"] as? [[String: Any]]).compactMap { $0["text"] as? String }
        // Reserved, spent, published, and the publication record the lifecycle keeps.
        #expect(sentences.count == 4, "\(sentences)")
        #expect(sentences.contains { $0.contains("recorded what certificate") }, "\(sentences)")
        #expect(!sentences.contains { $0.contains("registered source") || $0.contains("signing key") })

        try DatabaseQueue(path: project.directory.appendingPathComponent(".charter/registry.sqlite").path).write { db in
            try db.execute(sql: "DROP TRIGGER IF EXISTS audit_log_no_update")
            try db.execute(sql: "UPDATE audit_log SET actor = 'mallory' WHERE seq = 3")
        }
        let tampered = try project.run(["report", "narrative"])
        #expect(tampered.status == 1)
        #expect(tampered.stderr.contains("does not verify") && !tampered.stdout.contains("mallory"))
    }

    @Test("model card: every section from the certificate, the closest measured gate named, HTML escaped")
    func modelCard() throws {
        let project = try Self.project()
        let card = try project.run(["report", "model-card", Self.certificate])
        #expect(card.status == 0, "\(card.stderr)")
        for section in ["## Overview", "## Intended use", "## Source data", "## Generator", "## Privacy", "## Utility", "## Gates", "## Limitations", "## Provenance"] {
            #expect(card.stdout.contains(section), "\(section)")
        }
        #expect(card.stdout.contains("δ 1e-06"))
        #expect(card.stdout.contains("The measured gate closest to its threshold:"))
        #expect(!card.stdout.contains("closest to its threshold: epsilon_spent"))
        // A certificate whose consumer carries markup: the HTML card escapes it.
        let text = try project.read(Self.certificate).replacingOccurrences(of: "\"oncology-ml\"", with: "\"<script>x</script>\"")
        try project.write(text, to: "hostile.json")
        let html = try project.run(["report", "model-card", "hostile.json", "--format", "html"])
        #expect(html.status == 0)
        #expect(html.stdout.contains("&lt;script&gt;") && !html.stdout.contains("<script>"))
        let json = try project.run(["report", "model-card", Self.certificate, "--format", "json"])
        #expect(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) is [String: Any])
    }

    @Test("dpia: Art. 35(7) sections from the request and its decision; the controller's part left to complete")
    func dpia() throws {
        let project = try ApprovalTrustTests.Project()
        let pending = try project.run([
            "report", "dpia", "examples/requests/pending-nafld1-cross-border.yaml", "--now", ApprovalTrustTests.Project.now,
        ])
        #expect(pending.status == 0, "\(pending.stderr)")
        for phrase in [
            "(Art. 35(7)(a))", "(Art. 35(7)(b))", "(Art. 35(7)(c))", "(Art. 35(7)(d))", "Decision today: pending",
            "Held: rule cross-border-needs-legal", "k_anonymity: k ≥ 5", "TO COMPLETE",
        ] {
            #expect(pending.stdout.contains(phrase), "\(phrase)")
        }
        let denied = try project.run([
            "report", "dpia", "examples/requests/denied-nafld1-purpose-not-allowed.yaml", "--format", "json", "--now",
            ApprovalTrustTests.Project.now,
        ])
        #expect(denied.status == 0)
        #expect(denied.stdout.contains("the purpose is NOT one the policy allows"))
        let missing = try project.run(["report", "dpia", "nope.yaml"])
        #expect(missing.status == 2)
    }
}
