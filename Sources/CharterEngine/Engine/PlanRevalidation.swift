internal import CharterCore
public import CharterData
public import CharterPlan
internal import CharterPolicy
internal import CharterRegistry
internal import CharterStats

/// A certificate's gates measured again, with the plan that certified it, against the source as
/// it is today: the synthetic file as published, the training and holdout rows split from today's
/// source with the plan's seed, fraction and stratification, and every check of the plan's gates
/// with its threshold and rule (``PlanRun/gateChecks(plan:draws:spend:)``, the engine's own).
public enum PlanRevalidation {
    /// What the gates measured today.
    public struct Remeasurement: Sendable {
        /// Every check, in the plan's order.
        public var checks: [GateCheck]
        /// The modelled columns of today's source (excluded columns dropped).
        public var source: Table
        /// `sha256:` of today's source file.
        public var sourceDigest: String
    }

    /// Measures `plan`'s gates on today's `sourceBytes` and the published `synthetic` table.
    /// - Parameters:
    ///   - columnTypes: the request's declared column types, as the publication recorded them.
    ///   - spend: the (ε, δ) the certificate records as spent, for the spend checks.
    /// - Throws: ``EngineError`` when the source cannot be read or lacks a column the plan needs.
    public static func remeasure(
        plan: Plan, sourceBytes: [UInt8], sourceName: String, synthetic: Table, columnTypes: [String: String],
        spend: (epsilon: Double, delta: Double)?,
        attack: MembershipInferenceAttack? = MembershipInferenceAttack.available
    ) throws(EngineError) -> Remeasurement {
        guard case .verifySource(var stage)? = plan.stage(.verifySource),
            case .holdoutSplit(let split)? = plan.stage(.holdoutSplit)
        else {
            throw EngineError(.unreadable, stage: "plan", "the recorded plan lacks its source or split stage")
        }
        // Today's source is expected to differ from the certified one: no digest or row check.
        stage.sha256 = nil
        stage.rows = nil
        stage.path = sourceName
        let verified = try SourceVerifier.verify(bytes: sourceBytes, stage)
        guard synthetic.columnNames == verified.table.columnNames else {
            throw EngineError(
                .refused, stage: "revalidate",
                "the published synthetic file has columns \(synthetic.columnNames), today's source \(verified.table.columnNames)"
            )
        }
        let rows = try HoldoutSplit(
            table: verified.table, fraction: split.fraction.approximateDouble, seed: UInt64(split.seed),
            stratify: split.stratify)
        let train = verified.table.selectingRows(rows.trainRows)
        let holdout = verified.table.selectingRows(rows.holdoutRows)
        // The published table is the one draw: revalidation measures what consumers hold.
        var generateSeed = UInt64(split.seed)
        if case .generate(let generate)? = plan.stage(.generate) { generateSeed = UInt64(generate.seed) }
        let draws = GateDraws(
            draws: [synthetic],
            inputs: PlanRun.gateInputs(
                plan: plan, source: stage, train: train, holdout: holdout, synthetic: synthetic, types: columnTypes,
                seed: UInt64(split.seed)),
            seed: generateSeed, fidelityMetrics: plan.fidelityMetrics, attack: attack)
        return Remeasurement(
            checks: PlanRun.gateChecks(plan: plan, draws: draws, spend: spend), source: verified.table,
            sourceDigest: verified.digest)
    }
}

extension PlanRun {
    /// What the gates measure, on these tables: the schema `charter evaluate` infers on the same
    /// three tables (declared `types` first) and the source's declared roles.
    static func gateInputs(
        plan: Plan, source: SourceStage, train: Table, holdout: Table, synthetic: Table, types: [String: String],
        seed: UInt64
    ) -> GateMeasurements.Inputs {
        let kMin = plan.checks.first { $0.metric == "k_anonymity" }.map { Int($0.threshold.approximateDouble) } ?? 5
        var inputs = GateMeasurements.Inputs(
            train: train, holdout: holdout, synthetic: synthetic,
            schema: schema([train, holdout, synthetic], types: types),
            quasiIdentifiers: source.quasiIdentifiers, sensitive: source.sensitive, protected: source.protected,
            target: source.target, seed: seed, smallClassThreshold: kMin)
        inputs.dcrInterval = plan.checks.contains { $0.metric.hasPrefix("distance_to_closest_record.") }
        return inputs
    }

    /// Every check of the plan's gates, measured over the draws, in the order the stages list them.
    static func gateChecks(plan: Plan, draws: GateDraws, spend: (epsilon: Double, delta: Double)?) -> [GateCheck] {
        var checks: [GateCheck] = []
        for stage in plan.stages {
            let gate: GateCheck.Gate
            switch stage {
            case .privacyGate: gate = .privacy
            case .utilityGate: gate = .utility
            case .fairnessGate: gate = .fairness
            default: continue
            }
            for check in stage.gate?.checks ?? [] {
                // The policy's gate_rules, written into the plan: the rule and the interval's level.
                let rule = check.parameters["rule"]?.stringValue.flatMap(GateCheck.Rule.init(rawValue:)) ?? .estimate
                let level = check.parameters["confidence"]?.doubleValue ?? 0.95
                let measure = draws.measure(check.metric, parameters: check.parameters, spend: spend, level: level)
                checks.append(
                    GateCheck(
                        gate: gate, check: check.id, measured: measure.value,
                        threshold: check.threshold.approximateDouble,
                        bound: check.bound == .atLeast ? .minimum : .maximum, note: measure.note, rule: rule,
                        uncertainty: measure.uncertainty))
            }
        }
        return checks
    }

    /// The publication record the registry keeps beside the certificate: the plan, the published
    /// files with their digests, the source's profile (``SourceProfile``: percentiles and category
    /// shares, never single rows) and the declared column types.
    static func publication(
        plan: Plan, files: [(path: String, text: String)], directory: String, source: VerifiedSource,
        declared: [GenerationRequest.ColumnDomain]
    ) -> LifecycleEntry {
        let types = declaredTypes(declared)
        return LifecycleEntry(
            kind: .publication, outcome: "recorded",
            details: [
                "plan": plan.json, "directory": .string(directory),
                "files": .array(
                    files.map { ["path": .string($0.path), "sha256": .string(ContentDigest.sha256($0.text))] }),
                "source_sha256": .string(source.digest), "source_profile": SourceProfile(table: source.table).json,
                "column_types": .object(types.mapValues(JSONValue.string)),
            ],
            summary: ["plan": .string(plan.digest), "files": .integer(files.count), "directory": .string(directory)])
    }
}
