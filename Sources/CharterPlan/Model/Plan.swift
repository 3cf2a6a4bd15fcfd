import CharterCore

/// What a request compiles to: ordered stages with concrete parameters, the digests of the inputs it
/// was made from, its warnings, and its own digest (DESIGN §6).
///
/// A plan holds no timestamps and no data values: the same policy, request, source digest and
/// ledger state give the same plan, byte for byte. ``digest`` is the sha256 of the plan's canonical
/// JSON without `digest`, `approvals` and `files`: the approval status changes as approvals bound to
/// this digest arrive (an approval cannot name a digest that covers itself), and where the files
/// were read from does not change what the plan does (their content is pinned by ``inputs``).
public struct Plan: Sendable, Equatable {
    /// The version of the plan format this value follows.
    public static let formatVersion = 1

    /// The request planned.
    public var request: RequestSummary
    /// The policy and tier the plan enforces.
    public var policy: PolicySummary
    /// The digests of the inputs the plan was made from; `charter apply` refuses when one changed.
    public var inputs: PlanDigests
    /// The stages, in the order the engine runs them.
    public var stages: [PlanStage]
    /// The privacy budget before and after this run.
    public var budget: BudgetForecast
    /// Problems found before anything runs, most severe first.
    public var warnings: [PlanWarning]
    /// Whether the plan may run, or which approvals (bound to ``digest``) it still needs.
    public var approvals: ApprovalStatus
    /// `sha256:…` over the canonical JSON of everything but `digest`, `approvals` and `files`.
    public var digest: String
    /// Where the request and the policy set were read from, for `charter apply`; not digested.
    public var files: PlanFiles?

    /// Creates a plan and computes its digest.
    public init(
        request: RequestSummary, policy: PolicySummary, inputs: PlanDigests, stages: [PlanStage],
        budget: BudgetForecast, warnings: [PlanWarning], approvals: ApprovalStatus
    ) {
        self.request = request
        self.policy = policy
        self.inputs = inputs
        self.stages = stages
        self.budget = budget
        self.warnings = warnings
        self.approvals = approvals
        self.digest = ""
        self.digest = computedDigest
    }

    /// The digest the plan's content gives now; differs from ``digest`` when the plan was edited.
    public var computedDigest: String {
        // Canonical JSON of strings, integers, decimals and booleans cannot fail to encode.
        (try? ContentDigest.sha256(digestedJSON)) ?? "sha256:unencodable"
    }

    /// Whether ``digest`` matches the content.
    public var isIntact: Bool { digest == computedDigest }

    /// Whether the engine may run the plan: every approval is in, bound to this plan.
    public var isReady: Bool { approvals.state == .ready }

    /// The stage of a kind, if the plan has one.
    public func stage(_ kind: PlanStage.Kind) -> PlanStage? { stages.first { $0.kind == kind } }

    /// Every check of every gate, in stage order.
    public var checks: [PlanCheck] { stages.flatMap { $0.gate?.checks ?? [] } }

    /// Warnings of severity ``PlanWarning/Severity/error``: the run will be refused or fail a gate.
    public var blockingWarnings: [PlanWarning] { warnings.filter { $0.severity == .error } }
}

/// Where a plan's request and policy set were read from (paths as the user gave them).
public struct PlanFiles: Sendable, Equatable {
    /// The request file.
    public var request: String
    /// The policy directory or file.
    public var policy: String

    /// Creates the record.
    public init(request: String, policy: String) {
        self.request = request
        self.policy = policy
    }
}

/// Who asked for what, as the plan repeats it.
public struct RequestSummary: Sendable, Equatable {
    /// The request's id.
    public var id: String
    /// The governance ticket.
    public var ticket: String?
    /// Who asked.
    public var requester: String

    /// Creates a summary.
    public init(id: String, ticket: String?, requester: String) {
        self.id = id
        self.ticket = ticket
        self.requester = requester
    }
}

/// The policy a plan enforces.
public struct PolicySummary: Sendable, Equatable {
    /// The policy's name.
    public var name: String
    /// Its version, when written.
    public var version: String?
    /// The tier that applied.
    public var tier: String

    /// Creates a summary.
    public init(name: String, version: String?, tier: String) {
        self.name = name
        self.version = version
        self.tier = tier
    }
}
