public import CharterCore
public import CharterPlan
public import CharterRegistry

/// A request whose plan was refused a run because it waits for approvals, and which of them are
/// still awaited, as the audit chain tells it.
///
/// The chain is the only place a registry remembers a plan that waited: a server refusing to run
/// a pending plan writes a `request.refuse` note whose details carry ``refusalDetails(for:)``
/// (`request`, `plan`, `awaiting`). A later `approval.accept` for the request counts towards the
/// roles it names, and a later `run.accept` for the request ends the wait. Approvals appended to a
/// manifest on the command line are not audited, so such a request stays listed until it is refused
/// again or run.
public struct PendingApproval: Sendable, Equatable {
    /// One approval a pending plan waits for, as the plan said it (``ApprovalStatus/Needed``), and
    /// how many of its roles have approved since.
    public struct Awaited: Sendable, Equatable {
        /// What the plan needed: approvals in `count` distinct roles of `roles`, for `source`.
        public var need: ApprovalStatus.Needed
        /// How many of the need's roles have approved since the refusal.
        public var received: Int

        /// Creates an awaited approval.
        public init(need: ApprovalStatus.Needed, received: Int = 0) {
            self.need = need
            self.received = received
        }
    }

    /// The request's id, as the manifest gives it.
    public var request: String
    /// The digest of the plan that waited.
    public var plan: String
    /// Who was refused the run.
    public var actor: String
    /// When, as the audit record has it.
    public var at: String
    /// The audit record that says so.
    public var seq: Int64
    /// The approvals still short of their count.
    public var awaiting: [Awaited]

    /// Creates the entry.
    public init(request: String, plan: String, actor: String, at: String, seq: Int64, awaiting: [Awaited]) {
        self.request = request
        self.plan = plan
        self.actor = actor
        self.at = at
        self.seq = seq
        self.awaiting = awaiting
    }

    /// The audit actions the derivation reads.
    public static let auditActions = [
        AuditNote.requestRefused.rawValue, AuditNote.approvalAccepted.rawValue, AuditNote.runAccepted.rawValue,
    ]

    /// What a refusal to run a pending plan adds to its `request.refuse` details: the request, the
    /// plan's digest and the approvals it awaits (`[{roles, count, rule, override}]`).
    public static func refusalDetails(for plan: Plan) -> [String: JSONValue] {
        [
            "request": .string(plan.request.id), "plan": .string(plan.digest),
            "awaiting": .array(
                plan.approvals.needed.map { needed in
                    [
                        "roles": .array(needed.roles.map { .string($0) }), "count": .integer(needed.count),
                        "rule": .string(needed.source), "override": .bool(needed.isOverride),
                    ]
                }),
        ]
    }

    /// The requests still waiting, by the records given (in chain order): the latest refusal of
    /// each request that named what it awaits, less the approvals accepted for it since, and
    /// without those run since. Sorted by the refusal's position in the chain, newest first.
    /// - Complexity: O(*n*) in the number of records.
    public static func pending(in records: [AuditRecord]) -> [PendingApproval] {
        var waiting: [String: PendingApproval] = [:]
        // The roles that approved each request since its latest refusal.
        var approved: [String: Set<String>] = [:]
        for record in records {
            guard let details = record.detailsValue?.objectValue,
                let request = details["request"]?.stringValue
            else { continue }
            switch record.action {
            case AuditNote.requestRefused.rawValue:
                guard let awaiting = details["awaiting"]?.arrayValue else { continue }
                let awaited = awaiting.compactMap { value -> Awaited? in
                    guard let object = value.objectValue, let roles = object["roles"]?.arrayValue,
                        case .integer(let count)? = object["count"]
                    else { return nil }
                    return Awaited(
                        need: ApprovalStatus.Needed(
                            roles: roles.compactMap(\.stringValue), count: count,
                            source: object["rule"]?.stringValue ?? "", isOverride: object["override"] == .bool(true)))
                }
                waiting[request] = PendingApproval(
                    request: request, plan: details["plan"]?.stringValue ?? "", actor: record.actor, at: record.at,
                    seq: record.seq, awaiting: awaited)
                approved[request] = []
            case AuditNote.approvalAccepted.rawValue:
                guard waiting[request] != nil, let role = details["role"]?.stringValue else { continue }
                approved[request, default: []].insert(role)
            case AuditNote.runAccepted.rawValue:
                waiting[request] = nil
                approved[request] = nil
            default:
                continue
            }
        }
        return waiting.values.compactMap { entry -> PendingApproval? in
            var entry = entry
            let roles = approved[entry.request] ?? []
            entry.awaiting = entry.awaiting.map { awaited in
                var awaited = awaited
                awaited.received = Set(awaited.need.roles).intersection(roles).count
                return awaited
            }
            .filter { $0.received < $0.need.count }
            return entry.awaiting.isEmpty ? nil : entry
        }
        .sorted { ($0.seq, $0.request) > ($1.seq, $1.request) }
    }
}
