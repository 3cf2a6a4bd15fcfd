internal import CharterCore
internal import CharterData
internal import CharterPlan
internal import CharterPolicy
internal import CharterRegistry
internal import CharterSynth

#if canImport(FoundationEssentials)
    internal import FoundationEssentials
#else
    internal import Foundation
#endif

/// One execution of a plan: the stages' state as they run.
struct PlanRun {
    let plan: Plan
    let request: GenerationRequest
    let environment: EngineEnvironment
    var notes: [String] = []
    var reservation: LedgerEvent?

    init(plan: Plan, request: GenerationRequest, environment: EngineEnvironment) {
        self.plan = plan
        self.request = request
        self.environment = environment
    }

    private func progress(_ line: String) {
        environment.progress?(line)
    }

    mutating func execute() throws(EngineError) -> EngineOutcome {
        guard plan.isIntact else {
            throw EngineError(.refused, stage: "plan", "the plan was edited: its digest does not match its content")
        }
        guard plan.isReady else {
            let needed = plan.approvals.needed.map { $0.roles.joined(separator: " or ") }.joined(separator: "; ")
            throw EngineError(.refused, stage: "plan", "the plan still needs approvals: \(needed)")
        }
        guard case .verifySource(let source)? = plan.stage(.verifySource),
            case .holdoutSplit(let split)? = plan.stage(.holdoutSplit),
            case .generate(let generate)? = plan.stage(.generate),
            case .certify(let certify)? = plan.stage(.certify),
            case .publish(let planned)? = plan.stage(.publish)
        else {
            throw EngineError(.unreadable, stage: "plan", "the plan lacks one of its stages")
        }
        let publish = environment.outputRoot.map { planned.relocated(to: $0) } ?? planned
        let expires = try expiry(certify)
        try OutputPublisher.checkFree(publish)
        guard let generator = environment.generator(generate.generator) else {
            throw EngineError(.refused, stage: "generate", "no generator named '\(generate.generator)' in this build")
        }

        // A policy that refuses underpowered gates: the plan says which and what size would decide them.
        let underpowered = plan.warnings.filter { $0.code == "underpowered-gate" && $0.severity == .error }
        guard underpowered.isEmpty else {
            throw EngineError(
                .refused, stage: "plan",
                "the policy refuses gates that cannot be decided at this size; nothing was reserved or read: "
                    + underpowered.map(\.message).joined(separator: "; "))
        }
        // Only the registry's active key signs: checked before any budget is reserved.
        try checkSigningKey()
        // What would fail after the budget is spent is checked before it is reserved.
        try preflight(generate: generate, publish: publish)
        // Budget first: nothing is read before the run's (ε, δ) is reserved.
        try reserveBudget(source: source, generate: generate)

        let verified: VerifiedSource
        let train: Table
        let holdout: Table
        var output: GeneratorOutput
        do {
            progress("verify-source: \(source.path)")
            verified = try SourceVerifier.verify(source)
            progress("holdout-split: \(split.fraction) of \(verified.table.rowCount) rows, seed \(split.seed)")
            let rows = try HoldoutSplit(
                table: verified.table, fraction: split.fraction.approximateDouble, seed: UInt64(split.seed),
                stratify: split.stratify)
            train = verified.table.selectingRows(rows.trainRows)
            holdout = verified.table.selectingRows(rows.holdoutRows)
        } catch {
            releaseBudget(reason: "the run stopped at \(error.stage) before generating")
            var error = error
            error.notes += notes
            throw error
        }
        let schema = Self.schema([train, holdout], declared: request.source.columns)
        // Every draw of every attempt is sampled from the one fitted model in one call: further draws
        // are post-processing and spend no budget; the first `rows` of an attempt are its published draw.
        let draws = max(1, generate.draws)
        let attempts = max(1, generate.attempts)
        progress(
            "generate: \(generate.generator), \(generate.rows) rows"
                + (draws * attempts > 1 ? " × \(draws) draws × \(attempts) attempts from one fitted model" : ""))
        do {
            output = try generator.generate(
                training: train, rowCount: generate.rows * draws * attempts,
                settings: GeneratorSettings(
                    seed: UInt64(generate.seed), epsilon: generate.epsilon?.approximateDouble,
                    delta: generate.delta?.approximateDouble, schema: schema,
                    domains: Self.domains(request.source.columns),
                    parameters: Self.generatorParameters(generate),
                    drawRows: draws * attempts > 1 ? generate.rows : nil))
        } catch {
            if Self.refusedBeforeAnyMechanism.contains(error.code) {
                releaseBudget(reason: "the generator refused its settings (\(error.code)) before any mechanism ran")
            } else {
                try commitBudget(after: "the generator failed")
            }
            throw EngineError(.failed, stage: "generate", error.description, notes: notes)
        }
        try commitBudget(after: "the generator ran")
        notes += output.warnings.map { "generator: \($0)" }
        guard output.table.columnNames == train.columnNames else {
            throw EngineError(
                .failed, stage: "generate",
                "the generator returned columns \(output.table.columnNames) instead of \(train.columnNames)",
                notes: notes)
        }

        // One table asked for: whatever rows the generator returned are the draw, as before draws existed.
        let rowsPerDraw = draws * attempts == 1 ? output.table.rowCount : generate.rows
        guard draws * attempts == 1 || output.table.rowCount == generate.rows * draws * attempts else {
            throw EngineError(
                .failed, stage: "generate",
                "the generator returned \(output.table.rowCount) rows instead of \(generate.rows * draws * attempts)",
                notes: notes)
        }
        let sampled = output.table

        // Gates: every check runs, so that the report lists every failure. An attempt that fails
        // is followed by the next (fresh draws from the same model) while attempts remain.
        let inputs = Self.gateInputs(
            plan: plan, source: source, train: train, holdout: holdout, synthetic: sampled,
            types: Self.declaredTypes(request.source.columns), seed: UInt64(split.seed))
        var attemptRecord = Certificate.GateAttempts(
            drawsPerAttempt: draws, rowsPerDraw: rowsPerDraw, maxAttempts: attempts, seed: UInt64(generate.seed),
            attempts: [])
        let fitBootstrap = bootstrapFit(output, inputs: inputs, rowCount: rowsPerDraw, seed: UInt64(generate.seed))
        var measured: GateDraws?
        var checks: [GateCheck] = []
        for attempt in 0..<attempts {
            progress(
                "gates: privacy, utility, fairness" + (attempts > 1 ? " (attempt \(attempt + 1) of \(attempts))" : ""))
            let tables = (0..<draws).map { draw in
                let start = (attempt * draws + draw) * rowsPerDraw
                return sampled.selectingRows(Array(start..<(start + rowsPerDraw)))
            }
            let gateDraws = GateDraws(
                draws: tables, inputs: inputs, seed: UInt64(generate.seed), fidelityMetrics: plan.fidelityMetrics,
                attack: environment.membershipInference, fitBootstrap: fitBootstrap)
            checks = Self.gateChecks(
                plan: plan, draws: gateDraws, spend: output.privacy.map { (epsilon: $0.epsilon, delta: $0.delta) })
            let failedIDs = checks.filter { !$0.passed }.map(\.check)
            attemptRecord.attempts.append(
                .init(
                    attempt: attempt + 1, firstRow: attempt * draws * rowsPerDraw,
                    rows: draws * rowsPerDraw, passed: failedIDs.isEmpty, failed: failedIDs))
            measured = gateDraws
            if failedIDs.isEmpty { break }
        }
        guard let measured, let last = attemptRecord.attempts.last else {
            throw EngineError(.failed, stage: "gates", "no attempt was measured", notes: notes)
        }
        if attempts > 1 || draws > 1 {
            attemptRecord.selection = Certificate.GateAttempts.selectionStatement(
                attempts: attempts, differentiallyPrivate: output.privacy != nil)
        }
        // The published table: the chosen attempt's first draw.
        if draws * attempts > 1 {
            output.table = sampled.selectingRows(Array(last.firstRow..<(last.firstRow + rowsPerDraw)))
        }
        if attemptRecord.attempts.count > 1 {
            notes.append(
                "gates: attempt \(last.attempt) of \(attempts) \(last.passed ? "passed" : "failed") after "
                    + "\(attemptRecord.attempts.count - 1) failed; every attempt sampled the same fitted model, so none spent budget"
            )
        }
        let measurements = measured.published
        let builder = ReportBuilder(
            plan: plan, request: request, verified: verified, train: train, holdout: holdout, output: output,
            measurements: measurements, checks: checks, notes: notes, gateAttempts: draws * attempts > 1 ? attemptRecord : nil)
        let failed = checks.filter { !$0.passed }
        guard failed.isEmpty else {
            progress("gates: \(failed.count) of \(checks.count) checks failed; nothing is published")
            return .gateFailed(
                FailedRun(
                    report: builder.report(outcome: .gateFailed), failed: failed, notes: notes))
        }

        // Certify and publish.
        progress("certify: signing with key \(environment.signingKey.publicKey.id)")
        // Published for people to open: cells a spreadsheet would execute are neutralised.
        let syntheticText = CSVWriter(neutralisesFormulas: true).write(output.table)
        let syntheticDigest = ContentDigest.sha256(syntheticText)
        let issued = environment.now
        let id =
            "cert-"
            + String(ContentDigest.sha256("\(plan.digest)|\(issued)|\(syntheticDigest)").dropFirst(7).prefix(20))
        let syntheticFile = String(publish.synthetic.split(separator: "/").last ?? "synthetic.csv")
        let report = builder.report(
            outcome: .published,
            certificate: (id: id, issuedAt: issued.description, expiresAt: expires.description),
            synthetic: (file: syntheticFile, digest: syntheticDigest))
        var certificate = builder.certificate(
            id: id, syntheticFile: syntheticFile,
            syntheticDigest: syntheticDigest, schemaColumns: output.table.columnNames, certify: certify,
            issued: issued, expires: expires, auditHead: try auditHead(), requestDigest: plan.inputs.request)
        certificate.lineage.synthetic.csvSafety = CSVWriter.formulaRule
        do {
            certificate.signature = Certificate.Signature(
                algorithm: "ed25519", keyID: environment.signingKey.publicKey.id,
                value: try environment.signingKey.sign(CertificateCodec.signingPayload(certificate)))
        } catch {
            throw EngineError(.failed, stage: "certify", "\(error)", notes: notes)
        }
        let certificateText: String
        let reportJSON: String
        do {
            certificateText = try CertificateCodec.fileText(certificate)
            reportJSON = try report.json.pretty()
        } catch {
            throw EngineError(.failed, stage: "certify", "\(error)", notes: notes)
        }
        progress("publish: \(publish.directory)")
        let files: [(path: String, text: String)] = [
            (publish.reportHTML, ReportHTMLRenderer().render(report)), (publish.reportJSON, reportJSON),
            (publish.synthetic, syntheticText), (publish.certificate, certificateText),
        ]
        let record = CertificateRecord(
            id: id, source: source.dataset, tier: plan.policy.tier, audience: certify.audience,
            consumers: certify.consumers, issuedAt: issued, expiresAt: expires,
            digest: ContentDigest.sha256(certificateText), keyID: environment.signingKey.publicKey.id)
        try OutputPublisher.publish(files, directory: publish.directory) { () throws(EngineError) in
            do {
                try environment.registry.recordCertificate(record, actor: environment.actor, at: issued)
                // What the lifecycle needs later (revalidation, retirement), private to the registry.
                let publication = Self.publication(
                    plan: plan, files: files, directory: publish.directory, source: verified,
                    declared: request.source.columns)
                _ = try environment.registry.recordLifecycle(certificate: id, actor: environment.actor, at: issued) {
                    _ in publication
                }
            } catch {
                throw EngineError(.failed, stage: "publish", "cannot record the certificate: \(error)", notes: notes)
            }
        } rollback: {
            _ = try? environment.registry.revokeCertificate(
                id, reason: "publishing the files failed", actor: environment.actor, at: issued)
        }
        return .published(
            PublishedRun(
                certificate: certificate, syntheticPath: publish.synthetic, certificatePath: publish.certificate,
                reportJSONPath: publish.reportJSON, reportHTMLPath: publish.reportHTML, report: report, notes: notes))
    }

    /// The parametric bootstrap of a DP fit that reports its released statistics, for the utility,
    /// fairness, fidelity and DCR intervals (``FitBootstrap``); `nil` for other generators, plans
    /// without such a check, or a refit that failed (noted: the intervals then lack the fit's noise).
    private mutating func bootstrapFit(
        _ output: GeneratorOutput, inputs: GateMeasurements.Inputs, rowCount: Int, seed: UInt64
    ) -> FitBootstrap? {
        guard let released = output.released else { return nil }
        let checked = Set(plan.checks.map(\.metric))
        guard checked.contains(where: FitBootstrap.serves) else { return nil }
        progress(
            "gates: parametric bootstrap of the DP fit, \(ParametricBootstrap.defaultReplicates) refits of the released "
                + "statistics (post-processing, no budget)")
        do {
            return try FitBootstrap(
                release: released, inputs: inputs, rowCount: rowCount, seed: seed, checked: checked)
        } catch {
            notes.append(
                "gates: the parametric bootstrap of the DP fit failed (\(error)); "
                    + "the gates' intervals omit the fit's noise")
            return nil
        }
    }

    // MARK: Signing key

    /// Refuses a run whose signing key is not the registry's active key: the catalogue would refuse
    /// its certificate after the budget was spent.
    private func checkSigningKey() throws(EngineError) {
        let keys: [SigningKeyRecord]
        do {
            keys = try environment.registry.signingKeys()
        } catch {
            throw EngineError(.failed, stage: "certify", "cannot read the registry's signing keys: \(error)")
        }
        let id = environment.signingKey.publicKey.id
        guard let active = keys.active, active.fingerprint == id else {
            let known = keys.key(id).map { "a \($0.status.rawValue) key" } ?? "not a registry signing key"
            throw EngineError(
                .refused, stage: "certify",
                "the signing key \(id) is \(known), and runs sign only with the registry's active key "
                    + (keys.active.map { "(\($0.fingerprint))" } ?? "(the registry has none: charter keys rotate)")
                    + "; nothing was reserved or read",
                notes: ["charter keys list shows the registry's signing keys"])
        }
    }

    // MARK: Budget

    /// Generator errors raised while checking settings, before any privacy mechanism touched the
    /// data: the reservation is given back. Any other failure counts the budget as spent.
    static let refusedBeforeAnyMechanism: Set<String> = [
        DiagnosticCode.generatorInvalidRowCount, .generatorUnknownColumn, .generatorInvalidDomain,
        .generatorMissingDomain, .generatorInvalidPrivacyTarget, .generatorInvalidParameter, .externalCommandInvalid,
        .externalWorkingDirectoryFailed, .externalSandboxUnavailable, .externalToolChanged,
    ].reduce(into: []) { $0.insert($1.id) }

    private mutating func reserveBudget(source: SourceStage, generate: GenerateStage) throws(EngineError) {
        try registerSource(source.dataset)
        guard
            let cost = PrivacyCost.ofRun(
                epsilon: generate.epsilon, delta: generate.delta, differentiallyPrivate: generate.differentiallyPrivate)
        else { return }
        do {
            reservation = try environment.registry.reserve(
                ReservationRequest(
                    source: source.dataset, run: plan.digest,
                    mechanism: "\(generate.generator): \(generate.calibration)",
                    cost: cost, lease: environment.lease, actor: environment.actor),
                pinnedTo: environment.ledgerMatchesPlan.map { LedgerPin(plan: plan.digest, matches: $0) },
                at: environment.now)
            progress("budget: reserved \(cost.summary) of \(source.dataset)")
        } catch {
            throw EngineError(.refused, stage: "budget", error.description)
        }
    }

    /// Registers the source with the plan's cap when the registry does not know it: the catalogue
    /// needs it, and the ledger needs a cap before a reservation.
    func registerSource(_ dataset: String) throws(EngineError) {
        do {
            _ = try environment.registry.budget(for: dataset, at: environment.now)
            return
        } catch .unknownSource {
        } catch {
            throw EngineError(.failed, stage: "budget", error.description)
        }
        guard let epsilon = plan.budget.capEpsilon, let delta = plan.budget.capDelta else {
            throw EngineError(
                .refused, stage: "budget",
                "the registry does not know source '\(dataset)' and the policy sets no budgets.per_source to register it with"
            )
        }
        do {
            try environment.registry.registerSource(
                dataset, cap: BudgetCap(epsilon: epsilon, delta: delta), actor: environment.actor, at: environment.now)
        } catch {
            throw EngineError(.failed, stage: "budget", error.description)
        }
    }

    private mutating func commitBudget(after what: String) throws(EngineError) {
        guard let event = reservation else { return }
        do {
            _ = try environment.registry.commit(event.id, actor: environment.actor, at: environment.now)
            reservation = nil
            notes.append(
                "budget: \(event.cost.summary) of '\(event.source)' is spent (ledger event \(event.id)): \(what), "
                    + "and budget spent on noise stays spent whatever the gates decide")
        } catch {
            throw EngineError(
                .failed, stage: "budget", "cannot commit ledger event \(event.id): \(error)", notes: notes)
        }
    }

    private mutating func releaseBudget(reason: String) {
        guard let event = reservation else { return }
        do {
            _ = try environment.registry.release(
                event.id, reason: reason, actor: environment.actor, at: environment.now)
            notes.append("budget: the reservation of \(event.cost.summary) was released: nothing was spent")
        } catch {
            notes.append(
                "budget: could not release ledger event \(event.id) (\(error)); it lapses when its lease ends at \(event.leaseExpiresAt)"
            )
        }
        reservation = nil
    }

    // MARK: Helpers

    private func expiry(_ certify: CertifyStage) throws(EngineError) -> Timestamp {
        guard let date = certify.expiresAt else {
            throw EngineError(
                .refused, stage: "certify", "the request states no expires_at: a certificate must expire")
        }
        guard let expires = Timestamp(rfc3339: date.description), expires > environment.now else {
            throw EngineError(
                .refused, stage: "certify", "the request's expires_at \(date) is not after now (\(environment.now))")
        }
        return expires
    }

    private func auditHead() throws(EngineError) -> Certificate.AuditHead {
        do {
            guard let last = try environment.registry.auditRecords().last else {
                return Certificate.AuditHead(seq: 0, hash: AuditRecord.genesisHash)
            }
            return Certificate.AuditHead(seq: last.seq, hash: last.hash)
        } catch {
            throw EngineError(.failed, stage: "certify", "cannot read the audit chain: \(error)", notes: notes)
        }
    }

    /// What the generator is handed: the plan's parameters verbatim, and an external generator's
    /// command.
    static func generatorParameters(_ generate: GenerateStage) -> [String: JSONValue] {
        var parameters = generate.parameters
        if let command = generate.command { parameters["command"] = .array(command.map(JSONValue.string)) }
        if let tool = generate.tool { parameters[ExternalGenerator.pinnedToolParameter] = tool.generatorParameter }
        return parameters
    }

    /// The semantic types: the request's declared column types where given, else inferred over
    /// `tables` (``TableSchema/inferred(from:)``, the rule `charter evaluate` follows).
    static func schema(_ tables: [Table], declared: [GenerationRequest.ColumnDomain]) -> TableSchema {
        schema(tables, types: declaredTypes(declared))
    }

    /// The request's declared column types, name → `numeric`, `integer`, `categorical`, `boolean`.
    static func declaredTypes(_ declared: [GenerationRequest.ColumnDomain]) -> [String: String] {
        var types: [String: String] = [:]
        for column in declared { if let type = column.type?.value { types[column.name.value] = type } }
        return types
    }

    /// The inferred schema of `tables`, with declared `types` taking precedence.
    static func schema(_ tables: [Table], types: [String: String]) -> TableSchema {
        var schema = TableSchema.inferred(from: tables)
        for (name, type) in types where schema.types[name] != nil {
            switch type {
            case "numeric", "integer": schema.types[name] = .numerical
            case "categorical": schema.types[name] = .categorical
            case "boolean": schema.types[name] = .boolean
            default: break
            }
        }
        return schema
    }

    /// The declared domains, as the generator takes them.
    static func domains(_ declared: [GenerationRequest.ColumnDomain]) -> [String: DeclaredDomain] {
        var domains: [String: DeclaredDomain] = [:]
        for column in declared {
            switch column.type?.value {
            case "numeric", "integer":
                if let low = column.minimum?.value, let high = column.maximum?.value {
                    domains[column.name.value] = .numeric(
                        lower: low.approximateDouble, upper: high.approximateDouble,
                        integral: column.type?.value == "integer")
                }
            case "categorical":
                if let categories = column.categories {
                    domains[column.name.value] = .categorical(categories.map(\.value))
                }
            case "boolean":
                domains[column.name.value] = .boolean
            default:
                if let categories = column.categories {
                    domains[column.name.value] = .categorical(categories.map(\.value))
                } else if let low = column.minimum?.value, let high = column.maximum?.value {
                    domains[column.name.value] = .numeric(
                        lower: low.approximateDouble, upper: high.approximateDouble, integral: false)
                }
            }
        }
        return domains
    }
}
