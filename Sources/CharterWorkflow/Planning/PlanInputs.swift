public import CharterCore
import CharterEngine
public import CharterPlan
public import CharterPolicy
public import CharterRegistry
import CharterSynth
public import CharterTrust
import Foundation

/// What a plan is made from: the request, the policy set, the digests that pin them, and the
/// source's ledger state. Planning uses it to make a plan and applying to compute the digests now
/// and compare them with the plan's (``PlanDrift``).
public struct PlanInputs: Sendable {
    /// Why the inputs could not be read: located diagnostics, and the texts they point into.
    public struct Failure: Error, Sendable {
        public var diagnostics: [Diagnostic]
        public var sources: [String: String] = [:]
    }

    public var requestFile: String
    public var policyPath: String
    public var request: GenerationRequest
    public var policy: Policy
    /// ``InputDigests/policySet(_:)`` of every file the policy set was read from.
    public var policyDigest: String
    /// The request's declared sha256, else the digest of the file as it is now, else `nil`.
    public var sourceDigest: String?
    public var ledger: LedgerState
    /// The registry's statement of the source's budget at the instant read; `nil` when there is no
    /// registry or it does not know the source.
    public var statement: BudgetStatement?
    /// What a person should know about how the inputs were read (no registry, observed digest).
    public var notes: [String] = []
    /// File texts, for rendering diagnostics.
    public var sources: [String: String] = [:]

    /// The digests of the inputs as they are now.
    public var digests: PlanDigests {
        PlanDigests(
            policy: policyDigest, request: InputDigests.request(request), source: sourceDigest, ledger: ledger.digest)
    }

    /// The files of an `external` generator's command with their digests, as the sandbox would run
    /// them now (``ExternalTool``); `nil` for another generator or when they cannot be read (a
    /// note says why).
    public var externalTool: [PinnedToolFile]? = nil

    /// The registry the ledger was read from (or would be: the ledger is empty when it does not
    /// exist), as it may be shown: a URL without its password.
    public var registryPath: String = ""
    /// Who may approve: the policy's allowed signers and groups.
    public var identities = ApprovalIdentities(allowedSigners: nil, directory: .empty)

    /// Decides the request on `now`, with approvals bound to `planDigest` (unchecked when `nil`) and
    /// the source's remaining lifetime budget from the ledger state the plan pins: a run that spends
    /// more than is left is denied, not merely warned about.
    public func decide(now: CalendarDate, planDigest: String?) -> Decision {
        DecisionEvaluator(policy: policy).decide(
            request, now: now, planDigest: planDigest, budget: sourceBudget, authenticator: identities)
    }

    /// The ledger state as the decision reads it: the source's standing, and the spend before and
    /// after this request's run composed the way the ledger composes (``RunBudgetProjection``).
    public var sourceBudget: SourceBudget {
        RunBudgetProjection.sourceBudget(
            ledger: registryPath, source: ledger.source, statement: statement, policy: policy, request: request)
    }

    /// Reads everything a plan needs.
    ///
    /// - Parameters:
    ///   - requestFile: the request manifest (exactly one request).
    ///   - policyPath: the policy directory or file.
    ///   - registry: the registry (with the environment a PostgreSQL URL's defaults and password
    ///     come from); when the file does not exist the ledger is empty, and a note says so.
    ///   - instant: the time the ledger is read at (live reservations count until their lease ends).
    ///   - store: where the request, the policies and (to pin it when the request declares no
    ///     sha256) the source are read.
    ///   - policySigners: who may sign the policy set (``PolicyBundle``); with them, an unsigned or
    ///     altered set is refused before anything else is read.
    public static func load(
        requestFile: String, policyPath: String, registry: RegistryLocation, at instant: Timestamp,
        store: any InputStore, policySigners: AllowedSigners? = nil
    ) throws(Failure) -> PlanInputs {
        let selection = PolicySelection(path: policyPath, in: store)
        guard let policy = selection.policy, selection.diagnostics.isEmpty else {
            throw Failure(diagnostics: selection.diagnostics, sources: selection.sources)
        }
        if let policySigners {
            do throws(PolicyBundle.Failure) {
                try PolicyBundle.verify(policyPath: policyPath, signers: policySigners, at: instant, store: store)
            } catch {
                throw Failure(diagnostics: error.diagnostics, sources: selection.sources)
            }
        }
        var sources = selection.sources
        let bytes: [UInt8]
        switch store.read(requestFile) {
        case .failure(let error): throw Failure(diagnostics: [error.diagnostic], sources: sources)
        case .success(let read): bytes = read
        }
        sources[requestFile] = String(decoding: bytes, as: UTF8.self)
        let loaded = RequestLoader().load(file: requestFile, bytes: bytes)
        if loaded.diagnostics.contains(where: { $0.severity == .error }) {
            throw Failure(diagnostics: loaded.diagnostics.filter { $0.severity == .error }, sources: sources)
        }
        guard loaded.requests.count == 1, let request = loaded.requests.first else {
            throw Failure(
                diagnostics: [
                    .error(
                        .unreadableInput,
                        loaded.requests.isEmpty
                            ? "no generation request in \"\(requestFile)\""
                            : "\(loaded.requests.count) requests in \"\(requestFile)\"; a plan is made for one",
                        at: .file(requestFile), help: "put each request in a file of its own")
                ], sources: sources)
        }
        var notes: [String] = []
        let policyDigest = selection.digest(policyPath: policyPath, store: store)
        var sourceDigest = request.source.sha256?.value
        if sourceDigest == nil {
            if let data = store.contents(of: request.source.path.value) {
                sourceDigest = ContentDigest.sha256(data)
                notes.append(
                    "the request declares no source.sha256: pinned the digest \"\(request.source.path.value)\" has now")
            } else {
                notes.append(
                    "the request declares no source.sha256 and \"\(request.source.path.value)\" cannot be read: the source is not pinned"
                )
            }
        }
        let externalTool = Self.externalTool(of: request, notes: &notes)
        let (ledger, statement) = try ledgerState(
            source: request.source.dataset.value, registry: registry, at: instant, policy: policy, notes: &notes)
        return PlanInputs(
            requestFile: requestFile, policyPath: policyPath, request: request, policy: policy,
            policyDigest: policyDigest, sourceDigest: sourceDigest, ledger: ledger, statement: statement, notes: notes,
            sources: sources, externalTool: externalTool, registryPath: registry.shown, identities: selection.identities)
    }

    /// The pins of the request's external tool, read from this machine's file system (where the
    /// engine runs it), with relative paths taken from the folder Charter runs in.
    static func externalTool(of request: GenerationRequest, notes: inout [String]) -> [PinnedToolFile]? {
        guard request.generator.type.value == "external", let command = request.generator.command else { return nil }
        do throws(GeneratorError) {
            return try ExternalTool.resolve(command.map(\.value)).pins
        } catch {
            notes.append("the external tool cannot be pinned: \(error.message)")
            return nil
        }
    }

    /// The source's ledger state from the registry, or the empty ledger when there is none, with
    /// the registry's statement it was read from (`nil` for the empty ledger).
    static func ledgerState(
        source: String, registry location: RegistryLocation, at instant: Timestamp, policy: Policy,
        notes: inout [String]
    ) throws(Failure) -> (LedgerState, BudgetStatement?) {
        let composition = policy.budgets?.composition?.value.rawValue
        // The registry lives on this machine's file system (whatever store the request came from),
        // or on a PostgreSQL server its URL names; a URL is shown without its password.
        var empty = LedgerState.unregistered(source: source)
        empty.composition = composition
        guard location.isPostgres || FileSystemInputStore().kind(of: location.path) != nil else {
            notes.append("no registry at \"\(location.shown)\": planned against the empty ledger")
            return (empty, nil)
        }
        do throws(RegistryError) {
            // Read-only: planning writes nothing to the registry (apply and run reserve later,
            // through a writer of their own).
            let store: any BudgetReading
            do throws(RegistryError) {
                store = try location.openBudgetReader()
            } catch .notFound where location.isPostgres {
                notes.append("no registry at \"\(location.shown)\": planned against the empty ledger")
                return (empty, nil)
            }
            let statement: BudgetStatement
            do throws(RegistryError) {
                statement = try store.budget(for: source, at: instant)
            } catch {
                guard case .unknownSource = error else { throw error }
                notes.append("source '\(source)' is not registered in \"\(location.shown)\": nothing spent yet")
                return (empty, nil)
            }
            return (ledgerState(of: statement, composition: composition), statement)
        } catch {
            throw Failure(diagnostics: [.error(.unreadableInput, error.description, at: .file(location.shown))])
        }
    }

    /// The ledger state a plan pins, from the registry's statement of its source.
    static func ledgerState(of statement: BudgetStatement, composition: String?) -> LedgerState {
        LedgerState(
            source: statement.source, isRegistered: true, capEpsilon: statement.cap.epsilon,
            capDelta: statement.cap.delta, spentEpsilon: statement.held.epsilon, spentDelta: statement.held.delta,
            composition: composition, events: statement.events.map { LedgerState.Event(id: $0.id, state: $0.state.rawValue) })
    }

    /// Whether `statement` (`nil`: the source is not registered) is the ledger state `plan` pinned,
    /// for the reservation to check inside its transaction. A source the plan saw unregistered
    /// matches while nothing has been recorded for it (the run registers it before reserving).
    public func ledgerMatches(_ plan: Plan) -> @Sendable (BudgetStatement?) -> Bool {
        let pinned = plan.inputs.ledger
        let composition = policy.budgets?.composition?.value.rawValue
        let source = request.source.dataset.value
        return { statement in
            var unregistered = LedgerState.unregistered(source: source)
            unregistered.composition = composition
            guard let statement else { return unregistered.digest == pinned }
            if statement.events.isEmpty, unregistered.digest == pinned { return true }
            return Self.ledgerState(of: statement, composition: composition).digest == pinned
        }
    }

    /// `file` relative to the policy root (the folder named, or the folder of the file named), so
    /// that the digest is the same whatever folder charter runs in and however the root is written
    /// (`policies`, `./policies/`, an absolute path); a base outside the root gets `../` steps.
    static func relative(_ file: String, to root: String, in store: any InputStore) -> String {
        let rootComponents = store.absoluteComponents(root)
        let base = store.kind(of: root) == .directory ? rootComponents : Array(rootComponents.dropLast())
        let target = store.absoluteComponents(file)
        var common = 0
        while common < base.count, common < target.count, base[common] == target[common] { common += 1 }
        return (Array(repeating: "..", count: base.count - common) + target[common...]).joined(separator: "/")
    }
}
