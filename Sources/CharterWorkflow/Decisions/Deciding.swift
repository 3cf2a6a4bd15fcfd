public import CharterCore
public import CharterPolicy
import CharterRegistry

/// One request file read and decided.
public struct DecidedRequest: Sendable {
    /// The file, as named.
    public var file: String
    /// A decision per request in the file.
    public var decisions: [Decision] = []
    /// Why the file or a request in it could not be read or decided.
    public var diagnostics: [Diagnostic] = []
    /// Whether the file could not be read, or a request in it not decided.
    public var unreadable = false

    public init(file: String, decisions: [Decision] = [], diagnostics: [Diagnostic] = [], unreadable: Bool = false) {
        self.file = file
        self.decisions = decisions
        self.diagnostics = diagnostics
        self.unreadable = unreadable
    }
}

/// `check` and `explain`: request files decided against the policy set, with each source's budget
/// read from the ledger.
public struct Deciding: Sendable {
    /// Why nothing was decided (no single policy, an unreadable ledger), or `nil`.
    public var failure: [Diagnostic]?
    /// Each request file and its decisions, in the order read.
    public var results: [DecidedRequest] = []
    /// The request files read.
    public var files: [String] = []
    /// The texts read, by path, for rendering diagnostics.
    public var sources: [String: String] = [:]
    /// ``renderedJSON`` when the memo had it.
    private var rendered: String?

    /// Decides every request in `requests`.
    ///
    /// - Parameters:
    ///   - requests: request files; with `expand`, folders too (walked for `.yaml` and `.yml`).
    ///   - policyPath: the policy folder or file (``PolicySelection``).
    ///   - instant: the decision date, and the instant the ledger is read at.
    ///   - planDigest: the plan digest approvals must be bound to (`nil`: not checked).
    ///   - tracing: whether decisions record every condition's values.
    ///   - registry: where the budget ledger is (``DecisionLedger/open(_:at:)``).
    ///   - store: where files are read.
    public init(
        requests: [String], expand: Bool = true, policyPath: String, instant: ActingInstant, planDigest: String?,
        tracing: Bool, registry: RegistryLocation, store: any InputStore
    ) {
        let selection = PolicySelection(path: policyPath, in: store)
        sources = selection.sources
        guard let policy = selection.policy else {
            failure = selection.diagnostics
            return
        }
        let ledger: DecisionLedger
        switch DecisionLedger.open(registry, at: instant.timestamp) {
        case .success(let opened): ledger = opened
        case .failure(let error):
            failure = [error.diagnostic]
            return
        }
        if expand {
            let inputs = InputFileSet(paths: requests, extensions: ["yaml", "yml"], in: store)
            if !inputs.problems.isEmpty {
                results.append(DecidedRequest(file: "", diagnostics: inputs.problems, unreadable: true))
            }
            files = inputs.files
        } else {
            files = requests
        }
        let evaluator = DecisionEvaluator(policy: policy)
        for file in files {
            results.append(
                Self.decide(
                    file: file, evaluator: evaluator, policy: policy, date: instant.date, planDigest: planDigest,
                    tracing: tracing, ledger: ledger, identities: selection.identities, store: store, sources: &sources))
        }
    }

    /// Decides the manifests a caller handed in, by name and bytes, against a policy set already
    /// loaded and compiled (``LoadedPolicy``) with the shared ledger (``LiveLedger``): the same
    /// decisions as ``init(requests:expand:policyPath:instant:planDigest:tracing:registry:store:)``
    /// on files of those names and bytes, without reading the policy or opening the registry.
    ///
    /// - Parameters:
    ///   - manifests: each manifest's name (as diagnostics and `file` show it) and bytes, in order.
    ///   - policy: the policy set to decide by; its diagnostics are the failure when it has no policy.
    ///   - ledger: where each source's budget is read.
    ///   - instant: the decision date, and the instant the ledger is read at.
    ///   - planDigest: the plan digest approvals must be bound to (`nil`: not checked).
    ///   - tracing: whether decisions record every condition's values.
    public init(
        manifests: [(name: String, bytes: [UInt8])], policy: LoadedPolicy, ledger: LiveLedger, instant: ActingInstant,
        planDigest: String?, tracing: Bool
    ) {
        sources = policy.selection.sources
        guard let program = policy.program else {
            failure = policy.selection.diagnostics
            return
        }
        let opened: DecisionLedger
        switch ledger.ledger(at: instant.timestamp) {
        case .success(let ledger): opened = ledger
        case .failure(let error):
            failure = [error.diagnostic]
            return
        }
        let decider = Decider.compiled(program)
        let identities = policy.selection.identities
        for (name, bytes) in manifests {
            files.append(name)
            let key = DecisionMemo.Key(
                name: name, bytes: bytes, date: instant.date, planDigest: planDigest, tracing: tracing)
            let remembered = policy.memo.entry(key)
            var requests: [GenerationRequest]
            var result: DecidedRequest
            if let remembered {
                sources[name] = String(decoding: bytes, as: UTF8.self)
                requests = remembered.requests
                // The reading's diagnostics; the decisions are the ones to decide again.
                result = DecidedRequest(
                    file: name, diagnostics: remembered.result.diagnostics.filter { $0.severity != .error })
            } else {
                (requests, result) = Self.load(file: name, bytes: bytes, sources: &sources)
                if result.unreadable {
                    results.append(result)
                    continue
                }
            }
            // The budgets are read once, before deciding: a spend committed meanwhile can then
            // only make the memo's budgets older than the ledger's (and the next hit decide
            // again), never pair an answer with budgets it was not decided with.
            let read = Self.budgets(of: requests, ledger: opened, policy: program.policy, known: remembered)
            if let remembered, let read, read.budgets == remembered.budgets {
                results.append(remembered.result)
                if manifests.count == 1 { rendered = remembered.rendered }
                continue
            }
            Self.decide(
                requests, into: &result, decider: decider, date: instant.date, planDigest: planDigest,
                tracing: tracing, ledger: opened, identities: identities, budgets: read?.budgets)
            if let read { Self.remember(result, requests: requests, read: read, key: key, in: policy.memo) }
            results.append(result)
        }
    }

    /// Remembers a manifest's result, rendered as this route answers a single manifest.
    private static func remember(
        _ result: DecidedRequest, requests: [GenerationRequest],
        read: (statements: [BudgetStatement?], budgets: [SourceBudget?]), key: DecisionMemo.Key, in memo: DecisionMemo
    ) {
        memo.remember(
            DecisionMemo.Entry(
                requests: requests, statements: read.statements, budgets: read.budgets, result: result,
                rendered: rendering(json(of: [result]))),
            under: key)
    }

    /// Each request's ledger statement and budget as ``DecisionLedger/budget(for:policy:)`` reads
    /// them, or `nil` when one cannot be read (the caller then decides afresh, which reports why).
    /// Where a statement equals the one `known` was checked with, its budget is `known`'s.
    static func budgets(
        of requests: [GenerationRequest], ledger: DecisionLedger, policy: Policy, known: DecisionMemo.Entry?
    ) -> (statements: [BudgetStatement?], budgets: [SourceBudget?])? {
        var statements: [BudgetStatement?] = []
        var budgets: [SourceBudget?] = []
        for (index, request) in requests.enumerated() {
            guard let statement = try? ledger.statement(for: request) else { return nil }
            statements.append(statement)
            if let known, known.statements.indices.contains(index), known.statements[index] == statement {
                budgets.append(known.budgets[index])
            } else {
                budgets.append(ledger.budget(for: request, policy: policy, statement: statement))
            }
        }
        return (statements, budgets)
    }

    /// What decides each request: the interpreter (``DecisionEvaluator``) or a compiled program
    /// (``DecisionProgram``), which decide alike.
    enum Decider {
        case interpreted(DecisionEvaluator)
        case compiled(DecisionProgram)

        var policy: Policy {
            switch self {
            case .interpreted(let evaluator): evaluator.policy
            case .compiled(let program): program.policy
            }
        }

        func decide(
            _ request: GenerationRequest, now: CalendarDate, planDigest: String?, tracing: Bool, budget: SourceBudget?,
            authenticator: ApprovalIdentities
        ) -> Decision {
            switch self {
            case .interpreted(let evaluator):
                evaluator.decide(
                    request, now: now, planDigest: planDigest, tracing: tracing, budget: budget,
                    authenticator: authenticator)
            case .compiled(let program):
                program.decide(
                    request, now: now, planDigest: planDigest, tracing: tracing, budget: budget,
                    authenticator: authenticator)
            }
        }
    }

    /// Reads `file` and decides every request in it.
    static func decide(
        file: String, evaluator: DecisionEvaluator, policy: Policy, date: CalendarDate, planDigest: String?,
        tracing: Bool, ledger: DecisionLedger, identities: ApprovalIdentities, store: any InputStore,
        sources: inout [String: String]
    ) -> DecidedRequest {
        switch store.read(file) {
        case .failure(let error):
            return DecidedRequest(file: file, diagnostics: [error.diagnostic], unreadable: true)
        case .success(let bytes):
            return decide(
                file: file, bytes: bytes, decider: .interpreted(evaluator), date: date, planDigest: planDigest,
                tracing: tracing, ledger: ledger, identities: identities, sources: &sources)
        }
    }

    /// Decides every request in `bytes`, read from `file`.
    static func decide(
        file: String, bytes: [UInt8], decider: Decider, date: CalendarDate, planDigest: String?, tracing: Bool,
        ledger: DecisionLedger, identities: ApprovalIdentities, sources: inout [String: String]
    ) -> DecidedRequest {
        var (requests, result) = load(file: file, bytes: bytes, sources: &sources)
        if !result.unreadable {
            decide(
                requests, into: &result, decider: decider, date: date, planDigest: planDigest, tracing: tracing,
                ledger: ledger, identities: identities)
        }
        return result
    }

    /// Reads the requests in `bytes`, read from `file`: the requests, and a result holding the
    /// reading's diagnostics, unreadable when one is an error or there is no request.
    static func load(file: String, bytes: [UInt8], sources: inout [String: String]) -> (
        requests: [GenerationRequest], result: DecidedRequest
    ) {
        var result = DecidedRequest(file: file)
        sources[file] = String(decoding: bytes, as: UTF8.self)
        let loaded = RequestLoader().load(file: file, bytes: bytes)
        result.diagnostics = loaded.diagnostics
        if loaded.diagnostics.contains(where: { $0.severity == .error }) || loaded.requests.isEmpty {
            result.unreadable = true
        }
        return (loaded.requests, result)
    }

    /// Decides `requests`, read from `result`'s file, each with its source's budget (from `budgets`,
    /// one per request, when the caller read them already; else from the ledger), appending each
    /// decision (or why its budget cannot be read) to `result`.
    static func decide(
        _ requests: [GenerationRequest], into result: inout DecidedRequest, decider: Decider, date: CalendarDate,
        planDigest: String?, tracing: Bool, ledger: DecisionLedger, identities: ApprovalIdentities,
        budgets: [SourceBudget?]? = nil
    ) {
        let policy = decider.policy
        for (index, request) in requests.enumerated() {
            let budget: SourceBudget?
            do {
                if let budgets, budgets.indices.contains(index) {
                    budget = budgets[index]
                } else {
                    budget = try ledger.budget(for: request, policy: policy)
                }
            } catch {
                result.diagnostics.append(
                    .error(
                        error.isUsageError ? .registryError : .unreadableInput,
                        "cannot read the budget of source '\(request.source.dataset.value)': \(error.description)",
                        at: request.source.dataset.location))
                result.unreadable = true
                continue
            }
            result.decisions.append(
                decider.decide(
                    request, now: date, planDigest: planDigest, tracing: tracing, budget: budget,
                    authenticator: identities))
        }
    }

    /// Every diagnostic: the files' and, with `decisions`, each decision's.
    public func diagnostics(includingDecisions decisions: Bool) -> [Diagnostic] {
        if let failure { return failure }
        return results.flatMap { $0.diagnostics + (decisions ? $0.decisions.flatMap(\.diagnostics) : []) }
    }

    /// How the decisions end: unreadable input first, then any deny, then any pending, else clean.
    public var status: OperationStatus {
        if failure != nil || results.contains(where: \.unreadable) { return .unreadable }
        let outcomes = results.flatMap(\.decisions).map(\.outcome)
        if outcomes.contains(.deny) { return .denied }
        if outcomes.contains(.pending) { return .pending }
        return .clean
    }

    /// The decisions as `check --format json` prints them, each with its file, and the errors.
    public var json: JSONValue { Self.json(of: results) }

    /// ``json`` pretty-printed with sorted keys, as `check --format json` prints it: a manifest
    /// decided again with equal budgets (``DecisionMemo``) answers with the text already rendered.
    public var renderedJSON: String { rendered ?? Self.rendering(json) }

    /// `value` pretty-printed, or `{}` when it cannot be (it always can: decisions hold no
    /// non-finite number).
    static func rendering(_ value: JSONValue) -> String { (try? value.pretty()) ?? "{}\n" }

    /// ``json`` of `results`.
    static func json(of results: [DecidedRequest]) -> JSONValue {
        .object([
            "decisions": .array(
                results.flatMap { result in
                    result.decisions.map { decision in
                        var object = decision.json.objectValue ?? [:]
                        object["file"] = .string(result.file)
                        return .object(object)
                    }
                }),
            "errors": .array(
                results.flatMap(\.diagnostics).filter { $0.severity == .error }.map {
                    .object([
                        "code": .string($0.code.id), "message": .string($0.message),
                        "location": .string($0.location?.description ?? ""),
                    ])
                }),
        ])
    }
}
