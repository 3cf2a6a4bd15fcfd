import CharterCore
import CharterTestSupport
import CharterWorkflow
import Dispatch
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CharterRegistry
@testable import CharterServer

/// The dashboard at `GET /`: what it shows of a registry, who may see which part, that every
/// shown value is escaped, and that headless Chromium draws it with JavaScript off.
@Suite("Dashboard", .serialized)
struct DashboardTests {
    /// When the registry's events happen; the page is read at ``asOf``.
    static let now = Timestamp(millisecondsSinceEpoch: 1_795_000_000_000)
    static let asOf = "2026-11-23"
    static let hostile = #"<script>alert(1)</script> "q" & 'a'"#

    /// An Ed25519 public key (RFC 8032, test 1) and its fingerprint, as the registry tests use.
    static let publicKey = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
    static let keyID = "sha256:21fe31dfa154a261626bf854046fd2271b7bed4b6abe45aa58877ef47f9721b9"

    static func days(_ count: Int64) -> Duration { .seconds(count * 86_400) }

    /// A registry holding one source with ε 3 spent and 1.5 reserved of 10, a certificate expiring
    /// in 10 days, one revoked and one expiring in 200 days (not shown).
    @discardableResult
    static func seed(
        _ path: String, source: String = "gbsg2-2026q3", actor: String = "erin@hospital.example",
        certificate prefix: String = "cert", reason: String = "source withdrawn"
    ) throws -> SQLiteRegistry {
        let registry = try SQLiteRegistry(path: path, create: true)
        let epoch = Timestamp(rfc3339: "2026-01-01T00:00:00Z") ?? now
        _ = try registry.activateSigningKey(publicKey: publicKey, as: .initial, actor: "security", at: epoch)
        try registry.registerSource(source, cap: BudgetCap(epsilon: 10, delta: 0.00001), actor: actor, at: now)
        let spent = try registry.reserve(
            ReservationRequest(
                source: source, run: "sha256:plan-a", mechanism: "dp-copula", cost: .pure(epsilon: 3),
                lease: .seconds(3600), actor: actor),
            at: now)
        _ = try registry.commit(spent.id, actor: actor, at: now)
        _ = try registry.reserve(
            ReservationRequest(
                source: source, run: "sha256:plan-b", mechanism: "dp-copula", cost: .pure(epsilon: 1.5),
                lease: days(10), actor: actor),
            at: now)
        let issued = now.advanced(by: .seconds(-100 * 86_400))
        for (id, lifetime) in [
            ("\(prefix)-expiring", Int64(110)), ("\(prefix)-revoked", 400), ("\(prefix)-later", 300),
        ] {
            try registry.recordCertificate(
                CertificateRecord(
                    id: id, source: source, tier: "medium", audience: "internal", consumers: ["oncology-ml"],
                    issuedAt: issued, expiresAt: issued.advanced(by: days(lifetime)),
                    digest: ContentDigest.sha256("certificate \(id)"), keyID: keyID),
                actor: "engine", at: now)
        }
        _ = try registry.revokeCertificate("\(prefix)-revoked", reason: reason, actor: actor, at: now)
        return registry
    }

    /// A throwaway folder, removed after `body`.
    static func withFolder(_ body: (URL) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("charter-dash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try await body(folder)
    }

    static func configuration(_ folder: URL, tokens: Bool) throws -> ServerConfiguration {
        var configuration = try ServerTests.configuration(
            tokens: tokens, registry: folder.appendingPathComponent("registry.sqlite").path)
        configuration.runDirectory = folder.appendingPathComponent("runs").path
        return configuration
    }

    /// Asks a server with tokens to run a plan that waits for approvals: refused (422), and audited
    /// with the approvals awaited.
    static func refusePendingRun(_ folder: URL) async throws {
        let (router, _) = try CharterServer.build(try configuration(folder, tokens: true))
        try await Application(router: router).test(.router) { client in
            var headers = ServerTests.yaml
            headers[.authorization] = "Bearer alice-token"
            let pending = try await client.execute(
                uri: "/v1/runs?now=\(asOf)", method: .post, headers: headers,
                body: try ServerTests.manifest("pending-gbsg2-prototyping.yaml"))
            #expect(pending.status == .unprocessableContent)
        }
    }

    /// The HTML of the page's section `id`, or `nil` when it has none.
    static func section(_ id: String, of page: String) -> String? {
        guard let start = page.range(of: "<section id=\"\(id)\">"),
            let end = page.range(of: "</section>", range: start.upperBound..<page.endIndex)
        else { return nil }
        return String(page[start.lowerBound..<end.upperBound])
    }

    /// The texts the seeded registry's page shows.
    static let expectedTexts = [
        "gbsg2-2026q3", "REQ-2026-0142", "cert-expiring", "cert-revoked", "source withdrawn", "The chain verifies",
        "Pending approvals", "Runs in progress",
    ]

    @Test func thePageShowsBudgetsApprovalsCertificatesAndTheAuditChain() async throws {
        try await Self.withFolder { folder in
            let registry = try Self.seed(folder.appendingPathComponent("registry.sqlite").path)
            try await Self.refusePendingRun(folder)
            let refusal = try #require(
                try registry.auditRecords().last { $0.action == AuditNote.requestRefused.rawValue })
            #expect(refusal.detailsValue?["request"] == "REQ-2026-0142")
            #expect(refusal.detailsValue?["awaiting"]?.arrayValue?.isEmpty == false)
            #expect(try registry.verifyAudit().isIntact)

            let (router, _) = try CharterServer.build(try Self.configuration(folder, tokens: true))
            try await Application(router: router).test(.router) { client in
                let anonymous = try await client.execute(uri: "/?now=\(Self.asOf)", method: .get)
                #expect(anonymous.status == .unauthorized)

                let response = try await client.execute(
                    uri: "/?now=\(Self.asOf)", method: .get, headers: [.authorization: "Bearer root-token"])
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                let policy = try #require(response.headers[.contentSecurityPolicy])
                #expect(policy.contains("default-src 'none'"))
                #expect(policy.contains("script-src 'none'"))
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                let page = String(buffer: response.body)
                for text in Self.expectedTexts { #expect(page.contains(text), "\(text)") }
                // ε spent 3, reserved 1.5, left 5.5 of 10; the bar's widths follow.
                #expect(page.contains("<td>3</td><td>1.5</td><td>5.5</td><td>10</td>"))
                #expect(page.contains("width: 30.0%") && page.contains("width: 15.0%"))
                let certificates = try #require(Self.section("certificates", of: page))
                #expect(certificates.contains("cert-expiring") && certificates.contains("cert-revoked"))
                #expect(!certificates.contains("cert-later"), "a certificate expiring in 200 days is not listed")
                #expect(page.contains("alice@hospital.example"), "who was refused the pending run")
                for link in [
                    "/v1/budgets", "/v1/budgets/gbsg2-2026q3", "/v1/certificates", "/v1/certificates/cert-expiring",
                    "/v1/audit", "/openapi.json",
                ] {
                    #expect(page.contains("href=\"\(link)\""), "\(link)")
                }
                #expect(page.contains("/v1/runs/{id}"))
                #expect(!page.lowercased().contains("<script"))
                #expect(!page.contains("onload=") && !page.contains("onerror="))

                // A consumer reads the certificates, not the budgets or the audit chain.
                let consumer = try await client.execute(
                    uri: "/?now=\(Self.asOf)", method: .get, headers: [.authorization: "Bearer connie-token"])
                #expect(consumer.status == .ok)
                let limited = String(buffer: consumer.body)
                #expect(limited.contains("cert-expiring"))
                #expect(!limited.contains("REQ-2026-0142"))
                #expect(!limited.contains("<td>1.5</td>"))
                #expect(limited.contains("may not do this"))
            }
        }
    }

    @Test func aReadOnlyServerShowsThePageToAnyoneAndSaysWhenThereIsNoRegistry() async throws {
        try await Self.withFolder { folder in
            try Self.seed(folder.appendingPathComponent("registry.sqlite").path)
            let (router, _) = try CharterServer.build(try Self.configuration(folder, tokens: false))
            try await Application(router: router).test(.router) { client in
                let response = try await client.execute(uri: "/?now=\(Self.asOf)", method: .get)
                #expect(response.status == .ok)
                let page = String(buffer: response.body)
                #expect(page.contains("read-only"))
                #expect(page.contains("cert-revoked"))
                #expect(page.contains("No request is waiting for approvals."))
            }
        }
        try await ServerTests.withServer { client in
            let response = try await client.execute(uri: "/", method: .get)
            #expect(response.status == .serviceUnavailable)
            #expect(response.headers[.contentSecurityPolicy] != nil)
            #expect(String(buffer: response.body).contains("the registry cannot be read"))
        }
    }

    @Test func runsInProgressAreShownAsTheirReadersMaySeeThem() async throws {
        try await Self.withFolder { folder in
            try Self.seed(folder.appendingPathComponent("registry.sqlite").path)
            let (router, routes) = try CharterServer.build(try Self.configuration(folder, tokens: true))
            let release = DispatchSemaphore(value: 0)
            let submitted = routes.board.submit(
                actor: "erin@hospital.example", requestID: "REQ-RUNNING", planDigest: "sha256:p",
                source: "gbsg2-2026q3", actingAt: Self.now.description
            ) { _, progress in
                progress("budget: reserving")
                release.wait()
                return ("failed", nil)
            }
            let run = try #require(submitted)
            defer { release.signal() }
            try await Application(router: router).test(.router) { client in
                let engineer = String(
                    buffer: try await client.execute(
                        uri: "/?now=\(Self.asOf)", method: .get, headers: [.authorization: "Bearer erin-token"]
                    ).body)
                let runs = try #require(Self.section("runs", of: engineer))
                #expect(runs.contains("href=\"/v1/runs/\(run.id)\""))
                #expect(runs.contains("REQ-RUNNING"))
                // A requester reads only its own runs; a consumer none.
                let requester = String(
                    buffer: try await client.execute(
                        uri: "/?now=\(Self.asOf)", method: .get, headers: [.authorization: "Bearer alice-token"]
                    ).body)
                #expect(Self.section("runs", of: requester)?.contains("No run is queued or running.") == true)
                let consumer = String(
                    buffer: try await client.execute(
                        uri: "/?now=\(Self.asOf)", method: .get, headers: [.authorization: "Bearer connie-token"]
                    ).body)
                #expect(Self.section("runs", of: consumer)?.contains("may not do this") == true)
            }
        }
    }

    @Test func hostileNamesAreEscapedEverywhere() async throws {
        try await Self.withFolder { folder in
            let registry = try Self.seed(
                folder.appendingPathComponent("registry.sqlite").path, source: Self.hostile, actor: Self.hostile,
                certificate: Self.hostile, reason: Self.hostile)
            // A refused pending run as a server records it, with a hostile request id, role and rule.
            try registry.recordNote(
                .requestRefused, subject: "run",
                details: [
                    "operation": "runs.start", "status": 422, "reason": "the plan waits for approvals",
                    "request": .string(Self.hostile), "plan": "sha256:0123456789abcdef0123",
                    "awaiting": [["roles": [.string(Self.hostile)], "count": 1, "rule": .string(Self.hostile)]],
                ],
                actor: Self.hostile, at: Self.now)
            #expect(try registry.verifyAudit().isIntact)
            let (router, _) = try CharterServer.build(try Self.configuration(folder, tokens: false))
            try await Application(router: router).test(.router) { client in
                let response = try await client.execute(uri: "/?now=\(Self.asOf)", method: .get)
                #expect(response.status == .ok)
                let page = String(buffer: response.body)
                #expect(!page.contains("<script"))
                #expect(!page.contains(Self.hostile))
                #expect(!page.contains("'a'"))
                let escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &quot;q&quot; &amp; &apos;a&apos;"
                // Source, actor, revocation reason, certificate ids, request id, role, audit rows.
                let count = page.components(separatedBy: escaped).count - 1
                #expect(count >= 8, "the hostile text is shown escaped \(count) times")
                #expect(
                    page.contains(
                        "href=\"/v1/budgets/%3Cscript%3Ealert%281%29%3C%2Fscript%3E%20%22q%22%20%26%20%27a%27\""))
            }
        }
    }

    @Test func theRendererEscapesRunsAndTheHelpersEscapeEveryMetacharacter() {
        #expect(#"<a href="x">&'</a>"#.htmlEscaped == "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;")
        #expect("plain é".htmlEscaped == "plain é")
        // A control character (which html5lib's strict mode refuses) is replaced, not passed through.
        #expect("a\u{7}b".htmlEscaped == "a\u{FFFD}b")
        #expect(HTMLText.pathSegment("a b/../é") == "a%20b%2F..%2F%C3%A9")
        var run = RunRecord(
            id: "run-00000000-0000-0000-0000-000000000000", status: "running", actor: Self.hostile,
            requestID: Self.hostile, planDigest: "sha256:x", source: Self.hostile, actingAt: Self.now.description)
        run.stage = Self.hostile
        let page = DashboardPage(
            asOf: Self.now, overview: nil, registryProblem: Self.hostile, runs: [run], readOnly: true
        )
        .render()
        #expect(!page.contains("<script"))
        #expect(page.contains("href=\"/v1/runs/run-00000000-0000-0000-0000-000000000000\""))
        #expect(page.components(separatedBy: "&lt;script&gt;").count - 1 == 5)
    }

    @Test func pendingApprovalsEndWhenApprovedOrRun() {
        func record(_ seq: Int64, _ action: AuditNote, _ details: JSONValue) -> AuditRecord {
            AuditRecord(
                seq: seq, at: Self.now.description, actor: "alice@hospital.example", action: action.rawValue,
                subject: "run", details: (try? details.canonical()) ?? "{}", previousHash: "", hash: "")
        }
        let awaiting: JSONValue = [
            "request": "REQ-1", "plan": "sha256:p",
            "awaiting": [
                ["roles": ["privacy-officer"], "count": 1, "rule": "approvals.all_of", "override": false],
                ["roles": ["dpo", "ethics"], "count": 2, "rule": "R7", "override": true],
            ],
        ]
        let refused = record(1, .requestRefused, awaiting)
        #expect(PendingApproval.pending(in: [refused]).first?.awaiting.count == 2)
        let officer = record(2, .approvalAccepted, ["request": "REQ-1", "role": "privacy-officer", "signer": "p@x"])
        let dpo = record(3, .approvalAccepted, ["request": "REQ-1", "role": "dpo", "signer": "d@x"])
        let partly = PendingApproval.pending(in: [refused, officer, dpo])
        #expect(partly.first?.awaiting.map(\.need.source) == ["R7"])
        #expect(partly.first?.awaiting.first?.received == 1)
        let ethics = record(4, .approvalAccepted, ["request": "REQ-1", "role": "ethics", "signer": "e@x"])
        #expect(PendingApproval.pending(in: [refused, officer, dpo, ethics]).isEmpty)
        let run = record(2, .runAccepted, ["run": "run-1", "request": "REQ-1", "plan": "sha256:p"])
        #expect(PendingApproval.pending(in: [refused, run]).isEmpty)
        // A refusal for another reason (no `awaiting`) lists nothing.
        #expect(PendingApproval.pending(in: [record(1, .requestRefused, ["status": 401, "reason": "x"])]).isEmpty)
    }

    @Test func theVerificationIsReusedWhileTheChainIsUnchanged() async throws {
        try await Self.withFolder { folder in
            let registry = try Self.seed(folder.appendingPathComponent("registry.sqlite").path)
            let cache = AuditVerificationCache(minimumInterval: .zero)
            let first = try GovernanceOverview(store: registry, at: Self.now, verifications: cache, auditLimit: 3)
            #expect(!first.verificationReused && first.verification.isIntact)
            #expect(first.latestAudit.count == 3)
            #expect(first.latestAudit.map(\.seq) == first.latestAudit.map(\.seq).sorted(by: >))
            #expect(first.latestAudit.first?.seq == first.verification.headSeq)
            #expect(first.latestAudit.reversed() == Array(try registry.auditRecords().suffix(3)))
            let recorded = try registry.latestAuditRecords(2, actions: ["certificate.record", "nothing.such"])
            #expect(recorded.map(\.subject) == ["cert-revoked", "cert-later"])
            let second = try GovernanceOverview(store: registry, at: Self.now, verifications: cache, auditLimit: 3)
            #expect(second.verificationReused)
            try registry.recordNote(.runAccepted, subject: "run-1", details: ["run": "run-1"], actor: "x", at: Self.now)
            let third = try GovernanceOverview(store: registry, at: Self.now, verifications: cache, auditLimit: 3)
            #expect(!third.verificationReused)
            #expect(third.verification.headSeq == first.verification.headSeq + 1)
            #expect(third.unverifiedRecords == 0)
            // Within the minimum interval a grown chain reuses the last result, and says how far it goes.
            let patient = AuditVerificationCache(minimumInterval: .seconds(3600))
            _ = try patient.verification(of: registry, head: try registry.latestAuditRecords(1, actions: []).last)
            try registry.recordNote(.runAccepted, subject: "run-2", details: ["run": "run-2"], actor: "x", at: Self.now)
            let stale = try GovernanceOverview(store: registry, at: Self.now, verifications: patient, auditLimit: 3)
            #expect(stale.verificationReused)
            #expect(stale.unverifiedRecords == 1)
            let page = DashboardPage(asOf: Self.now, overview: stale, runs: [], readOnly: true).render()
            #expect(
                page.contains(
                    "verified up to record \(third.verification.headSeq); 1 later record waits for the next verification"
                ))
        }
    }

    /// html5lib parses the page strictly (the first parse error fails), finds nothing that runs or
    /// embeds, and reads the hostile text back exactly as it was written: escaped once, not twice.
    @Test(.requiresPython("html5lib"))
    func thePageIsWellFormedHTML() async throws {
        try await Self.withFolder { folder in
            let registry = try Self.seed(folder.appendingPathComponent("registry.sqlite").path)
            try await Self.refusePendingRun(folder)
            try registry.recordNote(
                .runAccepted, subject: Self.hostile, details: ["run": "run-1"], actor: Self.hostile, at: Self.now)
            let (router, _) = try CharterServer.build(try Self.configuration(folder, tokens: false))
            try await Application(router: router).test(.router) { client in
                let page = String(buffer: try await client.execute(uri: "/?now=\(Self.asOf)", method: .get).body)
                let file = folder.appendingPathComponent("dashboard.html")
                try Data(page.utf8).write(to: file)
                let result = try Python.run(
                    """
                    import sys, html5lib
                    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
                    document = parser.parse(open(sys.argv[1], "rb").read())
                    names = [e.tag for e in document.iter() if isinstance(e.tag, str)]
                    bad = [n for n in names if n in ("script", "img", "iframe", "object", "embed", "link", "form")]
                    if bad:
                        sys.exit("forbidden: %s" % bad)
                    text = "".join(document.itertext())
                    missing = [needle for needle in sys.argv[2:] if needle not in text]
                    sys.exit("not shown as text: %r" % missing if missing else 0)
                    """, arguments: [file.path, Self.hostile, "REQ-2026-0142", "cert-expiring", "data_steward"])
                #expect(result.status == 0, "\(result.output)")
            }
        }
    }

    /// Runs `executable arguments…` off Swift's cooperative threads (the live server answers on
    /// them while this waits), with its combined output.
    static func run(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    with: Result {
                        let process = Process()
                        process.executableURL = URL(fileURLWithPath: executable)
                        process.arguments = arguments
                        let pipe = Pipe()
                        process.standardOutput = pipe
                        process.standardError = FileHandle.nullDevice
                        try process.run()
                        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                        process.waitUntilExit()
                        return (process.terminationStatus, output)
                    })
            }
        }
    }

    @Test(.requiresChromium())
    func chromiumDrawsThePageWithJavaScriptOff() async throws {
        let browser = try #require(Chromium.path)
        try await Self.withFolder { folder in
            try Self.seed(folder.appendingPathComponent("registry.sqlite").path)
            try await Self.refusePendingRun(folder)
            let (router, _) = try CharterServer.build(try Self.configuration(folder, tokens: false))
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
            try await app.test(.live) { client in
                let port = try #require(client.port)
                let url = "http://127.0.0.1:\(port)/?now=\(Self.asOf)"
                let png = folder.appendingPathComponent("dashboard.png").path
                let shot = try await Self.run(
                    "/usr/bin/env",
                    ["CHARTER_SCREENSHOT_SCRIPTS=off", "/bin/sh", Chromium.screenshotScript, url, png, "1280x1600"])
                #expect(shot.status == 0, "\(shot.output)")
                let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: png)))
                #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
                #expect(bytes.count > 20_000, "\(bytes.count) bytes: more than a blank page")
                // IHDR: width and height, big-endian, at bytes 16–23.
                let width = bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }
                let height = bytes[20..<24].reduce(0) { $0 << 8 | Int($1) }
                #expect(width == 1280 && height == 1600, "\(width)×\(height)")
                // JavaScript off through the profile, as the screenshot script does: Chromium 156 prints
                // no DOM under --blink-settings=scriptEnabled=false.
                let profile = folder.appendingPathComponent("profile")
                try FileManager.default.createDirectory(
                    at: profile.appendingPathComponent("Default"), withIntermediateDirectories: true)
                try Data(#"{"profile":{"default_content_setting_values":{"javascript":2}}}"#.utf8).write(
                    to: profile.appendingPathComponent("Default/Preferences"))
                let dom = try await Self.run(
                    browser,
                    [
                        "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                        "--user-data-dir=\(profile.path)", "--dump-dom", url,
                    ])
                #expect(dom.status == 0)
                for text in Self.expectedTexts { #expect(dom.output.contains(text), "\(text)") }
                for section in DashboardPage.Section.allCases {
                    #expect(dom.output.contains("<section id=\"\(section.rawValue)\">"), "\(section)")
                }
                if let keep = ProcessInfo.processInfo.environment["CHARTER_KEEP_SCREENSHOT"] {
                    let target = keep.replacingOccurrences(of: ".png", with: "-dashboard.png")
                    try? FileManager.default.removeItem(atPath: target)
                    try FileManager.default.copyItem(atPath: png, toPath: target)
                }
            }
        }
    }
}
