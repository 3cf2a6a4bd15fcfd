import CharterPolicy
import CharterRegistry

/// What a request's run reserves from its source's budget, as `charter apply` reserves it: the
/// plan's generate stage keeps the request's ε and δ for a differentially private or external
/// generator (`PlanDraft`), and the engine reserves them when the generator is differentially
/// private or states an ε (`PlanRun.reserveBudget`): (ε, δ) when a δ is stated, else pure ε (an
/// ε not stated counts as 0). Any other run reserves nothing.
///
/// The decision composes this cost onto the ledger, so the two must stay the same: a change to
/// what the engine reserves (dp-copula's zCDP ρ instead of its (ε, δ), say) belongs here too.
enum RunReservation {
    /// The cost the engine reserves for `request`'s run; `nil` when it reserves nothing.
    static func cost(of request: GenerationRequest) -> PrivacyCost? {
        let generator = request.generator
        let type = generator.type.value
        let isPrivate = RequestSchema.differentiallyPrivateGenerators.contains(type)
        let keepsBudget = isPrivate || type == "external"
        let epsilon = keepsBudget ? generator.epsilon?.value : nil
        let delta = keepsBudget ? generator.delta?.value : nil
        guard isPrivate || epsilon != nil else { return nil }
        return delta.map { .approximate(epsilon: epsilon ?? 0, delta: $0) } ?? .pure(epsilon: epsilon ?? 0)
    }
}
