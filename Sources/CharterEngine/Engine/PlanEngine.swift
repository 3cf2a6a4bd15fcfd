public import CharterCore
internal import CharterData
public import CharterPlan
public import CharterPolicy
public import CharterRegistry
public import CharterSynth

#if canImport(FoundationEssentials)
    internal import FoundationEssentials
#else
    internal import Foundation
#endif

/// Runs a plan's stages in order: verify the source, split off the holdout, generate, the privacy,
/// utility and fairness gates, certify and publish (DESIGN §2).
///
/// Budget: a differentially private run reserves its (ε, δ) before it reads any data, and commits
/// it as soon as the generator has run — budget spent on noise is spent even if a gate then fails.
/// Publishing: nothing is written where a consumer could take it unless every gate passed; the
/// outputs are staged in a hidden folder, the certificate is recorded in the catalogue (which
/// appends to the audit chain), and only then are the files moved into place.
public struct PlanEngine: Sendable {
    /// Everything the engine uses besides the plan and the request.
    public var environment: EngineEnvironment

    /// Creates an engine.
    public init(environment: EngineEnvironment) {
        self.environment = environment
    }

    /// Runs `plan`, made from `request` (the same request: the caller checked its digest).
    public func run(plan: Plan, request: GenerationRequest) throws(EngineError) -> EngineOutcome {
        var run = PlanRun(plan: plan, request: request, environment: environment)
        return try run.execute()
    }
}

/// What a run needs from outside: the registry, the signing key, the clock, who acts, the
/// generators, and where progress goes.
public struct EngineEnvironment: Sendable {
    public var registry: any RegistryStore
    public var signingKey: SigningKey
    /// The time the run acts at (registry records, the certificate's issue time).
    public var now: Timestamp
    /// Who runs it, as the ledger and the audit chain record.
    public var actor: String
    /// The generator of a name, or `nil` when there is none.
    public var generator: @Sendable (String) -> (any SyntheticDataGenerator)?
    /// The membership-inference attack of this build, if any.
    public var membershipInference: MembershipInferenceAttack?
    /// Where stage progress goes (`nil`: nowhere).
    public var progress: (@Sendable (String) -> Void)?
    /// How long the budget reservation is held without a commit.
    public var lease: Duration
    /// The folder that stands for the plan's default output folder (``PublishStage/defaultRoot``):
    /// a plan publishes `out/ID/…`, and with a root `R` the run writes `R/ID/…` instead. `nil`
    /// writes where the plan says, under `out/`. Either way the run publishes only under this
    /// folder (`out/` when `nil`), symbolic links resolved, and refuses before reserving any
    /// budget when the plan's folder lies elsewhere.
    public var outputRoot: String?
    /// Whether the source's ledger is still the one the plan pinned (its statement before the
    /// run's reservation; `nil` when the source is not registered). With it, the reservation is
    /// refused when the plan has run already or the ledger moved (``LedgerPin``); `nil` pins nothing.
    public var ledgerMatchesPlan: (@Sendable (BudgetStatement?) -> Bool)?

    public init(
        registry: any RegistryStore, signingKey: SigningKey, now: Timestamp, actor: String,
        generator: @escaping @Sendable (String) -> (any SyntheticDataGenerator)?,
        membershipInference: MembershipInferenceAttack? = MembershipInferenceAttack.available,
        progress: (@Sendable (String) -> Void)? = nil, lease: Duration = .seconds(3600), outputRoot: String? = nil
    ) {
        self.outputRoot = outputRoot
        self.registry = registry
        self.signingKey = signingKey
        self.now = now
        self.actor = actor
        self.generator = generator
        self.membershipInference = membershipInference
        self.progress = progress
        self.lease = lease
    }
}

/// How a run ended, when it ran to the end of its gates.
public enum EngineOutcome: Sendable {
    /// Every gate passed: the files are in place and the certificate is in the catalogue.
    case published(PublishedRun)
    /// A gate failed: nothing was published.
    case gateFailed(FailedRun)
}

/// A published run.
public struct PublishedRun: Sendable {
    public var certificate: Certificate
    /// Where each output went.
    public var syntheticPath: String
    public var certificatePath: String
    public var reportJSONPath: String
    public var reportHTMLPath: String
    public var report: RunReport
    /// Lines a person should know (budget spent, generator warnings).
    public var notes: [String]
}

/// A run stopped by a gate.
public struct FailedRun: Sendable {
    public var report: RunReport
    /// The checks that failed, each with its shortfall.
    public var failed: [GateCheck]
    /// Lines a person should know; says when budget was spent regardless.
    public var notes: [String]
}
