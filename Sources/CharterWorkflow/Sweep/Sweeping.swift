public import CharterCore
public import CharterEngine
import CharterPlan
import CharterPolicy
public import CharterRegistry
import CharterSynth

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// `sweep`: a request's plan fitted at several ε (and generators) on its training split only,
/// measured and never published (``PlanSweep``), with every differentially private fit's budget
/// reserved before it starts and spent in the ledger like a run's.
public struct Sweeping: Sendable {
    /// The request's id.
    public var requestID = ""
    /// The ledger's key for the source.
    public var source = ""
    /// The tier the request is decided into, and its ε cap.
    public var tier: String?
    /// The tier's ε cap, when it sets one.
    public var epsilonCap: Decimal?
    /// One line per reservation, as made before any data was read.
    public var reservations: [String] = []
    /// The settings measured, in order.
    public var points: [PlanSweep.Point] = []
    /// Errors, or notes (pending approvals, settings above the tier's cap).
    public var diagnostics: [Diagnostic] = []
    /// How it ended: unreadable input, denied (the request, or a refused budget), else clean.
    public var status: OperationStatus = .clean

    /// The settings a sweep runs: every ε for each differentially private generator, one fit for each other one.
    public static func settings(epsilons: [Decimal], generators: [String]) -> [PlanSweep.Setting] {
        generators.flatMap { name -> [PlanSweep.Setting] in
            let isPrivate = SyntheticDataGenerators.generator(named: name)?.isDifferentiallyPrivate ?? true
            return isPrivate
                ? epsilons.map { PlanSweep.Setting(generator: name, epsilon: $0) }
                : [.init(generator: name, epsilon: nil)]
        }
    }

    /// Plans `requestFile`, then sweeps it.
    /// - Parameters:
    ///   - generators: the generators to sweep; `nil` for the plan's.
    ///   - registryLocation: where that registry is (the plan reads its ledger there).
    ///   - registry: the registry the sweep reserves from (opened or created by the caller).
    ///   - reserved: called with the reservation lines before any data is read.
    public init(
        requestFile: String, policyPath: String, registryLocation: RegistryLocation, registry: any RegistryStore,
        epsilons: [Decimal],
        generators: [String]?, instant: ActingInstant, actor: String, store: any InputStore,
        reserved: (([String]) -> Void)? = nil
    ) {
        guard !epsilons.isEmpty, epsilons.allSatisfy({ $0 > 0 }) else {
            diagnostics = [.error(.profileArgument, "every --epsilon must be a number above 0", at: nil)]
            status = .unreadable
            return
        }
        let plan: Plan
        let request: GenerationRequest
        switch Planning.plan(
            requestFile: requestFile, policyPath: policyPath, registry: registryLocation, instant: instant,
            store: store
        )
        {
        case .failed(let failures, _):
            diagnostics = failures
            status = .unreadable
            return
        case .denied(let decision, _):
            diagnostics = [
                .error(
                    .sweepRefused, "request '\(decision.requestID)' is denied: a denied request is not swept",
                    at: decision.requestLocation, notes: decision.violations.map(\.message))
            ]
            status = .denied
            return
        case .planned(let planned, let inputs):
            plan = planned
            request = inputs.request
        }
        requestID = request.id.value
        source = request.source.dataset.value
        tier = plan.policy.tier
        if !plan.isReady {
            diagnostics.append(
                Diagnostic(
                    .note, .sweepRefused, "approvals are pending: the sweep spends budget but publishes nothing",
                    at: .file(requestFile)))
        }
        let names = generators ?? [request.generator.type.value]
        let settings = Self.settings(epsilons: epsilons, generators: names)
        let environment = EngineEnvironment(
            registry: registry, signingKey: SigningKey.generate(), now: instant.timestamp, actor: actor,
            generator: { SyntheticDataGenerators.generator(named: $0) })
        var lines: [String] = []
        do {
            points = try PlanSweep(environment: environment).run(plan: plan, request: request, settings: settings) {
                lines = $0
                reserved?($0)
            }
            reservations = lines
        } catch {
            reservations = lines
            diagnostics.append(.error(.sweepRefused, "sweep: \(error.stage): \(error.message)", at: .file(requestFile)))
            status = error.kind == .unreadable ? .unreadable : .denied
        }
    }
}

extension DiagnosticCode {
    /// A sweep was refused: a denied request, a budget that does not fit, a generator that failed.
    public static let sweepRefused = DiagnosticCode(
        "CH643", name: "sweep-refused", summary: "a privacy-utility sweep was refused or stopped")
}
