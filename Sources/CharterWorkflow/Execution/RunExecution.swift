import CharterCore
public import CharterEngine
public import CharterPlan
import CharterPolicy
public import CharterRegistry
import CharterSynth
import Foundation

/// How running a plan ended.
public enum ExecutionOutcome: Sendable {
    /// Every gate passed; the files are published, and the certificate as checked after writing.
    case published(PublishedRun, CertificateVerification)
    /// A gate failed: nothing was published.
    case gateFailed(FailedRun)
    /// The run stopped: a refusal, unreadable input, or a failure on the way.
    case failed(EngineError)

    /// How the run ends for a front end: published and verified is clean; a certificate that does
    /// not verify, a gate failure or a refusal is denied; unreadable input is unreadable.
    public var status: OperationStatus {
        switch self {
        case .published(_, let verification): verification.isValid ? .clean : .denied
        case .gateFailed: .denied
        case .failed(let error): error.kind == .unreadable ? .unreadable : .denied
        }
    }
}

/// `apply` and `run` (once the plan is ready): the engine runs the plan against the registry,
/// signs with the key (the registry's active key, or refused before any budget is reserved), and
/// the certificate and data it wrote are verified as a reader would verify them.
public struct RunExecution: Sendable {
    /// The registry the run reserves from, records in and is verified against.
    public var registry: any RegistryStore
    /// The key that signs the certificate.
    public var signingKey: SigningKey
    /// The instant the run acts at.
    public var instant: ActingInstant
    /// Who runs it, as the ledger and the audit chain record.
    public var actor: String
    /// The folder that stands for the plan's default output folder (`out/`); `nil` as planned.
    public var outputRoot: String?
    /// Where stage progress goes.
    public var progress: (@Sendable (String) -> Void)?

    public init(
        registry: any RegistryStore, signingKey: SigningKey, instant: ActingInstant, actor: String,
        outputRoot: String? = nil, progress: (@Sendable (String) -> Void)? = nil
    ) {
        self.registry = registry
        self.signingKey = signingKey
        self.instant = instant
        self.actor = actor
        self.outputRoot = outputRoot
        self.progress = progress
    }

    /// What opening the registry and the key came to.
    public struct Opened: Sendable {
        /// Ready to run.
        public var execution: RunExecution
        /// Whether the signing key was created (a front end says so, with its id).
        public var createdKey: Bool
        /// The registry's record of the key when this run adopted it as the active key on first use
        /// (a front end says so).
        public var adoptedKey: SigningKeyRecord?
    }

    /// Opens `registry` (created when missing) and the signing key at `keyPath`, creating either when
    /// missing (the key with mode 0600) as ``SigningKeyTrust/runKey(registry:keyPath:actor:at:)``
    /// allows: a registry with no signing key adopts the run's key on first use.
    public static func open(
        registry: RegistryLocation, keyPath: String, instant: ActingInstant, actor: String, outputRoot: String?,
        progress: (@Sendable (String) -> Void)?
    ) -> Result<Opened, EngineError> {
        let store: any RegistryStore
        do {
            store = try registry.openOrCreate()
        } catch {
            return .failure(EngineError(.unreadable, stage: "registry", "\(error)"))
        }
        let key: SigningKeyTrust.RunKey
        do {
            key = try SigningKeyTrust.runKey(registry: store, keyPath: keyPath, actor: actor, at: instant.timestamp)
        } catch {
            return .failure(
                EngineError(error.status == .unreadable ? .unreadable : .refused, stage: "certify", error.message))
        }
        return .success(
            Opened(
                execution: RunExecution(
                    registry: store, signingKey: key.key, instant: instant, actor: actor, outputRoot: outputRoot,
                    progress: progress),
                createdKey: key.createdFile, adoptedKey: key.adopted))
    }

    /// Runs `plan`, made from `inputs`, then verifies the certificate it published. The run
    /// reserves its budget only if the plan has not run before and the ledger is still the one the
    /// plan (and so its approvals) pinned, checked in the reserving transaction.
    public func execute(plan: Plan, inputs: PlanInputs) -> ExecutionOutcome {
        let request = inputs.request
        var environment = EngineEnvironment(
            registry: registry, signingKey: signingKey, now: instant.timestamp, actor: actor,
            generator: { SyntheticDataGenerators.generator(named: $0) }, progress: progress, outputRoot: outputRoot)
        environment.ledgerMatchesPlan = inputs.ledgerMatches(plan)
        let outcome: EngineOutcome
        do {
            outcome = try PlanEngine(environment: environment).run(plan: plan, request: request)
        } catch {
            return .failed(error)
        }
        switch outcome {
        case .published(let run):
            let bytes = FileManager.default.contents(atPath: run.certificatePath).map { [UInt8]($0) } ?? []
            let data = FileManager.default.contents(atPath: run.syntheticPath).map { [UInt8]($0) } ?? []
            let verification = CertificateCheck.verify(bytes, registry: registry, instant: instant, data: data)
            return .published(run, verification)
        case .gateFailed(let run):
            return .gateFailed(run)
        }
    }
}
