/// What changed between the inputs a plan was made from and the inputs as they are now.
/// `charter apply` refuses to run a plan with any drift, or one whose own digest does not match
/// its content.
public struct PlanDrift: Sendable, Equatable {
    /// One input whose digest changed.
    public struct Change: Sendable, Equatable {
        /// Which input.
        public var input: PlanDigests.Input
        /// The digest in the plan (`nil`: the plan pinned none).
        public var planned: String?
        /// The digest now (`nil`: it cannot be computed now, e.g. the file is gone).
        public var current: String?

        /// Creates a change.
        public init(input: PlanDigests.Input, planned: String?, current: String?) {
            self.input = input
            self.planned = planned
            self.current = current
        }

        /// One line: `request changed: sha256:… → sha256:…`.
        public var message: String {
            let what =
                switch input {
                case .policy: "the policy set changed"
                case .request: "the request changed"
                case .source: "the source file changed"
                case .ledger: "the ledger state of the source changed"
                }
            return "\(what) since the plan was made: \(planned ?? "none") → \(current ?? "none")"
        }
    }

    /// The plan's own digest does not match its content: the plan file was edited.
    public var planEdited: Bool
    /// Inputs whose digests changed, in ``PlanDigests/Input`` order.
    public var changes: [Change]
    /// How an external generator's pinned files differ from the files now
    /// (``PinnedToolFile/changes(planned:current:)``), one line each.
    public var toolChanges: [String] = []

    /// Compares a plan with the digests of its inputs now.
    ///
    /// A source the plan pinned must have the same digest now; a source it did not pin (`nil`) is
    /// not compared, since there is nothing to compare with (the plan warned about it).
    public init(plan: Plan, current: PlanDigests) {
        planEdited = !plan.isIntact
        changes = PlanDigests.Input.allCases.compactMap { input in
            let planned = plan.inputs[input]
            let now = current[input]
            if input == .source, planned == nil { return nil }
            return planned == now ? nil : Change(input: input, planned: planned, current: now)
        }
    }

    /// Whether the plan may run as made.
    public var isEmpty: Bool { !planEdited && changes.isEmpty && toolChanges.isEmpty }

    /// Every problem, one line each.
    public var messages: [String] {
        (planEdited ? ["the plan was edited: its digest does not match its content; make a new plan"] : [])
            + changes.map(\.message) + toolChanges
    }
}
