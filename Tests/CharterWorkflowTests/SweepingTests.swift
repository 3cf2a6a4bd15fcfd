import CharterCore
import CharterEngine
import CharterRegistry
import CharterWorkflow
import Foundation
import Testing

/// `sweep` as library calls: every fit's budget reserved before any data is read and committed in
/// the ledger; a sweep that does not fit reserves nothing and reads nothing.
@Suite("sweeping a request", .serialized)
struct SweepingTests {
    final class Folder {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("charter-sweep-\(UUID().uuidString)")
        init() throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(at: url) }
        func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    }

    /// 300 seeded rows: an age, a site and a label that depends on the age.
    static func table() -> String {
        var random = SplitMix64(seed: 11)
        var text = "age,site,label\n"
        for _ in 0..<300 {
            let age = Int.random(in: 20...90, using: &random)
            let site = ["a", "b", "c"][Int.random(in: 0..<3, using: &random)]
            let label = Double(age) / 90 + Double.random(in: 0...0.5, using: &random) > 0.9 ? 1 : 0
            text += "\(age),\(site),\(label)\n"
        }
        return text
    }

    static func request(csvPath: String, digest: String) -> String {
        """
        charter: 1
        kind: generation-request
        id: REQ-SWEEP
        requester: alice@hospital.example
        purpose: model-prototyping
        audience: internal
        source:
          dataset: clinic-2026
          path: \(csvPath)
          sha256: "\(digest)"
          classification: phi
          quasi_identifiers: [site]
          target: label
          columns:
            age: { type: integer, min: 18, max: 100 }
            site: { type: categorical, categories: [a, b, c] }
            label: { type: integer, min: 0, max: 1 }
        generator:
          type: dp-copula
          epsilon: 1
          delta: 1.0e-6
        output:
          rows: 100
        expires_at: 2027-01-01

        """
    }

    @Test("fits at each ε on the training split, spends each in the ledger, and refuses what does not fit")
    func sweeps() throws {
        let folder = try Folder()
        let csv = Self.table()
        try csv.write(toFile: folder.path("clinic.csv"), atomically: true, encoding: .utf8)
        var files = WorkflowFixture.store().filesForSweep
        files["requests/r.yaml"] = Array(
            Self.request(csvPath: folder.path("clinic.csv"), digest: ContentDigest.sha256(Array(csv.utf8))).utf8)
        let store = InMemoryInputStore(files)
        let registry = try RegistryLocation(path: folder.path("registry.sqlite"), isNamed: true).openOrCreate()
        var announced: [String] = []
        let sweep = Sweeping(
            requestFile: "requests/r.yaml", policyPath: "policies", registryLocation: RegistryLocation(path: folder.path("registry.sqlite"), isNamed: true),
            registry: registry, epsilons: [1, 2], generators: nil, instant: WorkflowFixture.instant, actor: "alice",
            store: store
        ) { announced = $0 }
        #expect(sweep.status == .clean, "\(sweep.diagnostics.map(\.message))")
        #expect(announced.count == 2)
        #expect(sweep.points.map { $0.setting.epsilon } == [1, 2])
        #expect(
            sweep.points.allSatisfy { ($0.spentEpsilon ?? 9) <= ($0.setting.epsilon?.approximateDouble ?? 0) + 1e-9 })
        #expect(
            sweep.points.allSatisfy {
                $0.quality != nil && $0.tstrRatio != nil && $0.membershipInferenceAccuracy != nil
            })
        let budget = try registry.budget(for: "clinic-2026", at: WorkflowFixture.instant.timestamp)
        #expect(budget.committed.epsilon == 3)
        #expect(sweep.html.contains("<svg") && !sweep.html.contains("<script"))

        // 5 + 4 does not fit the 7 left of 10: refused, nothing held, nothing spent.
        let refused = Sweeping(
            requestFile: "requests/r.yaml", policyPath: "policies", registryLocation: RegistryLocation(path: folder.path("registry.sqlite"), isNamed: true),
            registry: registry, epsilons: [5, 4], generators: nil, instant: WorkflowFixture.instant, actor: "alice",
            store: store)
        #expect(refused.status == .denied)
        #expect(refused.points.isEmpty)
        let after = try registry.budget(for: "clinic-2026", at: WorkflowFixture.instant.timestamp)
        #expect(after.committed.epsilon == 3 && after.held.epsilon == 3)
    }
}

extension InMemoryInputStore {
    /// The policy files of ``WorkflowFixture``'s store, for a sweep's own request.
    fileprivate var filesForSweep: [String: [UInt8]] {
        ["policies/clinic.yaml": contents(of: "policies/clinic.yaml") ?? []]
    }
}
