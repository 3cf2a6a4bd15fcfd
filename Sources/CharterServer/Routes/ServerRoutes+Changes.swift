import CharterCore
import CharterPlan
import CharterPolicy
import CharterRegistry
import CharterWorkflow
import Hummingbird

extension ServerRoutes {
    /// `POST /v1/approvals`: `{request, role, by, plan?, override?, signature}` — the signature is
    /// verified against the policy's allowed signers exactly as a decision verifies it
    /// (``Approving``); the token only admits the caller, it never stands for the signature.
    func approve(_ request: Request) async throws -> Response {
        try await changing(request, "approvals.post", subject: "approval", access: .approving) { caller in
            try await approve(request, caller: caller)
        }
    }

    private func approve(_ request: Request, caller: Caller?) async throws -> Response {
        let object = try await input.object(of: request)
        func field(_ name: String, required: Bool = true) throws(APIError) -> String? {
            guard let value = object[name], value != .null else {
                if required { throw APIError.badRequest("the body needs \"\(name)\", a string") }
                return nil
            }
            guard let text = value.stringValue else { throw APIError.badRequest("\"\(name)\" must be a string") }
            return text
        }
        let manifest = try field("request") ?? ""
        let signature = try field("signature") ?? ""
        let role = try field("role") ?? ""
        if let caller, !caller.roles.contains(.admin), !caller.policyRoles.contains(role) {
            let held = caller.policyRoles.sorted().joined(separator: ", ")
            throw APIError.forbidden(
                "'\(caller.identity)' may post approvals only for the policy roles it holds "
                    + "(\(held.isEmpty ? "none" : held)), not '\(role)'")
        }
        let name = "request.yaml"
        do {
            let approving = try Approving(
                requestFile: name, policyPath: configuration.policyPath, role: role,
                signer: try field("by"), key: nil, plan: try field("plan", required: false),
                on: try instant(request).date,
                override: try field("override", required: false), store: OverlayInputStore([name: Array(manifest.utf8)])
            )
            let entry = try approving.approval(signature: signature)
            audit.note(
                .approvalAccepted, subject: approving.request.id.value,
                details: [
                    "request": .string(approving.request.id.value), "role": .string(approving.role),
                    "signer": .string(approving.signer.canonical), "plan": approving.plan.map { .string($0) } ?? .null,
                ],
                actor: caller?.identity ?? "anonymous", at: try instant(request).timestamp)
            return Reply.json([
                "signer": .string(approving.signer.canonical), "role": .string(approving.role),
                "statement": .string(approving.statement), "entry": .string(entry),
                "request": .string((try? approving.appending(entry)) ?? ""),
            ])
        } catch let failure as Approving.Failure {
            throw APIError.unprocessable("the approval does not count", diagnostics: failure.diagnostics)
        }
    }

    /// `POST /v1/runs`: plans the manifest; a ready plan is queued (202 and the run's id), a full
    /// queue is 429, a denied or pending plan 422 with the decision or the plan.
    func startRun(_ request: Request) async throws -> Response {
        try await changing(request, "runs.start", subject: "run", access: .running) { caller in
            try await startRun(request, caller: caller)
        }
    }

    private func startRun(_ request: Request, caller: Caller?) async throws -> Response {
        let bytes = try await input.body(of: request, as: .manifest)
        let name = manifestName(request)
        try SourceConfinement.check(manifest: bytes, name: name, root: FileSystemInputStore().workingDirectory)
        let instant = try self.instant(request)
        let outcome = Planning.plan(
            requestFile: name, policyPath: configuration.policyPath, registry: configuration.registry,
            instant: instant, store: OverlayInputStore([name: bytes]))
        let plan: Plan
        let inputs: PlanInputs
        switch outcome {
        case .failed(let diagnostics, _):
            throw APIError.badRequest("no plan could be made", diagnostics: diagnostics)
        case .denied(let decision, _):
            var error = APIError.unprocessable("the request is denied; nothing was run")
            error.body = ["outcome": "denied", "decision": decision.json]
            throw error
        case .planned(let planned, let plannedInputs):
            plan = planned
            inputs = plannedInputs
        }
        guard plan.isReady else {
            var error = APIError.unprocessable("the plan waits for approvals; nothing was run")
            error.body = ["outcome": "pending", "digest": .string(plan.digest), "plan": plan.json]
            error.auditDetails = PendingApproval.refusalDetails(for: plan)
            throw error
        }
        let actor = caller?.identity ?? "charter"
        if let caller, caller.roles.isDisjoint(with: [.engineer, .admin]) {
            // A requester runs only its own requests.
            guard Identity.canonical(inputs.request.requester.value) == caller.identity else {
                throw APIError.forbidden("'\(caller.identity)' may run only its own requests")
            }
        }
        let keyPath = configuration.signingKeyPath
        let source = inputs.request.source.dataset.value
        let submitted = board.submit(
            actor: actor, requestID: plan.request.id, planDigest: plan.digest, source: source,
            actingAt: instant.timestamp.description
        ) { id, progress in
            switch RunExecution.open(
                registry: configuration.registry, keyPath: keyPath, instant: instant, actor: actor,
                outputRoot: configuration.outputRoot,
                progress: progress)
            {
            case .failure(let error):
                return ("failed", ExecutionOutcome.failed(error).json(plan: plan))
            case .success(let opened):
                // The accepted run is audited once the registry is open, before it reserves.
                try? opened.execution.registry.recordNote(
                    .runAccepted, subject: id,
                    details: ["run": .string(id), "request": .string(plan.request.id), "plan": .string(plan.digest)],
                    actor: actor, at: instant.timestamp)
                let outcome = opened.execution.execute(plan: plan, inputs: inputs)
                let status =
                    switch outcome {
                    case .published: "published"
                    case .gateFailed: "gate-failed"
                    case .failed: "failed"
                    }
                return (status, outcome.json(plan: plan))
            }
        }
        guard let submitted else {
            var error = APIError(status: .tooManyRequests, message: "the run queue is full; try again later")
            error.headers = [("Retry-After", "5")]
            throw error
        }
        var response = Reply.json(["id": .string(submitted.id), "run": submitted.json], status: .accepted)
        response.headers[.location] = "/v1/runs/\(submitted.id)"
        return response
    }

    /// `GET /v1/runs/{id}`: the run's status, stage, progress and, once finished, its outcome.
    func readRun(_ request: Request, id: String?) throws -> Response {
        let caller = try authorize(request, .runReading)
        let id = try RequestInput.identifier(id, "the run id")
        guard let record = board.record(id) else { throw APIError.notFound("no run '\(id)'") }
        if let caller, caller.roles.isDisjoint(with: [.engineer, .admin, .auditor]), record.actor != caller.identity {
            throw APIError.forbidden("'\(caller.identity)' may read only its own runs")
        }
        return Reply.json(["id": .string(id), "run": record.json])
    }

    /// `POST /v1/certificates/{id}:revoke` (`{"reason": …}`); the audit chain records the caller.
    func certificateAction(_ request: Request, reference: String?) async throws -> Response {
        let reference = try RequestInput.identifier(reference, "the certificate reference")
        guard reference.hasSuffix(":revoke") else {
            throw APIError.notFound("no such route: POST /v1/certificates/\(reference) (use {id}:revoke)")
        }
        let id = try RequestInput.identifier(String(reference.dropLast(":revoke".count)), "the certificate id")
        return try await changing(request, "certificates.revoke", subject: id, access: .revoking) { caller in
            try await revoke(request, id: id, caller: caller)
        }
    }

    private func revoke(_ request: Request, id: String, caller: Caller?) async throws -> Response {
        let object = try await input.object(of: request)
        guard let reason = object["reason"]?.stringValue, !reason.isEmpty else {
            throw APIError.badRequest("the body needs \"reason\", a non-empty string")
        }
        let instant = try self.instant(request)
        do {
            let record = try configuration.registry.openExisting().revokeCertificate(
                id, reason: reason, actor: caller?.identity ?? "charter", at: instant.timestamp)
            return Reply.json(record.json(at: instant.timestamp))
        } catch {
            throw registryError(error)
        }
    }

    /// Runs a state-changing operation for its caller: authenticates (401), checks the role
    /// (403), runs `body`, and writes every refusal (any 4xx) into the audit chain with the
    /// caller's identity, `anonymous` when there is none (``ChangeAudit``).
    func changing(
        _ request: Request, _ operation: String, subject: String, access: Access,
        _ body: (Caller?) async throws -> Response
    ) async throws -> Response {
        var actor = "anonymous"
        do {
            let caller = try authenticator.authenticate(request.headers[.authorization], for: access)
            if let caller {
                actor = caller.identity
                try authenticator.permit(caller, access)
            }
            return try await body(caller)
        } catch let error as APIError where (400..<500).contains(error.status.code) {
            let at = (try? instant(request).timestamp) ?? configuration.clock()
            audit.refused(operation: operation, subject: subject, actor: actor, error: error, at: at)
            throw error
        }
    }

    /// A registry failure as an answer: an unknown id is 404, a refused change 409, else 503.
    func registryError(_ error: RegistryError) -> APIError {
        let text = "\(error)"
        if text.contains("no certificate") || text.contains("unknown") || text.contains("not found") {
            return APIError.notFound(text)
        }
        if error.isUsageError { return APIError(status: .conflict, message: text) }
        return APIError(status: .serviceUnavailable, message: "the registry cannot be used: \(text)")
    }
}
