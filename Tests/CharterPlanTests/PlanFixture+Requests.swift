import CharterCore
import CharterPlan
import CharterPolicy
import Foundation

extension PlanFixture {
    /// A request under the reference policy's medium tier, with the fields the tests vary.
    static func requestText(
        rows: String = "686", epsilon: String = "1.0", delta: String = "1.0e-6", generator: String = "dp-copula",
        classification: String = "phi", target: String? = "cens", quasi: String = "[age, menostat]",
        sensitive: String = "[tgrade]", protected: String = "[]", audience: String = "internal",
        sha256: String? = nil, extra: String = "", approvals: String = "[]", expires: String? = "2027-02-20"
    ) -> String {
        """
        charter: 1
        kind: generation-request
        id: REQ-TEST-1
        ticket: GOV-1
        requester: alice@hospital.example
        purpose: model-prototyping
        audience: \(audience)
        consumers: [oncology-ml]
        jurisdiction: EU
        high_risk_ai: false
        source:
          dataset: gbsg2-2026q3
          path: data/gbsg2.csv
        \(sha256.map { "  sha256: \($0)\n" } ?? "")  rows: \(rows)
          classification: \(classification)
          jurisdiction: EU
          privacy_unit: patient
          quasi_identifiers: \(quasi)
          sensitive: \(sensitive)
          protected: \(protected)
        \(target.map { "  target: \($0)\n" } ?? "")  exclude: []
        generator:
          type: \(generator)
          epsilon: \(epsilon)
          delta: \(delta)
        \(extra)output:
          rows: 5000
        \(expires.map { "expires_at: \($0)\n" } ?? "")approvals: \(approvals)

        """
    }

    /// A registered ledger state with `spent` ε of a cap of 10.
    static func ledger(spent: Decimal, events: Int = 1) -> LedgerState {
        LedgerState(
            source: "gbsg2-2026q3", isRegistered: true, capEpsilon: 10, capDelta: Decimal(string: "0.00001"),
            spentEpsilon: spent, spentDelta: Decimal(string: "0.000001")!, composition: "rdp",
            events: (0..<events).map { LedgerState.Event(id: Int64($0 + 1), state: "committed") })
    }

    /// A policy from YAML text.
    static func policy(text: String) -> Policy {
        let loaded = PolicyLinter().loadPolicies(file: "policy.yaml", bytes: Array(text.utf8))
        precondition(loaded.policies.count == 1, "the test policy loads: \(loaded.diagnostics)")
        return loaded.policies[0]
    }
}
