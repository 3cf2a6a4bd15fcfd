/// A policy and requests for tests that run plans through `charter serve` (in process or as the
/// real binary): dp-copula up to ε 5 with no approvals and no gates that depend on which attacks
/// the build has, on gbsg2 with declared domains, and a lifetime budget of ε 10 per source — so
/// that the budget is what is under test.
public enum ServedRunFixture {
    /// The policy file's text.
    public static let policy = """
        charter: 1
        kind: policy
        name: served-run-test
        version: 1.0.0
        owners: [test@hospital.example]
        roles:
          data_steward: [carol@hospital.example]
        purposes: [software-testing]
        tiers:
          - name: only
            when: true
            controls:
              differential_privacy: { required: true, epsilon_max: 5.0, delta_max: 1.0e-5 }
              generators: [dp-copula]
              expiry: { max: 365d }
        budgets:
          per_source: { epsilon: 10.0, delta: 1.0e-5 }
        """

    /// Request `id` for ε 4 of `source` (a cap of 10 has room for two such runs), reading gbsg2 at
    /// `path` (whose sha256 is `sha`) and asking for `rows` rows.
    public static func request(id: String, source: String, path: String, rows: Int, sha: String) -> String {
        """
        charter: 1
        kind: generation-request
        id: \(id)
        requester: alice@hospital.example
        purpose: software-testing
        audience: internal
        consumers: [ci-fixtures]
        jurisdiction: EU
        source:
          dataset: \(source)
          path: \(path)
          sha256: "\(sha)"
          rows: 686
          classification: internal
          jurisdiction: EU
          privacy_unit: patient
          quasi_identifiers: [menostat]
          target: cens
          exclude: [tsize, pnodes, progrec, estrec]
          columns:
            horTh: { type: categorical, categories: ["no", "yes"] }
            age: { type: integer, min: 18, max: 90 }
            menostat: { type: categorical, categories: ["Post", "Pre"] }
            tgrade: { type: categorical, categories: ["I", "II", "III"] }
            time: { type: integer, min: 0, max: 3000 }
            cens: { type: integer, min: 0, max: 1 }
        generator:
          type: dp-copula
          epsilon: 4.0
          delta: 1.0e-6
        output:
          rows: \(rows)
        expires_at: 2027-06-30
        """
    }
}
