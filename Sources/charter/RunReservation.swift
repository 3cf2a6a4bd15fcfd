import CharterPolicy
import CharterRegistry

/// What a request's run reserves from its source's budget, as `charter apply` reserves it: the
/// plan's generate stage keeps the request's ε and δ for a differentially private or external
/// generator (`PlanDraft`), and the engine reserves ``PrivacyCost/ofRun(epsilon:delta:differentiallyPrivate:)``
/// of them (`PlanRun.reserveBudget`).
enum RunReservation {
    /// The cost the engine reserves for `request`'s run; `nil` when it reserves nothing.
    static func cost(of request: GenerationRequest) -> PrivacyCost? {
        let generator = request.generator
        let type = generator.type.value
        let isPrivate = RequestSchema.differentiallyPrivateGenerators.contains(type)
        let keepsBudget = isPrivate || type == "external"
        return PrivacyCost.ofRun(
            epsilon: keepsBudget ? generator.epsilon?.value : nil, delta: keepsBudget ? generator.delta?.value : nil,
            differentiallyPrivate: isPrivate)
    }
}
