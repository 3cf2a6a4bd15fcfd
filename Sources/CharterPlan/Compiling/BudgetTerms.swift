public import CharterPolicy
#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// What a request's run holds against its source's privacy budget: the one rule the plan's
/// generate stage, the engine's reservation and a decision's budget projection all follow.
///
/// A differentially private generator keeps the request's ε and δ (its noise is calibrated to
/// them); so does an external generator, whose privacy Charter cannot measure and so charges at the
/// stated value. Any other generator keeps neither and spends nothing.
public struct BudgetTerms: Sendable, Equatable {
    /// The ε the run keeps, or `nil`.
    public var epsilon: Decimal?
    /// The δ the run keeps, or `nil`.
    public var delta: Decimal?
    /// Whether the generator is differentially private (then the run always reserves, ε 0 if unstated).
    public var differentiallyPrivate: Bool

    /// The terms of `request`'s run.
    public init(of request: GenerationRequest) {
        let type = request.generator.type.value
        differentiallyPrivate = RequestSchema.differentiallyPrivateGenerators.contains(type)
        let keeps = differentiallyPrivate || type == "external"
        epsilon = keeps ? request.generator.epsilon?.value : nil
        delta = keeps ? request.generator.delta?.value : nil
    }
}
