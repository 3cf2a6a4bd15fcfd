import CharterCore
import CharterData
import CharterEngine
import CharterPlan
import CharterRegistry
import CharterStats
import CharterWorkflow
import Foundation
import Testing

/// Revalidation terms, standing, drift and access as library calls, on a certificate published by a
/// policy whose tier revalidates every 30 days and enforces it.
@Suite("certificate lifecycle workflow", .serialized)
struct LifecycleWorkflowTests {
    static let policy =
        WorkflowFixture.policy
        .replacingOccurrences(of: "expiry: { max: 365d }", with: "expiry: { max: 365d, revalidate_every: 30d }")
        + "revalidation: { drift_threshold: 0.15, enforce: true }\n"

    /// Publishes the fixture request under ``policy`` and returns the folder, the registry and the certificate id.
    static func publish() throws -> (RunExecutionTests.Folder, any RegistryStore, String, String) {
        let folder = try RunExecutionTests.Folder()
        let csv = RunExecutionTests.table()
        try csv.write(toFile: folder.path("clinic.csv"), atomically: true, encoding: .utf8)
        let request = WorkflowFixture.request(id: "REQ-LIFE-1")
            .replacingOccurrences(of: "data/clinic.csv", with: folder.path("clinic.csv"))
            .replacingOccurrences(
                of: "sha256:" + String(repeating: "a", count: 64), with: ContentDigest.sha256(Array(csv.utf8)))
        let store = InMemoryInputStore([
            "policies/clinic.yaml": Array(policy.utf8), "requests/r.yaml": Array(request.utf8),
        ])
        guard
            case .planned(let plan, let inputs) = Planning.plan(
                requestFile: "requests/r.yaml", policyPath: "policies", registry: RegistryLocation(path: folder.path("registry.sqlite"), isNamed: true),
                instant: WorkflowFixture.instant, store: store)
        else {
            Issue.record("no plan")
            throw CancellationError()
        }
        guard case .certify(let certify)? = plan.stage(.certify) else { throw CancellationError() }
        #expect(certify.revalidateEveryDays == 30)
        #expect(certify.revalidation == .init(driftThreshold: Decimal(string: "0.15") ?? 0, enforce: true))
        let opened = try RunExecution.open(
            registry: RegistryLocation(path: folder.path("registry.sqlite"), isNamed: true), keyPath: folder.path("signing-key"),
            instant: WorkflowFixture.instant, actor: "alice", outputRoot: folder.path("published"), progress: nil
        ).get()
        guard case .published(let run, _) = opened.execution.execute(plan: plan, inputs: inputs) else {
            Issue.record("not published")
            throw CancellationError()
        }
        return (folder, opened.execution.registry, run.certificate.id, run.certificatePath)
    }

    static func at(_ days: Int) -> ActingInstant {
        ActingInstant(WorkflowFixture.instant.timestamp.advanced(by: .seconds(Int64(days) * 86_400)))!
    }

    @Test(
        "revalidate_every comes due: expiring lists it, verify and access fail while enforced, a passing revalidation restores standing"
    )
    func dueAndEnforced() throws {
        let (folder, registry, id, certificatePath) = try Self.publish()
        let files = FileSystemInputStore()
        let bytes = try #require(files.contents(of: certificatePath))
        #expect(try RevalidationStatus.outOfStanding(registry: registry, at: Self.at(29).timestamp).isEmpty)
        #expect(CertificateCheck.verify(bytes, registry: registry, instant: Self.at(29)).isValid)

        let due = try RevalidationStatus.outOfStanding(registry: registry, at: Self.at(31).timestamp)
        #expect(due.map(\.certificate.id) == [id])
        #expect(due.first?.status.problem?.contains("none has passed") == true)
        let verification = CertificateCheck.verify(bytes, registry: registry, instant: Self.at(31))
        #expect(verification.findings.map(\.kind) == [.revalidation], "\(verification.findings)")
        let refused = try AccessDecision.check(
            id, consumer: "anyone", purpose: "model-prototyping", by: "ann@hospital.example", registry: registry,
            store: files, actor: "ann", instant: Self.at(31))
        #expect(!refused.allowed)
        #expect(refused.reasons.contains { $0.contains("enforces revalidation") })

        let source = try #require(files.contents(of: folder.path("clinic.csv")))
        let revalidation = try Revalidation.revalidate(
            certificatePath, sourceBytes: source, sourceName: "clinic.csv", registry: registry, store: files,
            actor: "bob", instant: Self.at(31))
        #expect(revalidation.passed, "\(revalidation.text)")
        #expect(revalidation.reasons == ["revalidate_every came due"])
        #expect(revalidation.drift.allSatisfy { $0.distance == 0 }, "\(revalidation.drift)")
        #expect(try RevalidationStatus.outOfStanding(registry: registry, at: Self.at(32).timestamp).isEmpty)
        #expect(CertificateCheck.verify(bytes, registry: registry, instant: Self.at(32)).isValid)
        // Due again 30 days after the passing one.
        let record = try #require(try registry.certificate(id))
        let later = RevalidationStatus(
            LifecycleContext(certificate: record, events: try registry.lifecycleEvents(certificate: id)),
            at: Self.at(62).timestamp)
        #expect(later.dueAt == Self.at(61).timestamp && later.isOverdue)
        #expect(try registry.verifyAudit().isIntact)
    }

    @Test("drift: categories by total variation, numbers by KS at the kept percentiles; a lost column is total drift")
    func drift() throws {
        func table(_ ages: [Double], _ sites: [String]) -> Table {
            Table(columns: [
                Column(name: "age", values: .numeric(NumericValues(ages))),
                Column(name: "site", values: .categorical(CategoricalValues(sites.map { Optional($0) }))),
            ])
        }
        let ages = (0..<1000).map { Double($0 % 70 + 20) }
        let sites = (0..<1000).map { ["a", "b", "c", "d"][$0 % 4] }
        let profile = SourceProfile(table: table(ages, sites))
        #expect(SourceProfile(json: profile.json) == profile)
        #expect(profile.drift(of: table(ages, sites)).map(\.distance) == [0, 0])
        // Append 1,000 rows: ages 30 years older, sites all "a".
        let drifted = profile.drift(of: table(ages + ages.map { $0 + 30 }, sites + Array(repeating: "a", count: 1000)))
        let exactKS = try KolmogorovSmirnovTest(ages, ages + ages.map { $0 + 30 }).statistic
        #expect(abs(drifted[0].distance - exactKS) <= 0.015, "\(drifted[0].distance) vs \(exactKS)")
        #expect(drifted[0].measure == "ks")
        // TV: shares a 0.25 → 0.625, others 0.25 → 0.125: ½ (0.375 + 3 × 0.125) = 0.375.
        #expect(abs(drifted[1].distance - 0.375) < 1e-12 && drifted[1].location == "a")
        let lost = profile.drift(of: Table(columns: [Column(name: "age", values: .numeric(NumericValues(ages)))]))
        #expect(lost[1].distance == 1 && lost[1].note != nil)
        // The profile keeps percentiles, not the extremes.
        let distinct = SourceProfile(table: table((0..<1000).map(Double.init), sites))
        guard case .numeric(let points, _) = distinct.columns[0].sketch else { throw CancellationError() }
        #expect(points.count == 99 && !points.contains(0) && !points.contains(999))
    }
}
