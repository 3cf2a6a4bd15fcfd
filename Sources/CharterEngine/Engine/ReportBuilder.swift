internal import CharterCore
internal import CharterData
internal import CharterPlan
internal import CharterPolicy
internal import CharterPrivacy
internal import CharterRegistry
internal import CharterStats
internal import CharterSynth

/// Builds the report and the certificate of a run from the same numbers.
struct ReportBuilder {
    var plan: Plan
    var request: GenerationRequest
    var verified: VerifiedSource
    var train: Table
    var holdout: Table
    var output: GeneratorOutput
    var measurements: GateMeasurements
    var checks: [GateCheck]
    var notes: [String]
    /// The draws and attempts behind the gates, when there was more than one synthetic table.
    var gateAttempts: Certificate.GateAttempts? = nil

    var split: HoldoutStage? {
        if case .holdoutSplit(let split)? = plan.stage(.holdoutSplit) { return split }
        return nil
    }

    /// The run's report; `certificate` names the certificate, its issue and expiry, and the published
    /// file when one was issued.
    func report(
        outcome: RunReport.Outcome, certificate: (id: String, issuedAt: String, expiresAt: String)? = nil,
        synthetic: (file: String, digest: String)? = nil
    ) -> RunReport {
        let evaluation = measurements.evaluation
        var report = RunReport(
            requestID: plan.request.id, planDigest: plan.digest, outcome: outcome, gates: checks,
            marginals: train.columnNames.compactMap { Marginal(column: $0, real: train, synthetic: output.table) },
            correlationColumns: evaluation.correlationColumns, realCorrelations: evaluation.trainCorrelations.pearson,
            syntheticCorrelations: evaluation.syntheticCorrelations.pearson, warnings: notes,
            evaluation: evaluation.json(), certificateID: certificate?.id)
        report.context = context(certificate: certificate)
        report.lineage = reportLineage(synthetic: synthetic)
        report.budget = budget
        report.spend = output.privacy.map(Self.spend)
        let kMin = smallClassThreshold
        report.privacy = measurements.privacyResults(spend: output.privacy, smallClassThreshold: kMin)
        report.privacyNotes = measurements.privacyNotes
        report.kAnonymityClasses = measurements.kAnonymityClasses
        report.distances = measurements.distanceHistogram
        if case .success(let attack) = measurements.membershipInference {
            report.membershipROC = attack.roc
            report.membershipAccuracyInterval = attack.accuracyInterval(level: 0.95)
            report.membershipAUCInterval = attack.aucInterval(level: 0.95)
        }
        report.attributeInference = measurements.attributeInferenceSummaries
        report.utility = measurements.utilityResults()
        report.fairness = measurements.allFairnessResults()
        report.tstrProtocol = tstrProtocol
        return report
    }

    /// The strictest `k_min` of the plan, 5 without one.
    var smallClassThreshold: Int {
        plan.checks.first { $0.metric == "k_anonymity" }.map { Int($0.threshold.approximateDouble) } ?? 5
    }

    func context(certificate: (id: String, issuedAt: String, expiresAt: String)?) -> RunReport.Context {
        var context = RunReport.Context()
        context.ticket = plan.request.ticket
        context.requester = plan.request.requester
        context.requestDigest = plan.inputs.request
        context.policyName = plan.policy.name
        context.policyVersion = plan.policy.version ?? ""
        context.policyDigest = plan.inputs.policy
        context.tier = plan.policy.tier
        context.ledgerDigest = plan.inputs.ledger
        if case .certify(let certify)? = plan.stage(.certify) {
            context.purpose = certify.purpose
            context.audience = certify.audience
            context.consumers = certify.consumers
            context.expiresAt = certify.expiresAt.map { "\($0) (requested)" }
        }
        if let certificate {
            context.issuedAt = certificate.issuedAt
            context.expiresAt = certificate.expiresAt
        }
        context.approvals = request.approvals.map { approval in
            let rejection = plan.approvals.rejected.first {
                $0.role == approval.role.value && $0.by == approval.by.value
            }
            return RunReport.Approval(
                role: approval.role.value, by: approval.by.value, at: approval.at.value.description,
                counted: rejection == nil, reason: rejection?.reason, signed: approval.signature != nil)
        }
        return context
    }

    func reportLineage(synthetic: (file: String, digest: String)?) -> RunReport.Lineage {
        var lineage = RunReport.Lineage()
        let stage = verified.stage
        lineage.dataset = stage.dataset
        lineage.sourcePath = stage.path
        lineage.sourceDigest = verified.digest
        lineage.sourceRows = verified.rows
        lineage.classification = stage.classification
        lineage.excludedColumns = stage.exclude
        lineage.quasiIdentifiers = stage.quasiIdentifiers
        lineage.sensitive = stage.sensitive
        lineage.protected = stage.protected
        lineage.target = stage.target
        lineage.holdoutFraction = split.map { "\($0.fraction)" } ?? ""
        lineage.splitSeed = split.map { String($0.seed) } ?? ""
        lineage.trainRows = train.rowCount
        lineage.holdoutRows = holdout.rowCount
        lineage.generator = output.lineage.generator
        lineage.generatorVersion = output.lineage.version
        lineage.generatorSeed = String(output.lineage.seed)
        lineage.parameters = output.lineage.parameters
        lineage.syntheticRows = output.table.rowCount
        lineage.syntheticColumns = output.table.columnNames
        lineage.syntheticFile = synthetic?.file
        lineage.syntheticDigest = synthetic?.digest
        return lineage
    }

    var budget: RunReport.Budget {
        let forecast = plan.budget
        return RunReport.Budget(
            source: forecast.source, capSource: forecast.capSource, capEpsilon: forecast.capEpsilon.map { "\($0)" },
            capDelta: forecast.capDelta.map { "\($0)" }, spentEpsilonBefore: forecast.spentEpsilon.map { "\($0)" },
            spentDeltaBefore: "\(forecast.spentDelta)", runEpsilon: forecast.runEpsilon.map { "\($0)" },
            runDelta: forecast.runDelta.map { "\($0)" })
    }

    /// The spend with each mechanism's part of the total in the guarantee's own unit.
    static func spend(_ spend: PrivacySpend) -> RunReport.Spend {
        func value(_ guarantee: PrivacyGuarantee) -> (kind: String, value: Double, delta: Double?) {
            switch guarantee {
            case .pure(let epsilon): ("pure", epsilon, nil)
            case .approximate(let epsilon, let delta): ("approximate", epsilon, delta)
            case .zeroConcentrated(let rho): ("zcdp", rho, nil)
            }
        }
        let values = spend.mechanisms.map { value($0.guarantee) }
        let kinds = Set(values.map(\.kind))
        let total = values.map(\.value).reduce(0, +)
        let comparable = kinds.count == 1 && kinds.first != "approximate" && total > 0
        let mechanisms = zip(spend.mechanisms, values).map { mechanism, guarantee in
            RunReport.Mechanism(
                name: mechanism.mechanism, subject: mechanism.subject, guaranteeKind: guarantee.kind,
                guaranteeValue: guarantee.value, guaranteeDelta: guarantee.delta,
                share: comparable ? guarantee.value / total : (spend.mechanisms.count == 1 ? 1 : nil),
                sensitivity: mechanism.sensitivity, noise: noiseSummary(mechanism.noise),
                randomness: mechanism.randomness.rawValue, implementation: mechanism.implementation,
                record: mechanism.jsonValue)
        }
        return RunReport.Spend(
            epsilon: spend.epsilon, delta: spend.delta, accountant: spend.accountant,
            claimedByExternalTool: spend.claimedByExternalTool, mechanisms: mechanisms)
    }

    /// `discrete Gaussian on the bins, σ ≈ 3.6`: each component's distribution and its scale in the
    /// data's units (the exact grid parameter stays in the mechanism's record).
    static func noiseSummary(_ components: [NoiseComponent]) -> String {
        guard !components.isEmpty else { return "as the implementation records" }
        return components.map { component in
            let parts = component.parameter.split(separator: "/").compactMap { Double(String($0)) }
            let exact = parts.count == 2 && parts[1] != 0 ? parts[0] / parts[1] : parts.first
            let grid = pow2(component.gridExponent)
            switch component.distribution {
            case .discreteGaussian:
                let sigma = exact.map { GateCheck.format($0.squareRoot() * grid) } ?? component.parameter
                return "discrete Gaussian on the \(component.target), σ ≈ \(sigma)"
            case .discreteLaplace:
                let scale = exact.map { GateCheck.format($0 * grid) } ?? component.parameter
                return "discrete Laplace on the \(component.target), scale ≈ \(scale)"
            }
        }.joined(separator: "; ")
    }

    /// 2^exponent, exactly for the grid exponents mechanisms use.
    static func pow2(_ exponent: Int) -> Double {
        var value = 1.0
        for _ in 0..<abs(exponent) { value *= 2 }
        return exponent < 0 ? 1 / value : value
    }

    /// How TSTR and TRTS were measured.
    var tstrProtocol: [(label: String, value: String)] {
        guard let tstr = measurements.tstrProtocol else {
            return measurements.tstrProblem.map { [("not measured", $0)] } ?? []
        }
        var lines: [(label: String, value: String)] = [
            ("target", "\(tstr.target), positive class '\(tstr.positiveLabel)'"),
            ("model", "logistic regression, L2 with C = \(GateCheck.format(tstr.c)); " + TSTRProtocol.definition),
            (
                "split",
                "seeded holdout: \(train.rowCount) training rows fit the real model and the generator; "
                    + "\(holdout.rowCount) holdout rows (fraction \(split.map { "\($0.fraction)" } ?? "?"), "
                    + "stratified on \(split?.stratify ?? "nothing")) test both; never seen by the generator"
            ),
            ("seed", "split seed \(split.map { String($0.seed) } ?? "?"); the model fit is deterministic (Newton)"),
            (
                "synthetic rows",
                "\(output.table.rowCount) train the synthetic model (TSTR) and test the real one (TRTS)"
            ),
        ]
        if !tstr.excludedColumns.isEmpty {
            lines.append(("excluded features", tstr.excludedColumns.joined(separator: ", ")))
        }
        return lines
    }

    func certificate(
        id: String, syntheticFile: String, syntheticDigest: String, schemaColumns: [String], certify: CertifyStage,
        issued: Timestamp, expires: Timestamp, auditHead: Certificate.AuditHead, requestDigest: String
    ) -> Certificate {
        let lineage = output.lineage
        let kMin = smallClassThreshold
        return Certificate(
            id: id,
            request: .init(
                id: plan.request.id, ticket: plan.request.ticket, requester: plan.request.requester,
                digest: requestDigest),
            policy: .init(name: plan.policy.name, version: plan.policy.version ?? "", digest: plan.inputs.policy),
            tier: plan.policy.tier, planDigest: plan.digest,
            lineage: .init(
                source: .init(
                    dataset: verified.stage.dataset, path: verified.stage.path, sha256: verified.digest,
                    rows: verified.rows, classification: verified.stage.classification),
                split: .init(
                    holdoutFraction: split?.fraction.approximateDouble ?? 0, seed: UInt64(split?.seed ?? 0),
                    trainRows: train.rowCount, holdoutRows: holdout.rowCount),
                generator: .init(
                    name: lineage.generator, version: lineage.version, seed: lineage.seed,
                    parameters: lineage.parameters),
                synthetic: .init(
                    file: syntheticFile, sha256: syntheticDigest, rows: output.table.rowCount, columns: schemaColumns)),
            privacy: measurements.privacyResults(spend: output.privacy, smallClassThreshold: kMin),
            utility: measurements.utilityResults(), fairness: measurements.fairnessResults(),
            usage: .init(purpose: certify.purpose, audience: certify.audience, consumers: certify.consumers),
            gates: checks, gateAttempts: gateAttempts, issuedAt: issued.description,
            expiresAt: expires.description, auditHead: auditHead)
    }
}
