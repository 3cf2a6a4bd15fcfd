import CharterCore
import CharterPlan
import CharterPolicy
import CharterRegistry
import CharterWorkflow
import Hummingbird

/// The `/v1` routes: each reads its input, authorizes the caller, calls one workflow operation and
/// maps what it returned to a status and JSON. Nothing here decides, spends or plans.
struct ServerRoutes: Sendable {
    let configuration: ServerConfiguration
    let board: RunBoard
    let metrics: ServerMetrics
    /// The policy set, loaded and compiled once, reloaded when its files change.
    let policy: LivePolicy
    /// The budget ledger decisions read, opened once.
    let ledger: LiveLedger
    /// Where refused and accepted changes are audited.
    let audit: ChangeAudit
    /// How many evaluations may run at once.
    let evaluations: EvaluationGate

    var input: RequestInput { RequestInput(maximumBodyBytes: configuration.maximumBodyBytes) }
    /// The tokens, and the live policy's roles for each caller's identity.
    var authenticator: Authenticator {
        let loaded = policy.current
        return Authenticator(tokens: configuration.tokens, policyRoles: { identity in loaded.roles(heldBy: identity) })
    }

    func register(on router: Router<BasicRequestContext>) {
        router.get("/v1/health") { _, _ in
            Reply.json(["status": "ok", "runs_pending": .integer(board.pending)])
        }
        router.get("/openapi.json") { _, _ in Reply.text(OpenAPIDocument.text, type: "application/json") }
        router.get("/metrics") { request, _ in
            let acting = try self.instant(request)
            return Reply.text(
                metrics.exposition(registryLocation: configuration.registry, instant: acting),
                type: "text/plain; version=0.0.4")
        }
        router.post("/v1/decisions") { request, _ in try await decide(request) }
        router.post("/v1/decisions:batch") { request, _ in try await decideBatch(request) }
        router.post("/v1/lint") { request, _ in try await lint(request) }
        router.post("/v1/plans") { request, _ in try await plan(request) }
        router.post("/v1/dp/validate-config") { request, _ in try await validateDPConfiguration(request) }
        router.post("/v1/evaluations") { request, _ in try await evaluate(request) }
        router.post("/v1/approvals") { request, _ in try await approve(request) }
        router.post("/v1/runs") { request, _ in try await startRun(request) }
        router.get("/v1/runs/{id}") { request, context in try readRun(request, id: context.parameters.get("id")) }
        router.get("/v1/budgets") { request, _ in try budgets(request, source: nil) }
        router.get("/v1/budgets/{source}") { request, context in
            try budgets(request, source: try RequestInput.identifier(context.parameters.get("source"), "the source"))
        }
        router.get("/v1/certificates") { request, _ in try certificates(request) }
        router.get("/v1/certificates/{id}") { request, context in
            try certificate(request, id: context.parameters.get("id"))
        }
        router.post("/v1/certificates:verify") { request, _ in try await verifyCertificate(request) }
        router.post("/v1/certificates/{id}") { request, context in
            try await certificateAction(request, reference: context.parameters.get("id"))
        }
        router.get("/v1/audit") { request, _ in try audit(request, verify: false) }
        router.post("/v1/audit:verify") { request, _ in try audit(request, verify: true) }
        Dashboard(routes: self).register(on: router)
    }

    // MARK: Shared steps

    /// The instant the request acts at: `?now=` (a date or an RFC 3339 time), else the clock.
    func instant(_ request: Request) throws(APIError) -> ActingInstant {
        if let now = request.uri.queryParameters.get("now") {
            guard let instant = ActingInstant(parsing: now) else {
                throw APIError.badRequest("now must be \(ActingInstant.syntax), got \"\(now)\"")
            }
            return instant
        }
        guard let instant = ActingInstant(configuration.clock()) else {
            throw APIError(status: .internalServerError, message: "cannot tell the time from the clock")
        }
        return instant
    }

    func authorize(_ request: Request, _ access: Access) throws(APIError) -> Caller? {
        try authenticator.authorize(request.headers[.authorization], for: access)
    }

    /// The name a manifest body is read as: `request.json` for JSON, else `request.yaml`.
    func manifestName(_ request: Request) -> String {
        request.headers[.contentType].map(RequestInput.mediaType) == "application/json"
            ? "request.json" : "request.yaml"
    }

    // MARK: Decisions, lint, plans

    func decide(_ request: Request) async throws -> Response {
        _ = try authorize(request, .deciding)
        let bytes = try await input.body(of: request, as: .manifest)
        let name = manifestName(request)
        let explain = request.uri.queryParameters.get("explain") == "true"
        let decided = Deciding(
            manifests: [(name, bytes)], policy: policy.current, ledger: ledger, instant: try instant(request),
            planDigest: request.uri.queryParameters.get("plan_digest"), tracing: explain)
        return try answer(decided)
    }

    func answer(_ decided: Deciding) throws(APIError) -> Response {
        if let failure = decided.failure {
            throw APIError(
                status: .serviceUnavailable, message: "the server's policy or registry cannot be read",
                diagnostics: failure)
        }
        if decided.results.contains(where: \.unreadable) {
            throw APIError.badRequest(
                "the manifest cannot be read or decided", diagnostics: decided.diagnostics(includingDecisions: false))
        }
        for decision in decided.results.flatMap(\.decisions) { metrics.decision(outcome: decision.outcome.rawValue) }
        return Reply.text(decided.renderedJSON, type: "application/json")
    }

    func decideBatch(_ request: Request) async throws -> Response {
        _ = try authorize(request, .deciding)
        let object = try await input.object(of: request)
        guard let manifests = object["requests"]?.arrayValue else {
            throw APIError.badRequest(
                "the body must be {\"requests\": [MANIFEST, …]}, each a YAML string or a JSON object")
        }
        guard !manifests.isEmpty, manifests.count <= configuration.maximumBatch else {
            throw APIError.badRequest(
                "a batch holds 1 to \(configuration.maximumBatch) requests, not \(manifests.count)")
        }
        var files: [(name: String, bytes: [UInt8])] = []
        for (index, manifest) in manifests.enumerated() {
            let name = "requests/\(index + 1).yaml"
            switch manifest {
            case .string(let text): files.append((name, Array(text.utf8)))
            case .object: files.append((name, Array(((try? manifest.canonical()) ?? "").utf8)))
            default: throw APIError.badRequest("request \(index + 1) must be a YAML string or a JSON object")
            }
        }
        let decided = Deciding(
            manifests: files, policy: policy.current, ledger: ledger, instant: try instant(request), planDigest: nil,
            tracing: request.uri.queryParameters.get("explain") == "true")
        if let failure = decided.failure {
            throw APIError(
                status: .serviceUnavailable, message: "the server's policy or registry cannot be read",
                diagnostics: failure)
        }
        for decision in decided.results.flatMap(\.decisions) { metrics.decision(outcome: decision.outcome.rawValue) }
        // A batch answers for every manifest: unreadable ones are listed in `errors`, not a 400.
        return Reply.json(decided.json)
    }

    func lint(_ request: Request) async throws -> Response {
        _ = try authorize(request, .deciding)
        let bytes = try await input.body(of: request, as: .manifest)
        let name = "input.yaml"
        let linting = Linting(paths: [name], in: OverlayInputStore([name: bytes]))
        let report = DiagnosticReport(
            tool: Reply.tool, command: "lint", files: linting.files, diagnostics: linting.diagnostics,
            sources: linting.sources)
        let sarif = request.headers[.accept]?.contains("application/sarif+json") == true
        let rendered = try report.rendered(as: sarif ? .sarif : .json)
        return Reply.text(rendered, type: sarif ? "application/sarif+json" : "application/json")
    }

    func plan(_ request: Request) async throws -> Response {
        _ = try authorize(request, .deciding)
        let bytes = try await input.body(of: request, as: .manifest)
        let name = manifestName(request)
        try SourceConfinement.check(manifest: bytes, name: name, root: FileSystemInputStore().workingDirectory)
        let outcome = Planning.plan(
            requestFile: name, policyPath: configuration.policyPath, registry: configuration.registry,
            instant: try instant(request), store: OverlayInputStore([name: bytes]))
        switch outcome {
        case .failed(let diagnostics, _):
            throw APIError.badRequest("no plan could be made", diagnostics: diagnostics)
        case .denied(let decision, _):
            metrics.decision(outcome: decision.outcome.rawValue)
            return Reply.json(["outcome": "denied", "decision": decision.json])
        case .planned(let plan, _):
            return Reply.json([
                "outcome": plan.isReady ? "ready" : "pending", "digest": .string(plan.digest), "plan": plan.json,
            ])
        }
    }

    /// `POST /v1/dp/validate-config`: `{rows, batch_size, epochs, target_epsilon, delta}` → the
    /// DP-SGD configuration checks a `dp-vae` plan makes, as `charter privacy validate-config
    /// --format json` prints them (``DPSGDValidation``). A refused configuration is a 200 with
    /// `verdict: refused`; a body without those fields, or of the wrong types, is a 400.
    func validateDPConfiguration(_ request: Request) async throws -> Response {
        _ = try authorize(request, .deciding)
        let object = try await input.object(of: request)
        func integer(_ name: String) throws(APIError) -> Int {
            guard case .integer(let value)? = object[name] else {
                throw APIError.badRequest("the body needs \"\(name)\", an integer")
            }
            return value
        }
        func number(_ name: String) throws(APIError) -> Double {
            guard let value = object[name]?.doubleValue, value.isFinite else {
                throw APIError.badRequest("the body needs \"\(name)\", a finite number")
            }
            return value
        }
        let known: Set<String> = ["rows", "batch_size", "epochs", "target_epsilon", "delta"]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw APIError.badRequest(
                "unknown field \"\(unknown)\"; the body takes \(known.sorted().map { "\"\($0)\"" }.joined(separator: ", "))"
            )
        }
        let validation = DPSGDValidation(
            rows: try integer("rows"), batchSize: try integer("batch_size"), epochs: try integer("epochs"),
            targetEpsilon: try number("target_epsilon"), delta: try number("delta"))
        return Reply.json(validation.json)
    }
}
