internal import CharterCore
internal import CharterData
public import CharterPlan
public import CharterPolicy
internal import CharterRegistry
internal import CharterSynth

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// A privacy–utility sweep: a plan's generator fitted at several settings on the **training split
/// only**, measured, and never published — the evidence a committee reads to pick ε.
///
/// The plan's holdout is split off as a run would and never read. The training rows are split again
/// (``validationFraction``, stratified on the target, seeded from the plan's split seed): each
/// setting fits on the first part and is measured against the second with the gates' own metrics
/// (`GateMeasurements`): SDMetrics quality, TSTR ÷ TRTR, the membership-inference attack's accuracy
/// and DCR overfitting protection. Budget: every differentially private fit is reserved in the
/// ledger before any data is read, all of them or none (a sweep that does not fit is refused and
/// reserves nothing), and each is committed as soon as its generator ran — like a run's.
public struct PlanSweep: Sendable {
    /// One setting: a generator and its ε (`nil` for a generator without a guarantee).
    public struct Setting: Sendable, Equatable {
        /// The generator's name.
        public var generator: String
        /// The target ε.
        public var epsilon: Decimal?

        /// Creates a setting.
        public init(generator: String, epsilon: Decimal?) {
            self.generator = generator
            self.epsilon = epsilon
        }
    }

    /// One setting measured.
    public struct Point: Sendable, Equatable {
        /// The setting.
        public var setting: Setting
        /// The ε and δ the generator reports spending (`nil` without a guarantee).
        public var spentEpsilon: Double?
        /// The δ spent.
        public var spentDelta: Double?
        /// SDMetrics quality score.
        public var quality: Double?
        /// TSTR ÷ TRTR AUC (`nil` without a target).
        public var tstrRatio: Double?
        /// The membership-inference attack's accuracy.
        public var membershipInferenceAccuracy: Double?
        /// DCR overfitting protection.
        public var dcrOverfittingProtection: Double?
        /// The ledger event that holds this fit's spend, if any.
        public var ledgerEvent: Int64?
        /// The generator's warnings.
        public var warnings: [String]
    }

    /// The share of the training rows held back to measure each fit.
    public static let validationFraction = 0.2

    /// Everything the sweep uses besides the plan: the registry, the clock, the generators.
    public var environment: EngineEnvironment

    /// Creates a sweep.
    public init(environment: EngineEnvironment) {
        self.environment = environment
    }

    /// Reserves the budget of every setting, then fits and measures each in order.
    /// - Parameter reserved: called once every reservation is made, with a line per reservation,
    ///   before any data is read.
    public func run(
        plan: Plan, request: GenerationRequest, settings: [Setting], reserved: (([String]) -> Void)? = nil
    ) throws(EngineError) -> [Point] {
        guard plan.isIntact else {
            throw EngineError(.refused, stage: "plan", "the plan was edited: its digest does not match its content")
        }
        guard case .verifySource(let source)? = plan.stage(.verifySource),
            case .holdoutSplit(let split)? = plan.stage(.holdoutSplit),
            case .generate(let generate)? = plan.stage(.generate)
        else {
            throw EngineError(.unreadable, stage: "plan", "the plan lacks one of its stages")
        }
        var generators: [any SyntheticDataGenerator] = []
        for setting in settings {
            guard let generator = environment.generator(setting.generator) else {
                throw EngineError(
                    .refused, stage: "generate", "no generator named '\(setting.generator)' in this build")
            }
            generators.append(generator)
        }
        // Budget first, for every setting: all reserved or none.
        let helper = PlanRun(plan: plan, request: request, environment: environment)
        try helper.registerSource(source.dataset)
        var reservations: [LedgerEvent?] = []
        var lines: [String] = []
        for (index, setting) in settings.enumerated() {
            guard
                let cost = PrivacyCost.ofRun(
                    epsilon: setting.epsilon, delta: setting.epsilon == nil ? nil : generate.delta,
                    differentiallyPrivate: generators[index].isDifferentiallyPrivate)
            else {
                reservations.append(nil)
                continue
            }
            do {
                let event = try environment.registry.reserve(
                    ReservationRequest(
                        source: source.dataset, run: "\(plan.digest)#sweep-\(index + 1)",
                        mechanism: "sweep \(setting.generator) at epsilon \(setting.epsilon.map { "\($0)" } ?? "none")",
                        cost: cost, lease: environment.lease, actor: environment.actor),
                    at: environment.now)
                reservations.append(event)
                lines.append("reserved \(cost.summary) of '\(source.dataset)' (ledger event \(event.id))")
            } catch {
                for event in reservations.compactMap({ $0 }) {
                    _ = try? environment.registry.release(
                        event.id, reason: "the sweep does not fit the budget", actor: environment.actor,
                        at: environment.now)
                }
                throw EngineError(
                    .refused, stage: "budget",
                    "the sweep's setting \(index + 1) (\(setting.generator), ε \(setting.epsilon.map { "\($0)" } ?? "none")) does not fit: \(error.description); every reservation it made was released"
                )
            }
        }
        reserved?(lines)
        func releaseAll(_ reason: String) {
            for event in reservations.compactMap({ $0 }) {
                _ = try? environment.registry.release(
                    event.id, reason: reason, actor: environment.actor, at: environment.now)
            }
        }
        let fit: Table
        let validation: Table
        do {
            let verified = try SourceVerifier.verify(source)
            let rows = try HoldoutSplit(
                table: verified.table, fraction: split.fraction.approximateDouble, seed: UInt64(split.seed),
                stratify: split.stratify)
            let train = verified.table.selectingRows(rows.trainRows)
            let inner = try HoldoutSplit(
                table: train, fraction: Self.validationFraction, seed: UInt64(split.seed) &+ 1, stratify: split.stratify
            )
            fit = train.selectingRows(inner.trainRows)
            validation = train.selectingRows(inner.holdoutRows)
        } catch {
            releaseAll("the sweep stopped at \(error.stage) before generating")
            throw error
        }
        let schema = PlanRun.schema([fit, validation], declared: request.source.columns)
        let kMin = plan.checks.first { $0.metric == "k_anonymity" }.map { Int($0.threshold.approximateDouble) } ?? 5
        var points: [Point] = []
        for (index, setting) in settings.enumerated() {
            let reservation = reservations[index]
            let output: GeneratorOutput
            do {
                output = try generators[index].generate(
                    training: fit, rowCount: fit.rowCount,
                    settings: GeneratorSettings(
                        seed: UInt64(generate.seed), epsilon: setting.epsilon?.approximateDouble,
                        delta: setting.epsilon == nil ? nil : generate.delta?.approximateDouble, schema: schema,
                        domains: PlanRun.domains(request.source.columns),
                        parameters: setting.generator == generate.generator
                            ? PlanRun.generatorParameters(generate) : [:]))
            } catch {
                for (later, event) in reservations.enumerated() where later >= index {
                    guard let event else { continue }
                    if later == index, !PlanRun.refusedBeforeAnyMechanism.contains(error.code) {
                        _ = try? environment.registry.commit(event.id, actor: environment.actor, at: environment.now)
                    } else {
                        _ = try? environment.registry.release(
                            event.id, reason: "the sweep stopped at setting \(index + 1)", actor: environment.actor,
                            at: environment.now)
                    }
                }
                throw EngineError(.failed, stage: "generate", "setting \(index + 1): \(error.description)")
            }
            if let event = reservation {
                do {
                    _ = try environment.registry.commit(event.id, actor: environment.actor, at: environment.now)
                } catch {
                    throw EngineError(.failed, stage: "budget", "cannot commit ledger event \(event.id): \(error)")
                }
            }
            var inputs = GateMeasurements.Inputs(
                train: fit, holdout: validation, synthetic: output.table,
                schema: PlanRun.schema([fit, validation, output.table], declared: request.source.columns),
                quasiIdentifiers: source.quasiIdentifiers, sensitive: source.sensitive, protected: source.protected,
                target: source.target, seed: UInt64(split.seed), smallClassThreshold: kMin)
            inputs.dcrInterval = false  // the sweep reports estimates only
            let measurements = GateMeasurements(inputs, attack: environment.membershipInference)
            let spend = output.privacy.map { (epsilon: $0.epsilon, delta: $0.delta) }
            func measure(_ metric: String) -> Double? {
                measurements.measure(metric, parameters: [:], spend: spend).value
            }
            points.append(
                Point(
                    setting: setting, spentEpsilon: spend?.epsilon, spentDelta: spend?.delta,
                    quality: measure("fidelity.quality"), tstrRatio: measure("tstr.ratio"),
                    membershipInferenceAccuracy: measure("membership_inference.accuracy"),
                    dcrOverfittingProtection: measure("distance_to_closest_record.overfitting_protection"),
                    ledgerEvent: reservation?.id, warnings: output.warnings))
        }
        return points
    }
}
