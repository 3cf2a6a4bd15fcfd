import CharterAccounting
import CharterCore
import CharterPolicy

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The stages, budget forecast and warnings of one plan, worked out from the request and the
/// effective controls.
struct PlanDraft {
    var stages: [PlanStage] = []
    var budget: BudgetForecast
    var warnings: [PlanWarning] = []

    /// The TSTR/TRTS protocol the utility gate pins (charter notes/metrics.md 2.6; CharterStats'
    /// `TSTRProtocol.definition`).
    static let utilityModel = "l2-logistic-regression"

    init(
        request: GenerationRequest, controls: EffectiveControls, policy: Policy, requestDigest: String,
        holdoutFraction: Decimal, ledger: LedgerState, sourceDigest: String?, tool: [PinnedToolFile]? = nil
    ) {
        let source = request.source
        let strings: (Located<[Located<String>]>?) -> [String] = { $0?.value.map(\.value) ?? [] }
        let quasi = strings(source.quasiIdentifiers)
        let sensitive = strings(source.sensitive)
        let protected = strings(source.protected)
        let exclude = strings(source.exclude)
        let target = source.target?.value
        let generator = request.generator
        let kept = BudgetTerms(of: request)
        let isPrivate = kept.differentiallyPrivate
        let rows = source.rows?.value

        stages.append(
            .verifySource(
                SourceStage(
                    dataset: source.dataset.value, path: source.path.value, sha256: sourceDigest, rows: rows,
                    classification: source.classification.value, privacyUnit: source.privacyUnit?.value,
                    quasiIdentifiers: quasi, sensitive: sensitive, protected: protected, target: target,
                    exclude: exclude)))
        stages.append(
            .holdoutSplit(
                HoldoutStage(
                    fraction: holdoutFraction, seed: InputDigests.seed(from: requestDigest, purpose: "holdout"),
                    stratify: target)))
        let epsilon = generator.epsilon?.value
        let delta = generator.delta?.value
        var parameters: [String: JSONValue] = [:]
        if generator.type.value == "dp-copula" {
            parameters["marginal_share"] = .number(DPCopulaBudgetSplit.marginalShare)
            if let target {
                parameters["target"] = .string(target)
                parameters["target_share"] = .number(DPCopulaBudgetSplit.targetShare)
            }
        }
        if generator.type.value == "dp-vae" {
            let dpSGD = DPSGDPlanning.plan(
                rows: rows, holdoutFraction: holdoutFraction, epsilon: epsilon, delta: delta)
            parameters = dpSGD.parameters
            warnings += dpSGD.warnings
        }
        if !request.output.classMix.isEmpty {
            let (mix, problems) = Self.classMix(request.output.classMix, target: target, columns: source.columns)
            if let mix { parameters["class_mix"] = mix }
            warnings += problems
        }
        var generate = GenerateStage(
            generator: generator.type.value, differentiallyPrivate: kept.differentiallyPrivate,
            epsilon: kept.epsilon, delta: kept.delta,
            seed: generator.seed?.value ?? InputDigests.seed(from: requestDigest, purpose: "generate"),
            rows: request.output.rows.value, declaredColumns: source.columns.map(\.name.value),
            command: generator.command?.map(\.value),
            calibration: Self.calibration(generator.type.value, epsilon: epsilon, delta: delta),
            parameters: parameters,
            budgetSplit: generator.type.value == "dp-copula"
                ? Self.zcdpSplit(epsilon: epsilon, delta: delta, target: target) : nil)
        // Cost-aware: the gates measure every draw, so past ``maxMeasuredRows`` the plan measures fewer.
        let askedDraws = policy.gateRules?.effectiveDraws ?? GateRules.defaultDraws
        let outputRows = max(1, request.output.rows.value)
        generate.draws = max(1, min(askedDraws, Self.maxMeasuredRows / outputRows))
        if generate.draws < askedDraws {
            warnings.append(
                PlanWarning(
                    code: "draws-reduced", severity: .note,
                    message:
                        "the gates measure \(generate.draws) synthetic draw\(generate.draws == 1 ? "" : "s") of \(outputRows) rows, not \(askedDraws): measuring is bounded at \(Self.maxMeasuredRows) synthetic rows per attempt"
                ))
        }
        generate.attempts = policy.gateRules?.effectiveMaxAttempts ?? 1
        if generator.type.value == "external" {
            generate.tool = tool
            if tool == nil {
                warnings.append(
                    PlanWarning(
                        code: "external-tool-unpinned", severity: .error,
                        message:
                            "the external tool's files could not be read, so the plan cannot pin their digests; the engine refuses to run a tool the plan does not pin"
                    ))
            }
        }
        stages.append(.generate(generate))
        if isPrivate, source.columns.isEmpty {
            warnings.append(
                PlanWarning(
                    code: "domains-undeclared", severity: .error,
                    message:
                        "\(generator.type.value) needs a declared domain for each modelled column (source.columns) and the request declares none; domains are never read from the data, so the generate stage will fail"
                ))
        }

        // Privacy gate.
        var privacy: [PlanCheck] = []
        if isPrivate, let epsilon {
            privacy.append(
                PlanCheck(
                    id: "epsilon_spent.max", metric: "epsilon_spent", bound: .atMost, threshold: epsilon,
                    source: "request", parameters: ["accountant": "the generator's, converted to (ε, δ)"]))
        }
        if isPrivate, let delta {
            privacy.append(
                PlanCheck(
                    id: "delta_spent.max", metric: "delta_spent", bound: .atMost, threshold: delta, source: "request"))
        }
        if let (k, from) = controls.strictest(
            "k_min", isMinimum: true, in: { $0.kAnonymity.map { Decimal($0.minimum.value) } })
        {
            privacy.append(
                PlanCheck(
                    id: "k_anonymity.k_min", metric: "k_anonymity", bound: .atLeast, threshold: k, source: from,
                    parameters: ["quasi_identifiers": .array(quasi.map { .string($0) }), "table": "synthetic"]))
            if quasi.isEmpty {
                warnings.append(
                    PlanWarning(
                        code: "unmeasurable-k-anonymity", severity: .error,
                        message:
                            "k-anonymity (k ≥ \(k.jsonText)) cannot be measured: the request declares no source.quasi_identifiers; the privacy gate fails closed"
                    ))
            }
        }
        if let (l, from) = controls.strictest(
            "l_min", isMinimum: true, in: { $0.lDiversity.map { Decimal($0.minimum.value) } })
        {
            privacy.append(
                PlanCheck(
                    id: "l_diversity.l_min", metric: "l_diversity", bound: .atLeast, threshold: l, source: from,
                    parameters: [
                        "quasi_identifiers": .array(quasi.map { .string($0) }),
                        "sensitive": .array(sensitive.map { .string($0) }), "table": "synthetic",
                    ]))
            if sensitive.isEmpty || quasi.isEmpty {
                warnings.append(
                    PlanWarning(
                        code: "unmeasurable-l-diversity", severity: .error,
                        message:
                            "l-diversity (l ≥ \(l.jsonText)) cannot be measured: the request declares no source.\(quasi.isEmpty ? "quasi_identifiers" : "sensitive") column; the privacy gate fails closed"
                    ))
            }
        }
        let attack: [String: JSONValue] = ["members": "train", "non_members": "holdout", "released": "synthetic"]
        for (key, pick) in [
            ("accuracy_max", { (c: Controls) in c.membershipInference?.accuracyMax?.value }),
            ("auc_max", { (c: Controls) in c.membershipInference?.aucMax?.value }),
        ] {
            if let (value, from) = controls.strictest(key, isMinimum: false, in: pick) {
                privacy.append(
                    PlanCheck(
                        id: "membership_inference.\(key)", metric: "membership_inference.\(key.dropLast(4))",
                        bound: .atMost, threshold: value, source: from, parameters: attack))
            }
        }
        privacy += controls.checks(
            "distance_to_closest_record", { $0.distanceToClosestRecord },
            parameters: ["reference": "train", "holdout": "holdout", "released": "synthetic"])
        stages.append(.privacyGate(GateStage(checks: Self.ruled(privacy, policy.gateRules))))

        // Utility gate.
        var utility = controls.checks(
            "fidelity", { $0.fidelity }, parameters: ["real": "train", "synthetic": "synthetic"])
        let metric = controls.first { $0.tstr?.metric?.value }?.rawValue ?? "auc"
        let protocolParameters: [String: JSONValue] = [
            "model": .string(Self.utilityModel), "c": 1, "metric": .string(metric),
            "target": target.map { .string($0) } ?? .null,
            "exclude": .array(exclude.map { .string($0) }), "evaluated_on": "holdout",
        ]
        var needsTarget: [String] = []
        if let (ratio, from) = controls.strictest("ratio_min", isMinimum: true, in: { $0.tstr?.ratioMin?.value }) {
            var parameters = protocolParameters
            parameters["definition"] = "AUC(synthetic → holdout) / AUC(train → holdout)"
            utility.append(
                PlanCheck(
                    id: "tstr.ratio_min", metric: "tstr.ratio", bound: .atLeast, threshold: ratio, source: from,
                    parameters: parameters))
            needsTarget.append("TSTR")
        }
        if let (ratio, from) = controls.strictest("ratio_min", isMinimum: true, in: { $0.trts?.ratioMin?.value }) {
            var parameters = protocolParameters
            parameters["definition"] = "AUC(train → synthetic) / AUC(train → holdout)"
            parameters["evaluated_on"] = "synthetic"
            utility.append(
                PlanCheck(
                    id: "trts.ratio_min", metric: "trts.ratio", bound: .atLeast, threshold: ratio, source: from,
                    parameters: parameters))
            needsTarget.append("TRTS")
        }
        // Mode collapse: distinct rows, categories dropped, rare classes starved (DiversityReport).
        utility += controls.checks(
            "diversity", { $0.diversity }, parameters: ["real": "train", "synthetic": "synthetic"])
        if target == nil, !needsTarget.isEmpty {
            warnings.append(
                PlanWarning(
                    code: "unmeasurable-utility", severity: .error,
                    message:
                        "\(needsTarget.joined(separator: " and ")) cannot be measured: the request names no source.target; the utility gate fails closed"
                ))
        }
        stages.append(.utilityGate(GateStage(checks: Self.ruled(utility, policy.gateRules))))

        // Fairness gate.
        let fairness = controls.checks(
            "fairness", { $0.fairness },
            parameters: [
                "protected": .array(protected.map { .string($0) }), "target": target.map { .string($0) } ?? .null,
                "model": .string(Self.utilityModel), "metric": .string(metric),
            ])
        if !fairness.isEmpty, protected.isEmpty || target == nil {
            warnings.append(
                PlanWarning(
                    code: "unmeasurable-fairness", severity: .error,
                    message:
                        "fairness cannot be measured: the request names no source.\(protected.isEmpty ? "protected attribute" : "target"); the fairness gate fails closed"
                ))
        }
        stages.append(.fairnessGate(GateStage(checks: Self.ruled(fairness, policy.gateRules))))
        warnings += GatePower.warnings(
            checks: stages.flatMap { $0.gate?.checks ?? [] }, rows: rows, holdoutFraction: holdoutFraction,
            syntheticRows: request.output.rows.value, rules: policy.gateRules)

        // Certify and publish.
        // The shortest revalidation interval of any layer is the strictest.
        let revalidate = controls.layers.compactMap { $0.controls.expiry?.revalidateEvery?.value.days }.min()
        stages.append(
            .certify(
                CertifyStage(
                    expiresAt: request.expiresAt?.value, warnDays: controls.first { $0.expiry?.warn?.value.days },
                    revalidateEveryDays: revalidate, purpose: request.purpose.value,
                    audience: request.audience.value, consumers: strings(request.consumers),
                    jurisdiction: request.jurisdiction?.value, signature: "ed25519")))
        if let terms = policy.revalidation, case .certify(var certify)? = stages.last {
            certify.revalidation = .init(driftThreshold: terms.effectiveDriftThreshold, enforce: terms.isEnforced)
            stages[stages.count - 1] = .certify(certify)
        }
        if request.expiresAt == nil {
            warnings.append(
                PlanWarning(
                    code: "no-expiry", severity: .warning,
                    message: "the request states no expires_at: the certificate will not expire"))
        }
        stages.append(.publish(Self.publish(request)))
        // The loader refuses such a request (CH246); a request built another way is stopped here.
        if let path = request.output.path?.value, let problem = RequestFieldChecks.outputPathProblem(path) {
            warnings.append(
                PlanWarning(
                    code: "output-outside", severity: .error,
                    message:
                        "output.path \"\(TerminalText.escaped(path))\" \(problem); the run is refused before any budget is reserved"
                ))
        }

        budget = Self.forecast(
            ledger: ledger, policy: policy, draws: isPrivate, epsilon: isPrivate ? epsilon : nil,
            delta: isPrivate ? delta : nil)
        warnings +=
            DPConfigurationCheck(
                generator: generator.type.value, isPrivate: isPrivate, epsilon: epsilon, delta: delta, rows: rows,
                declaredColumns: source.columns.count, budget: budget
            ).warnings
        warnings += Self.sourceWarnings(declared: source.sha256?.value, pinned: sourceDigest, rows: rows)
        // Most severe first; the order found within a severity.
        warnings = warnings.enumerated().sorted { ($1.element.severity, $0.offset) < ($0.element.severity, $1.offset) }
            .map(\.element)
    }

    /// `output.class_mix` as the generators read it (`{"column": target, "shares": {class: share}}`),
    /// or the errors that stop the plan: no target, or a class the target's declared domain lacks.
    static func classMix(
        _ shares: [GenerationRequest.ClassShare], target: String?, columns: [GenerationRequest.ColumnDomain]
    ) -> (JSONValue?, [PlanWarning]) {
        guard let target else {
            return (
                nil,
                [
                    PlanWarning(
                        code: "class-mix-no-target", severity: .error,
                        message: "output.class_mix names classes of source.target, and the request names no target")
                ]
            )
        }
        var warnings: [PlanWarning] = []
        if let domain = columns.first(where: { $0.name.value == target }) {
            for share in shares {
                let label = share.category.value
                var known = true
                if let categories = domain.categories {
                    known = categories.contains { $0.value == label }
                } else if domain.type?.value == "integer" || domain.type?.value == "numeric" {
                    let value = Decimal.exact(label)
                    known =
                        value != nil && domain.minimum.map { value! >= $0.value } != false
                        && domain.maximum.map { value! <= $0.value } != false
                } else if domain.type?.value == "boolean" {
                    known = ["true", "false"].contains(label)
                }
                if !known {
                    warnings.append(
                        PlanWarning(
                            code: "class-mix-unknown-class", severity: .error,
                            message:
                                "output.class_mix names class '\(TerminalText.escaped(label))', which the declared domain of '\(TerminalText.escaped(target))' does not contain"
                        ))
                }
            }
        }
        var object: [String: JSONValue] = [:]
        for share in shares { object[share.category.value] = .decimal(share.share.value.jsonText) }
        return (["column": .string(target), "shares": .object(object)], warnings)
    }

    /// The most synthetic rows the gates measure per attempt (draws × output rows), so that draws
    /// cost at most a few times one table's measuring.
    static let maxMeasuredRows = 300_000

    static func calibration(_ generator: String, epsilon: Decimal?, delta: Decimal?) -> String {
        switch generator {
        case "dp-copula":
            "discrete Gaussian noise for ε = \(epsilon?.jsonText ?? "?"), δ = \(delta?.jsonText ?? "?") under zCDP, split as planned; each mechanism's noise and spend are recorded in the certificate"
        case "dp-vae":
            "DP-SGD for ε = \(epsilon?.jsonText ?? "?"), δ = \(delta?.jsonText ?? "?"): Poisson sampling, per-example clipping, Gaussian noise σ from the RDP accountant; q, σ, steps and spent ε in the certificate"
        case "external":
            "calibrated by the external tool; its ε and δ are claimed, not accounted by Charter"
        default:
            "none: '\(generator)' gives no differential-privacy guarantee"
        }
    }

    /// dp-copula's split under zCDP (Bun & Steinke 2016): ρ is the largest whose conversion by
    /// Canonne, Kamath & Steinke 2020 (Cor. 13) gives at most ε at δ, split by `DPCopulaBudgetSplit`:
    /// the marginal histograms, the correlation, and with a target, the target's correlations (the
    /// TSTR gate measures how the other columns predict it, and its release carries far less noise
    /// per ρ than the pairs'). `nil` when ε or δ is missing or out of range (the plan warns about
    /// that separately).
    static func zcdpSplit(epsilon: Decimal?, delta: Decimal?, target: String?) -> BudgetSplit? {
        guard let epsilon, let delta else { return nil }
        let e = epsilon.approximateDouble
        let d = delta.approximateDouble
        guard e > 0, e.isFinite, e <= 10_000, d > 0, d < 1 else { return nil }
        let rho = ZeroConcentratedDP.rho(epsilon: e, delta: d)
        func rounded(_ value: Double) -> Decimal { Decimal.exact(value.significant(6)) ?? 0 }
        func share(_ mechanism: String, _ fraction: Double) -> BudgetSplit.Share {
            .init(mechanism: mechanism, fraction: rounded(fraction), budget: rounded(rho * fraction))
        }
        let marginal = DPCopulaBudgetSplit.marginalShare
        let targetShare = DPCopulaBudgetSplit.targetShare
        var shares = [
            share("marginal histograms, discrete Gaussian, equal parts per modelled column", marginal)
        ]
        if let target {
            shares.append(
                share(
                    "score-product correlation vector of the columns other than '\(target)', discrete Gaussian",
                    (1 - marginal) * (1 - targetShare)))
            shares.append(
                share(
                    "correlations of '\(target)' with the other columns, discrete Gaussian",
                    (1 - marginal) * targetShare))
        } else {
            shares.append(share("score-product correlation vector, discrete Gaussian", 1 - marginal))
        }
        return BudgetSplit(
            accountant: "zCDP (Bun & Steinke 2016), converted by Canonne, Kamath & Steinke 2020, Cor. 13",
            total: rounded(rho), shares: shares)
    }

    /// The checks with the policy's `gate_rules` written into their parameters (`rule`, `confidence`),
    /// for the checks the policy lists; the others are unchanged, so a plan without rules keeps its
    /// digest.
    static func ruled(_ checks: [PlanCheck], _ rules: GateRules?) -> [PlanCheck] {
        guard let rules else { return checks }
        return checks.map { check in
            guard let rule = rules.rule(for: check.id) else { return check }
            var check = check
            check.parameters["rule"] = .string(rule.rawValue)
            check.parameters["confidence"] = .number(rules.effectiveConfidence.approximateDouble)
            return check
        }
    }

    static func publish(_ request: GenerationRequest) -> PublishStage {
        var safeID = String(
            request.id.value.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" })
        // No `.`, `..` or hidden folder: the id names one visible folder under out/.
        if safeID.hasPrefix(".") || safeID.isEmpty { safeID = "_" + safeID }
        // `output.path` is relative to the output folder, like the default `ID/synthetic.csv`.
        let synthetic = "\(PublishStage.defaultRoot)/" + (request.output.path?.value ?? "\(safeID)/synthetic.csv")
        let slash = synthetic.lastIndex(of: "/")
        let directory = slash.map { String(synthetic[..<$0]) } ?? "."
        let prefix = directory == "." ? "" : directory + "/"
        return PublishStage(
            directory: directory, synthetic: synthetic, certificate: prefix + "certificate.json",
            reportJSON: prefix + "report.json", reportHTML: prefix + "report.html")
    }

    static func forecast(
        ledger: LedgerState, policy: Policy, draws: Bool, epsilon: Decimal?, delta: Decimal?
    ) -> BudgetForecast {
        let capEpsilon: Decimal?
        let capDelta: Decimal?
        let capSource: String
        if ledger.isRegistered {
            (capEpsilon, capDelta, capSource) = (ledger.capEpsilon, ledger.capDelta, "registry")
        } else if let budgets = policy.budgets, budgets.perSourceEpsilon != nil || budgets.perSourceDelta != nil {
            (capEpsilon, capDelta, capSource) = (
                budgets.perSourceEpsilon?.value, budgets.perSourceDelta?.value, "policy"
            )
        } else {
            (capEpsilon, capDelta, capSource) = (nil, nil, "none")
        }
        let runEpsilon = draws ? epsilon ?? 0 : nil
        let runDelta = draws ? delta ?? 0 : nil
        let afterEpsilon = ledger.spentEpsilon.map { $0 + (runEpsilon ?? 0) }
        let afterDelta = ledger.spentDelta + (runDelta ?? 0)
        let remainingEpsilon = capEpsilon.flatMap { cap in afterEpsilon.map { max(0, cap - $0) } }
        let remainingDelta = capDelta.map { max(0, $0 - afterDelta) }
        var fits = true
        if draws {
            if let capEpsilon { fits = fits && (afterEpsilon.map { $0 <= capEpsilon } ?? false) }
            if let capDelta { fits = fits && afterDelta <= capDelta }
        }
        return BudgetForecast(
            source: ledger.source, draws: draws, capEpsilon: capEpsilon, capDelta: capDelta,
            spentEpsilon: ledger.spentEpsilon, spentDelta: ledger.spentDelta, runEpsilon: runEpsilon,
            runDelta: runDelta,
            remainingEpsilon: remainingEpsilon, remainingDelta: remainingDelta, fits: fits, capSource: capSource)
    }

    static func sourceWarnings(declared: String?, pinned: String?, rows: Int?) -> [PlanWarning] {
        var warnings: [PlanWarning] = []
        if pinned == nil {
            warnings.append(
                PlanWarning(
                    code: "source-not-pinned", severity: .warning,
                    message:
                        "the source file is not pinned: the request declares no sha256 and none was observed, so apply cannot tell whether it changed"
                ))
        } else if declared == nil {
            warnings.append(
                PlanWarning(
                    code: "source-digest-observed", severity: .note,
                    message:
                        "the request declares no source.sha256: the plan pins the digest the file had when the plan was made"
                ))
        }
        if rows == nil {
            warnings.append(
                PlanWarning(
                    code: "rows-not-declared", severity: .warning,
                    message:
                        "the request declares no source.rows: the row count is not verified and ε and δ cannot be checked against the data size"
                ))
        }
        return warnings
    }
}
