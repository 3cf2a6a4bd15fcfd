/// The digests of a plan's inputs, each `sha256:…`.
public struct PlanDigests: Sendable, Equatable {
    /// Which input a digest is of.
    public enum Input: String, Sendable, Equatable, CaseIterable {
        case policy
        case request
        case source
        case ledger
    }

    /// The policy set: every file read, by path relative to the policy root, with its bytes' digest
    /// (``InputDigests/policySet(_:)``).
    public var policy: String
    /// The request's content without its approvals (``InputDigests/request(_:)``).
    public var request: String
    /// The source file's bytes: the request's declared `sha256`, or the digest observed when the
    /// plan was made; `nil` when neither was available (the plan warns).
    public var source: String?
    /// The source's ledger state (``LedgerState/digest``).
    public var ledger: String

    /// Creates a set of digests.
    public init(policy: String, request: String, source: String?, ledger: String) {
        self.policy = policy
        self.request = request
        self.source = source
        self.ledger = ledger
    }

    /// The digest of one input.
    public subscript(input: Input) -> String? {
        switch input {
        case .policy: policy
        case .request: request
        case .source: source
        case .ledger: ledger
        }
    }
}
