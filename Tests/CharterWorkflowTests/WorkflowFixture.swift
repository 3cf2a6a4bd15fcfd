import CharterCore
import CharterWorkflow
import Foundation

/// A small policy set and request, held in memory, for the workflow's operations: what a server
/// would hand in instead of paths on disk.
enum WorkflowFixture {
    static let policy = """
        charter: 1
        kind: policy
        name: clinic
        version: 1.0.0
        roles:
          data_steward: [carol@hospital.example]
        purposes: [model-prototyping, software-testing]
        tiers:
          - name: identifiable
            when: source.classification in ["phi", "pii"]
            controls:
              differential_privacy: { required: true, epsilon_max: 5.0, delta_max: 1.0e-5 }
              generators: [dp-copula]
              approvals: { all_of: [data_steward] }
              expiry: { max: 180d }
          - name: open
            when: true
            controls:
              expiry: { max: 365d }
        budgets:
          per_source: { epsilon: 10.0, delta: 1.0e-5 }

        """

    /// A request; `classification` picks the tier, `approval` appends one approval line.
    static func request(
        id: String = "REQ-1", purpose: String = "model-prototyping", classification: String = "internal",
        generator: String = "gaussian-copula", epsilon: String? = nil, approval: String? = nil
    ) -> String {
        var text = """
            charter: 1
            kind: generation-request
            id: \(id)
            requester: alice@hospital.example
            purpose: \(purpose)
            audience: internal
            source:
              dataset: clinic-2026
              path: data/clinic.csv
              sha256: sha256:\(String(repeating: "a", count: 64))
              classification: \(classification)
            generator:
              type: \(generator)

            """
        if let epsilon { text += "  epsilon: \(epsilon)\n  delta: 1.0e-6\n" }
        text += """
            output:
              rows: 100
            expires_at: 2027-01-01

            """
        if let approval { text += "approvals:\n" + approval }
        return text
    }

    static func store(requests: [String: String] = ["requests/r.yaml": request()]) -> InMemoryInputStore {
        var files = ["policies/clinic.yaml": Array(policy.utf8)]
        for (path, text) in requests { files[path] = Array(text.utf8) }
        return InMemoryInputStore(files)
    }

    static let instant = ActingInstant(parsing: "2026-11-23")!

    /// A registry location where nothing is (decisions then read no ledger).
    static let noRegistry = RegistryLocation(path: "/nonexistent/charter/registry.sqlite", isNamed: false)
}
