import CharterPlan
public import CharterPolicy
public import CharterRegistry

/// What a request's run reserves from its source's budget, as the engine reserves it: the plan's
/// generate stage keeps the request's ``BudgetTerms``, and the engine reserves
/// ``PrivacyCost/ofRun(epsilon:delta:differentiallyPrivate:)`` of them (`PlanRun.reserveBudget`).
public enum RunReservation {
    /// The cost the engine reserves for `request`'s run; `nil` when it reserves nothing.
    public static func cost(of request: GenerationRequest) -> PrivacyCost? {
        let terms = BudgetTerms(of: request)
        return PrivacyCost.ofRun(
            epsilon: terms.epsilon, delta: terms.delta, differentiallyPrivate: terms.differentiallyPrivate)
    }
}
