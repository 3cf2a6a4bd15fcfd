internal import CharterCore
internal import CharterData
internal import CharterPlan
internal import CharterRegistry
internal import CharterStats
internal import CharterSynth

/// Builds the report and the certificate of a run from the same numbers.
struct ReportBuilder {
    var plan: Plan
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

    func report(outcome: RunReport.Outcome, certificateID: String?) -> RunReport {
        let lineage = output.lineage
        var lineageLines: [(label: String, value: String)] = [
            (
                "request",
                "\(plan.request.id) by \(plan.request.requester)" + (plan.request.ticket.map { " (\($0))" } ?? "")
            ),
            ("policy", "\(plan.policy.name) \(plan.policy.version ?? "") tier \(plan.policy.tier)"),
            ("plan", plan.digest),
            ("source", "\(verified.stage.dataset): \(verified.stage.path), \(verified.rows) rows, \(verified.digest)"),
            (
                "holdout split",
                "\(split.map { "\($0.fraction)" } ?? "?") held out (seed \(split.map { String($0.seed) } ?? "?")): "
                    + "\(train.rowCount) training rows, \(holdout.rowCount) holdout rows"
            ),
            ("generator", "\(lineage.generator) \(lineage.version), seed \(lineage.seed)"),
            ("generator parameters", (try? lineage.parameters.canonical()) ?? ""),
            ("synthetic rows", "\(output.table.rowCount) × \(output.table.columnNames.count) columns"),
        ]
        if let excluded = Optional(verified.stage.exclude), !excluded.isEmpty {
            lineageLines.append(("excluded columns", excluded.joined(separator: ", ")))
        }
        var privacyLines: [(label: String, value: String)] = []
        if let spend = output.privacy {
            privacyLines.append(("ε spent", GateCheck.format(spend.epsilon)))
            privacyLines.append(("δ spent", "\(spend.delta)"))
            privacyLines.append(("accountant", spend.accountant))
            privacyLines.append(("claimed by an external tool", spend.claimedByExternalTool ? "yes" : "no"))
            for mechanism in spend.mechanisms {
                privacyLines.append(("mechanism", (try? mechanism.jsonValue.canonical()) ?? ""))
            }
        } else {
            privacyLines.append(("differential privacy", "none: '\(lineage.generator)' gives no guarantee"))
        }
        privacyLines.append(
            (
                "budget",
                "\(plan.budget.source): ε cap \(plan.budget.capEpsilon.map { "\($0)" } ?? "none"), "
                    + "δ cap \(plan.budget.capDelta.map { "\($0)" } ?? "none")"
            ))
        let marginals = train.columnNames.compactMap { Marginal(column: $0, real: train, synthetic: output.table) }
        let evaluation = measurements.evaluation
        return RunReport(
            requestID: plan.request.id, planDigest: plan.digest, outcome: outcome, gates: checks,
            lineage: lineageLines, privacy: privacyLines, marginals: marginals,
            correlationColumns: evaluation.correlationColumns, realCorrelations: evaluation.trainCorrelations.pearson,
            syntheticCorrelations: evaluation.syntheticCorrelations.pearson, warnings: notes,
            evaluation: evaluation.json(), certificateID: certificateID)
    }

    func certificate(
        id: String, syntheticFile: String, syntheticDigest: String, schemaColumns: [String], certify: CertifyStage,
        issued: Timestamp, expires: Timestamp, auditHead: Certificate.AuditHead, requestDigest: String
    ) -> Certificate {
        let lineage = output.lineage
        let kMin = plan.checks.first { $0.metric == "k_anonymity" }.map { Int($0.threshold.approximateDouble) } ?? 5
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
