import CharterTestSupport
import Foundation
import Testing

/// Approvals as an attacker would try them, against the reference policy (allowed signers and
/// directory in `policies/`, example keys in `examples/keys/`): forged, replayed, renamed and
/// raced approvals never count.
@Suite("signed approvals and one run per approval", .serialized)
struct ApprovalTrustTests {
    /// A scratch copy of policies/, examples/ and grammar/ with its own registry.
    final class Project: Sendable {
        let directory: URL
        static let now = "2026-12-03"
        static let example = "examples/requests/allowed-gbsg2-prototyping.yaml"

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("charter-trust-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            for folder in ["policies", "examples", "grammar"] {
                try FileManager.default.copyItem(
                    at: CLIRunner.checkout.appendingPathComponent(folder), to: directory.appendingPathComponent(folder))
            }
        }

        deinit { try? FileManager.default.removeItem(at: directory) }

        /// A fresh project that has run the front-door example, and that run's result, for tests of
        /// what comes after publication. A differentially private run draws fresh noise (never
        /// seeded), so the example's gates are random: its membership check fails a few runs per
        /// thousand (`docs/measurements/gates.md`). A run that a gate failed starts over once in a
        /// new project (fresh registry and budget), as `ExampleRunTests.allowed` does; a real
        /// regression fails both, and any other outcome is returned for the caller to assert.
        static func runFrontDoor(preparing prepare: (Project) throws -> Void = { _ in }) throws
            -> (project: Project, run: CLIRunner.Result)
        {
            var attempt = 0
            while true {
                let project = try Project()
                try prepare(project)
                let run = try project.run(["run", example, "--now", now])
                attempt += 1
                if run.status == 1, run.stdout.contains("Not published"), attempt < 2 { continue }
                return (project, run)
            }
        }

        /// Whether a run got past its approvals and ran: it published, or (the example's gates
        /// being random, see ``runFrontDoor(preparing:)``) a gate failed it after it spent its budget.
        static func ran(_ run: (status: Int32, output: String)) -> Bool {
            run.status == 0 || (run.status == 1 && run.output.contains("Not published"))
        }

        func run(_ arguments: [String]) throws -> CLIRunner.Result {
            try CLIRunner.run(arguments, in: directory)
        }

        func read(_ path: String) throws -> String {
            try String(contentsOf: directory.appendingPathComponent(path), encoding: .utf8)
        }

        func write(_ text: String, to path: String) throws {
            try Data(text.utf8).write(to: directory.appendingPathComponent(path))
        }

        /// The example request with its approvals cut off, and `edit` applied.
        func unapproved(_ edit: (String) -> String = { $0 }) throws -> String {
            let text = try read(Self.example)
            let head = text.components(separatedBy: "\napprovals:\n")[0] + "\n"
            return edit(head)
        }

        /// The plan digest `charter plan` gives `request` now.
        func planDigest(_ request: String) throws -> String {
            let result = try run(["plan", request, "--format", "json", "--now", Self.now])
            let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            return try #require(json?["digest"] as? String, "\(result.stderr)")
        }

        /// Runs every argument list at once, each in its own process; returns each status and output.
        func runConcurrently(_ commands: [[String]]) async throws -> [(status: Int32, output: String)] {
            try await withThrowingTaskGroup(of: (Int32, String).self) { group in
                for arguments in commands {
                    group.addTask {
                        let result = try self.run(arguments)
                        return (result.status, result.stdout + result.stderr)
                    }
                }
                return try await group.reduce(into: [(Int32, String)]()) { $0.append($1) }
            }
        }

        /// The ledger events `charter budget` lists for the one source.
        func ledgerRuns() throws -> [[String: Any]] {
            let budget = try run(["budget", "--format", "json", "--now", Self.now])
            let json = try JSONSerialization.jsonObject(with: Data(budget.stdout.utf8)) as? [String: Any]
            let sources = json?["sources"] as? [[String: Any]]
            return try #require(sources?.first?["runs"] as? [[String: Any]], "\(budget.stdout)")
        }

        /// Signs an approval of `request` with `key` and appends it.
        @discardableResult
        func approve(_ request: String, role: String = "data_steward", key: String = "examples/keys/carol", plan: String?)
            throws -> CLIRunner.Result
        {
            var arguments = ["approve", request, "--role", role, "--key", key, "--now", Self.now, "--write"]
            if let plan { arguments += ["--plan", plan] }
            return try run(arguments)
        }
    }

    @Test("the example's signed approval counts; cut its signature and it is plain text that never counts")
    func unsignedApprovalNeverCounts() throws {
        let project = try Project()
        #expect(try project.run(["check", Project.example, "--now", Project.now]).status == 0)
        let text = try project.read(Project.example)
        let stripped = text.components(separatedBy: "    signature: |")[0]
        try project.write(stripped, to: "plain.yaml")
        let result = try project.run(["check", "plain.yaml", "--now", Project.now])
        #expect(result.status == 3)
        #expect(result.stdout.contains("it is not signed"))
    }

    @Test("the README's flow: plan, approve --write into `approvals: []`, then the request is allowed")
    func approveWritesIntoAnEmptyList() throws {
        let project = try Project()
        let file = "examples/requests/pending-gbsg2-prototyping.yaml"
        #expect(try project.read(file).contains("approvals: []"))
        #expect(try project.run(["check", file, "--now", Project.now]).status == 3)
        let result = try project.approve(file, plan: try project.planDigest(file))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try project.run(["check", file, "--now", Project.now]).status == 0)
        // Approving again appends a second entry to the block list, which lint flags as a duplicate.
        #expect(try project.approve(file, plan: try project.planDigest(file)).status == 0)
        let twice = try project.run(["check", file, "--now", Project.now])
        #expect(twice.stdout.contains("approves twice") || twice.stderr.contains("approves twice"))
    }

    @Test("a key in no allowed-signers file, another person's key, an edited by and a replayed plan never count")
    func forgedApprovalsNeverCount() throws {
        let project = try Project()
        try project.write(try project.unapproved(), to: "r.yaml")
        let digest = try project.planDigest("r.yaml")

        // Mallory's key is in no allowed-signers file: approve refuses to write it, and a signature
        // pasted in by hand (made by ssh-keygen's format, verified the same way) does not count.
        let rogue = try project.run([
            "approve", "r.yaml", "--role", "data_steward", "--by", "carol@hospital.example", "--key",
            CLIRunner.fixtures.appendingPathComponent("trust/mallory").path, "--plan", digest, "--now", Project.now,
        ])
        #expect(rogue.status == 2)
        #expect(rogue.stderr.contains("is not an allowed signer for carol@hospital.example"))

        // Erin signs as Erin, then the file is edited to say Carol.
        try project.approve("r.yaml", key: "examples/keys/erin", plan: digest)
        let erin = try project.read("r.yaml")
        try project.write(erin.replacingOccurrences(of: "by: erin@", with: "by: carol@"), to: "edited.yaml")
        let edited = try project.run(["run", "edited.yaml", "--now", Project.now])
        #expect(edited.status == 3)
        #expect(edited.stdout.contains("the signature does not match this approval"))

        // Carol signs another plan; the digest is then edited to this plan's.
        try project.write(try project.unapproved(), to: "replay.yaml")
        let other = "sha256:" + String(repeating: "ab", count: 32)
        try project.approve("replay.yaml", plan: other)
        let replayed = try project.read("replay.yaml")
        try project.write(replayed.replacingOccurrences(of: other, with: digest), to: "replayed.yaml")
        let rebound = try project.run(["run", "replayed.yaml", "--now", Project.now])
        #expect(rebound.status == 3)
        #expect(rebound.stdout.contains("the signature does not match this approval"))
        // Left bound to the other plan, it is stale.
        let stale = try project.run(["run", "replay.yaml", "--now", Project.now])
        #expect(stale.status == 3)
        #expect(stale.stdout.contains("the approval is for a different plan"))
        #expect(!FileManager.default.fileExists(atPath: project.directory.appendingPathComponent("out").path))
    }

    @Test(
        "every spelling of the requester fails separation of duties",
        arguments: [
            "Carol@hospital.example", "\"carol@hospital.example \"", "carol+x@hospital.example", "carol@hospital.example.",
            "CAROL@HOSPITAL.EXAMPLE", "\"\u{FF43}arol@hospital.example\"",
        ])
    func requesterSpellings(_ requester: String) throws {
        let project = try Project()
        try project.write(
            try project.unapproved {
                $0.replacingOccurrences(of: "requester: alice@hospital.example", with: "requester: \(requester)")
            }, to: "r.yaml")
        #expect(try project.read("r.yaml").contains("requester: \(requester)"))
        let digest = try project.planDigest("r.yaml")
        #expect(try project.approve("r.yaml", plan: digest).status == 0)
        let result = try project.run(["run", "r.yaml", "--now", Project.now])
        #expect(result.status == 3, "\(result.stdout)")
        #expect(result.stdout.contains("the requester cannot approve their own request"))
    }

    @Test(
        "a look-alike identity or a group as approver is refused by lint, before any decision",
        arguments: ["requester: \u{0441}arol@hospital.example", "    by: group:risk-committee"])
    func lookAlikesAndGroups(_ line: String) throws {
        let project = try Project()
        var text = try project.unapproved {
            $0.replacingOccurrences(of: "requester: alice@hospital.example", with: line.hasPrefix("requester") ? line : "requester: alice@hospital.example")
        }
        if !line.hasPrefix("requester") {
            text += "approvals:\n  - role: risk_committee\n\(line)\n    at: 2026-12-01\n"
        }
        try project.write(text, to: "r.yaml")
        let result = try project.run(["check", "r.yaml", "--now", Project.now])
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        #expect((result.stdout + result.stderr).contains("CH208"))
    }

    @Test("charter approve and ssh-keygen -Y sign make the same approval")
    func sshKeygenSignsTheSameApproval() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh-keygen") else {
            #expect(
                ProcessInfo.processInfo.environment["CHARTER_REQUIRE_SSH_KEYGEN"] != "1",
                "CHARTER_REQUIRE_SSH_KEYGEN=1 but /usr/bin/ssh-keygen is not installed")
            print("skipped: /usr/bin/ssh-keygen is not installed (charter's own signing is tested elsewhere)")
            return
        }
        let project = try Project()
        try project.write(try project.unapproved(), to: "r.yaml")
        let digest = try project.planDigest("r.yaml")
        let common = ["approve", "r.yaml", "--role", "data_steward", "--plan", digest, "--now", Project.now]
        let ours = try project.run(common + ["--key", "examples/keys/carol"])
        #expect(ours.status == 0, "\(ours.stderr)")
        let statement = try project.run(common + ["--statement", "--by", "carol@hospital.example"])
        try project.write(statement.stdout, to: "statement.txt")
        // ssh-keygen refuses a key others can read; git checks keys out 0644.
        let key = project.directory.appendingPathComponent("carol-key")
        try FileManager.default.copyItem(at: project.directory.appendingPathComponent("examples/keys/carol"), to: key)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key.path)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-keygen")
        process.arguments = ["-Y", "sign", "-q", "-f", key.path, "-n", "charter-approval", "statement.txt"]
        process.currentDirectoryURL = project.directory
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let theirs = try project.run(common + ["--signature", "statement.txt.sig", "--by", "carol@hospital.example"])
        #expect(theirs.status == 0, "\(theirs.stderr)")
        // Ed25519 signatures are deterministic: both tools write the same approval, byte for byte.
        #expect(theirs.stdout == ours.stdout)
        try project.write(try project.unapproved() + "approvals:\n" + theirs.stdout, to: "r.yaml")
        #expect(try project.run(["check", "r.yaml", "--now", Project.now]).status == 0)
    }

    @Test("20 concurrent runs of one approved request: one runs, ε is spent once")
    func oneApprovalBuysOneRun() async throws {
        let project = try Project()
        let statuses = try await project.runConcurrently(
            (0..<20).map { ["run", Project.example, "--now", Project.now, "--out", "out\($0)"] })
        #expect(statuses.filter(Project.ran).count == 1)
        for (status, output) in statuses where !Project.ran((status, output)) {
            // Refused before any data was read: the plan has run, or (planned after the first
            // reserved) the approval is bound to a ledger state that is gone.
            #expect(
                output.contains("has already run") || output.contains("the approval is for a different plan"),
                "\(status): \(output)")
        }
        let runs = try project.ledgerRuns()
        #expect(runs.count == 1)
        #expect(runs.first?["state"] as? String == "committed")
    }

    @Test("20 concurrent different requests on one source, each approved against the same ledger: one runs")
    func approvalsBindTheLedgerState() async throws {
        let project = try Project()
        for index in 0..<20 {
            let file = "r\(index).yaml"
            try project.write(
                try project.unapproved { $0.replacingOccurrences(of: "id: REQ-2026-0201", with: "id: REQ-RACE-\(index)") },
                to: file)
            #expect(try project.read(file).contains("REQ-RACE-\(index)"))
            try project.approve(file, plan: try project.planDigest(file))
        }
        let outputs = try await project.runConcurrently((0..<20).map { ["run", "r\($0).yaml", "--now", Project.now] })
        // Every approval bound the empty ledger: once one run reserved, every other approval is for
        // a ledger that is gone, whether the run saw it at planning or inside the reservation.
        #expect(outputs.filter(Project.ran).count == 1)
        for (status, output) in outputs where !Project.ran((status, output)) {
            #expect(
                output.contains("changed since the plan was made") || output.contains("the approval is for a different plan"),
                "\(status): \(output)")
        }
        #expect(try project.ledgerRuns().count == 1)
    }
}

/// Signed policy sets: `plan`, `apply` and `run` with `--require-signed-policy` refuse a set that
/// is unsigned, signed by a key the signers file does not allow, or changed since, naming the file.
@Suite("signed policy sets")
struct PolicySigningTests {
    static let plan = ["plan", ApprovalTrustTests.Project.example, "--now", ApprovalTrustTests.Project.now]

    /// A project with a policy-signers file allowing Dan's example key.
    static func project() throws -> (ApprovalTrustTests.Project, String) {
        let project = try ApprovalTrustTests.Project()
        let dan = try project.read("examples/keys/dan.pub").split(separator: " ").prefix(2).joined(separator: " ")
        try project.write("dan@hospital.example namespaces=\"charter-policy\" \(dan)\n", to: "policy-signers")
        return (project, "policy-signers")
    }

    @Test("unsigned is refused; signed passes; an edited file is named; the same flag works through the environment")
    func signedPolicySets() throws {
        let (project, signers) = try Self.project()
        let unsigned = try project.run(Self.plan + ["--require-signed-policy", signers])
        #expect(unsigned.status == 2)
        #expect(unsigned.stderr.contains("the policy set is not signed"))
        #expect(try project.run(["policy", "sign", "policies", "--key", "examples/keys/dan"]).status == 0)
        #expect(try project.run(Self.plan + ["--require-signed-policy", signers]).status == 0)
        #expect(try project.run(["policy", "verify", "--signers", signers]).status == 0)

        let allowed = try project.read("policies/allowed-signers")
        try project.write(allowed + "mallory@hospital.example " + (try project.read("examples/keys/bob.pub")), to: "policies/allowed-signers")
        let altered = try CLIRunner.run(
            ["run", ApprovalTrustTests.Project.example, "--now", ApprovalTrustTests.Project.now], in: project.directory,
            environment: ["CHARTER_POLICY_SIGNERS": signers])
        #expect(altered.status == 2)
        #expect(altered.stderr.contains("changed since signing: allowed-signers"))
        #expect(!FileManager.default.fileExists(atPath: project.directory.appendingPathComponent(".charter").path))
        #expect(try project.run(["policy", "verify", "--signers", signers]).status == 1)
    }

    @Test("a set signed by a key the signers file does not allow, or a manifest edited after signing, is refused")
    func wrongSignerOrEditedManifest() throws {
        let (project, signers) = try Self.project()
        #expect(try project.run(["policy", "sign", "--key", "examples/keys/carol"]).status == 0)
        let carol = try project.run(Self.plan + ["--require-signed-policy", signers])
        #expect(carol.status == 2)
        #expect(carol.stderr.contains("which the policy signers do not allow"))

        #expect(try project.run(["policy", "sign", "--key", "examples/keys/dan"]).status == 0)
        let manifest = try project.read("policies/policy.manifest")
        try project.write(manifest + "sha256:\(String(repeating: "0", count: 64)) extra.yaml\n", to: "policies/policy.manifest")
        let edited = try project.run(Self.plan + ["--require-signed-policy", signers])
        #expect(edited.status == 2)
        #expect(edited.stderr.contains("the manifest was edited after signing"))
    }
}

/// Groups through the directory, and identity files that cannot be used.
@Suite("policy identities")
struct PolicyIdentitiesTests {
    /// The `approvals` of the one decision `charter check --format json` prints.
    static func approvals(_ result: CLIRunner.Result) throws -> [[String: Any]] {
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let decision = try #require((json?["decisions"] as? [[String: Any]])?.first, "\(result.stdout)")
        return try #require(decision["approvals"] as? [[String: Any]])
    }

    @Test("a member of group:risk-committee approves in their own name; an outsider with a valid key does not")
    func groupMembersApproveThroughTheDirectory() throws {
        let project = try ApprovalTrustTests.Project()
        try project.write(
            try project.unapproved { $0.replacingOccurrences(of: "high_risk_ai: false", with: "high_risk_ai: true") },
            to: "r.yaml")
        #expect(try project.read("r.yaml").contains("high_risk_ai: true"))
        for key in ["frank", "carol"] {
            var arguments = ["approve", "r.yaml", "--role", "risk_committee", "--key", "examples/keys/\(key)"]
            arguments += ["--now", ApprovalTrustTests.Project.now, "--write"]
            #expect(try project.run(arguments).status == 0)
        }
        let result = try project.run(["check", "r.yaml", "--format", "json", "--now", ApprovalTrustTests.Project.now])
        let verdicts = try Self.approvals(result)
        #expect(verdicts.map { $0["by"] as? String } == ["frank@hospital.example", "carol@hospital.example"])
        #expect(verdicts.map { $0["counts"] as? Bool } == [true, false])
        #expect((verdicts[1]["reason"] as? String)?.contains("not a member of the role") == true)
    }

    @Test("a missing or malformed allowed-signers file, or a malformed directory, stops every decision")
    func unusableIdentityFiles() throws {
        for (file, text, message) in [
            ("policies/allowed-signers", nil as String?, "cannot read"),
            ("policies/allowed-signers", "carol@hospital.example ssh-rsa AAAA\n", "allowed-signers line 1"),
            ("policies/directory.yaml", "charter: 1\nkind: directory\ngroups:\n  risk-committee: [group:other]\n", "groups do not nest"),
        ] {
            let project = try ApprovalTrustTests.Project()
            let url = project.directory.appendingPathComponent(file)
            if let text { try project.write(text, to: file) } else { try FileManager.default.removeItem(at: url) }
            let result = try project.run(["check", ApprovalTrustTests.Project.example, "--now", ApprovalTrustTests.Project.now])
            #expect(result.status == 2, "\(file): \(result.stdout)")
            #expect((result.stdout + result.stderr).contains(message), "\(result.stdout)\(result.stderr)")
        }
    }

    @Test("lint: a malformed role member is an error, a group without a directory a warning")
    func lintIdentities() throws {
        let project = try ApprovalTrustTests.Project()
        let policy = try project.read("policies/health-synthetic.yaml")
        try project.write(
            policy.replacingOccurrences(of: "legal: [dan@hospital.example]", with: "legal: [\"d\u{0430}n@hospital.example\"]"),
            to: "policies/health-synthetic.yaml")
        let malformed = try project.run(["lint", "policies"])
        #expect(malformed.status == 1)
        #expect(malformed.stdout.contains("CH133"))
        let withoutDirectory = policy.replacingOccurrences(of: "  directory: directory.yaml\n", with: "")
        try project.write(withoutDirectory, to: "policies/health-synthetic.yaml")
        let warned = try project.run(["lint", "policies"])
        #expect(warned.stdout.contains("CH134"), "\(warned.stdout)")
    }
}
