public import CharterCore
public import CharterYAML

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Builds a ``Policy`` from the YAML of a `kind: policy` document, reporting every unknown key,
/// wrong type, missing field, malformed value and malformed condition with its location.
///
/// The loader checks each value on its own; ``PolicyLinter`` checks how the values fit together.
public struct PolicyLoader: Sendable {
    /// Keys of a policy document.
    static let policyKeys = [
        "charter", "kind", "name", "version", "owners", "description", "extends", "roles", "purposes", "tiers",
        "budgets", "rules", "identities", "gate_rules", "revalidation",
    ]
    static let tierKeys = ["name", "description", "when", "controls"]
    static let controlKeys = [
        "differential_privacy", "k_anonymity", "l_diversity", "membership_inference", "distance_to_closest_record",
        "fidelity", "tstr", "trts", "fairness", "generators", "approvals", "expiry", "access", "diversity",
    ]
    static let ruleKeys = [
        "id", "description", "enforcement", "override_by", "when", "deny", "require", "warn", "message",
    ]
    static let fidelityKeys = [
        "ks_complement_min", "tv_complement_min", "correlation_similarity_min", "contingency_similarity_min",
        "column_shapes_min", "column_pair_trends_min", "quality_min",
    ]
    static let distanceKeys = ["overfitting_protection_min", "baseline_protection_min", "new_row_synthesis_min"]
    static let fairnessKeys = ["tstr_gap_max", "quality_gap_max"]
    static let diversityKeys = ["distinct_rows_min", "missing_categories_max", "minority_recall_min"]
    /// Threshold keys that count things (any whole number ≥ 0) rather than bound a share in [0, 1].
    static let countKeys: Set<String> = ["missing_categories_max"]

    /// A loader.
    public init() {}

    /// The policy in `document`, and the findings; the policy is `nil` when the document is too
    /// broken to say what it means (not a mapping, no name, …).
    public func load(_ document: YAMLNode, source: YAMLSource) -> (policy: Policy?, diagnostics: [Diagnostic]) {
        let reader = DocumentReader(source: source)
        let policy = PolicyBuilder(reader: reader).policy(document)
        return (policy, reader.diagnostics)
    }
}

/// The recursive part of loading, over one reader.
private struct PolicyBuilder {
    let reader: DocumentReader
    /// Whether the policy `extends` a base: its tiers then name base tiers and may omit `when`.
    var isOverlay = false

    func policy(_ node: YAMLNode) -> Policy? {
        let required = node["extends"] == nil ? ["name", "tiers"] : ["name"]
        guard let fields = reader.mapping(node, "the policy", known: PolicyLoader.policyKeys, required: required) else {
            return nil
        }
        let name = fields["name"].flatMap { reader.string($0, "name") }
        let version = fields["version"].flatMap { reader.string($0, "version") }
        let owners = fields["owners"].flatMap { reader.stringList($0, "owners") } ?? []
        let description = fields["description"].flatMap { reader.string($0, "description")?.value }
        let extends = fields["extends"].flatMap { reader.string($0, "extends") }
        let roles = fields["roles"].map(roles) ?? []
        let identities = fields["identities"].flatMap(identities)
        let purposes = fields["purposes"].flatMap { reader.stringList($0, "purposes") } ?? []
        var builder = self
        builder.isOverlay = extends != nil
        let tiers = fields["tiers"].map { builder.list($0, "tiers", builder.tier) } ?? []
        if let node = fields["tiers"], node.sequence?.isEmpty == true, extends == nil {
            reader.report(
                .error(.policyMissingField, "the policy has no tiers, so every request is denied", at: node.location))
        }
        let budgets = fields["budgets"].flatMap(budgets)
        let rules = fields["rules"].map { list($0, "rules", rule) } ?? []
        let gateRules = fields["gate_rules"].flatMap(gateRules)
        let revalidation = fields["revalidation"].flatMap(revalidation)
        guard let name else { return nil }
        var policy = Policy(
            name: name, version: version, owners: owners, description: description, extends: extends, roles: roles,
            identities: identities, purposes: purposes, tiers: tiers, budgets: budgets, rules: rules,
            gateRules: gateRules, location: node.location)
        policy.revalidation = revalidation
        return policy
    }

    /// `revalidation: { drift_threshold, enforce }`.
    private func revalidation(_ node: YAMLNode) -> RevalidationPolicy? {
        guard let fields = reader.mapping(node, "revalidation", known: ["drift_threshold", "enforce"]) else {
            return nil
        }
        var terms = RevalidationPolicy(location: node.location)
        if let value = fields["drift_threshold"].flatMap({ reader.decimal($0, "revalidation.drift_threshold") }) {
            if value.value > 0, value.value <= 1 {
                terms.driftThreshold = value
            } else {
                reader.report(
                    .error(
                        .policyOutOfRange,
                        "revalidation.drift_threshold must be above 0 and at most 1, not \(value.value)",
                        at: value.location))
            }
        }
        terms.enforce = fields["enforce"].flatMap { reader.bool($0, "revalidation.enforce") }
        return terms
    }

    /// `gate_rules: { confidence, checks: { <check>: estimate | lower-bound | not-worse }, draws,
    /// underpowered: warn | refuse, regenerate: { max_attempts } }`.
    private func gateRules(_ node: YAMLNode) -> GateRules? {
        guard
            let fields = reader.mapping(
                node, "gate_rules", known: ["confidence", "checks", "draws", "underpowered", "regenerate"])
        else { return nil }
        var rules = GateRules(location: node.location)
        if let value = fields["underpowered"].flatMap({
            reader.enumeration($0, "gate_rules.underpowered", values: GateRules.Underpowered.allCases.map(\.rawValue))
        }), let mode = GateRules.Underpowered(rawValue: value.value) {
            rules.underpowered = Located(mode, at: value.location)
        }
        if let node = fields["draws"] {
            rules.draws = boundedInteger(node, "gate_rules.draws", 1...GateRules.maxDraws)
        }
        if let node = fields["regenerate"],
            let regenerate = reader.mapping(node, "gate_rules.regenerate", known: ["max_attempts"])
        {
            if let attempts = regenerate["max_attempts"] {
                rules.maxAttempts = boundedInteger(
                    attempts, "gate_rules.regenerate.max_attempts", 1...GateRules.maxAttemptsLimit)
            } else {
                reader.report(
                    .error(.policyMissingField, "gate_rules.regenerate needs max_attempts", at: node.location))
            }
        }
        if let value = fields["confidence"].flatMap({ reader.decimal($0, "gate_rules.confidence") }) {
            if value.value >= Decimal.exact("0.5") ?? 0, value.value < 1 {
                rules.confidence = value
            } else {
                reader.report(
                    .error(
                        .policyOutOfRange, "gate_rules.confidence must be at least 0.5 and below 1, not \(value.value)",
                        at: value.location))
            }
        }
        if let checks = fields["checks"] {
            guard reader.mapping(checks, "gate_rules.checks", known: GateRules.checkNames) != nil,
                let pairs = checks.mapping
            else { return rules }
            for pair in pairs {
                guard case .string(let key) = pair.key.scalar?.value, GateRules.checkNames.contains(key),
                    let value = reader.enumeration(
                        pair.value, "gate_rules.checks.\(key)", values: GateRules.Rule.allCases.map(\.rawValue)),
                    let rule = GateRules.Rule(rawValue: value.value)
                else { continue }
                rules.entries.append(
                    GateRules.Entry(
                        check: Located(key, at: pair.key.location), rule: Located(rule, at: value.location)))
            }
        }
        return rules
    }

    /// An integer in `range`, or a located error.
    private func boundedInteger(_ node: YAMLNode, _ context: String, _ range: ClosedRange<Int>) -> Located<Int>? {
        guard let value = reader.integer(node, context) else { return nil }
        guard range.contains(value.value) else {
            reader.report(
                .error(
                    .policyOutOfRange,
                    "\(context) must be a whole number from \(range.lowerBound) to \(range.upperBound), not \(value.value)",
                    at: value.location))
            return nil
        }
        return value
    }

    private func list<T>(_ node: YAMLNode, _ context: String, _ item: (YAMLNode) -> T?) -> [T] {
        guard let items = node.sequence else {
            reader.wrongType(node, expected: "a list", context: context)
            return []
        }
        return items.compactMap(item)
    }

    private func roles(_ node: YAMLNode) -> [Role] {
        guard let pairs = node.mapping else {
            reader.wrongType(node, expected: "a mapping of role names to members", context: "roles")
            return []
        }
        return pairs.compactMap { pair in
            guard case .string(let name) = pair.key.scalar?.value else {
                reader.report(.error(.policyWrongType, "a role's name must be a string", at: pair.key.location))
                return nil
            }
            let members: [Located<String>]
            if pair.value.scalar?.value == .null {
                members = []
            } else {
                members = reader.stringList(pair.value, "role '\(name)'") ?? []
            }
            return Role(name: Located(name, at: pair.key.location), members: members)
        }
    }

    private func identities(_ node: YAMLNode) -> IdentityFiles? {
        guard
            let fields = reader.mapping(
                node, "identities", known: ["allowed_signers", "directory"], required: [])
        else { return nil }
        return IdentityFiles(
            allowedSigners: fields["allowed_signers"].flatMap { reader.string($0, "identities.allowed_signers") },
            directory: fields["directory"].flatMap { reader.string($0, "identities.directory") },
            location: node.location)
    }

    private func tier(_ node: YAMLNode) -> Tier? {
        let required = isOverlay ? ["name"] : ["name", "when"]
        guard let fields = reader.mapping(node, "a tier", known: PolicyLoader.tierKeys, required: required) else {
            return nil
        }
        let name = fields["name"].flatMap { reader.string($0, "a tier's name") }
        var when = fields["when"].flatMap { condition($0, "a tier's condition") }
        if isOverlay && fields["when"] == nil { when = Condition.inherited(at: node.location) }
        let controls = fields["controls"].flatMap { self.controls($0, "controls") } ?? Controls(location: node.location)
        guard let name, let when else { return nil }
        return Tier(name: name, when: when, controls: controls, location: node.location)
    }

    /// A condition: a string to parse, or the booleans `true` / `false` written bare.
    func condition(_ node: YAMLNode, _ context: String) -> Condition? {
        guard let scalar = node.scalar else {
            reader.wrongType(node, expected: "a condition (a string)", context: context)
            return nil
        }
        if scalar.style == .plain, let meant = DocumentReader.yaml11Booleans[scalar.text] {
            reader.report(reader.yaml11Boolean(scalar.text, meant: meant, at: node.location, context: context))
            return Condition(text: scalar.text, expression: nil, location: node.location)
        }
        switch scalar.value {
        case .string, .bool: break
        default:
            reader.wrongType(node, expected: "a condition", context: context)
            return nil
        }
        let positions = ScalarPositions(value: scalar.text, start: node.location.offset, in: reader.source)
        do {
            let expression = try ExpressionParser.parse(
                scalar.text, locate: positions.location(ofValueOffset:), locateEnd: positions.location(ofValueEnd:))
            return Condition(text: scalar.text, expression: expression, location: node.location)
        } catch {
            reader.report(
                .error(
                    .expressionSyntax, error.message, at: positions.location(ofValueOffset: error.offset),
                    help: error.help))
            return Condition(text: scalar.text, expression: nil, location: node.location)
        }
    }

    func controls(_ node: YAMLNode, _ context: String, extraKeys: [String] = []) -> Controls? {
        guard let fields = reader.mapping(node, context, known: PolicyLoader.controlKeys + extraKeys) else {
            return nil
        }
        var controls = Controls(location: node.location)
        controls.differentialPrivacy = fields["differential_privacy"].flatMap(differentialPrivacy)
        controls.kAnonymity = fields["k_anonymity"].flatMap { minimum($0, "k_anonymity", key: "k_min") }
        controls.lDiversity = fields["l_diversity"].flatMap { minimum($0, "l_diversity", key: "l_min") }
        controls.membershipInference = fields["membership_inference"].flatMap(membershipInference)
        controls.distanceToClosestRecord = fields["distance_to_closest_record"].flatMap {
            thresholds($0, "distance_to_closest_record", keys: PolicyLoader.distanceKeys)
        }
        controls.fidelity = fields["fidelity"].flatMap { thresholds($0, "fidelity", keys: PolicyLoader.fidelityKeys) }
        controls.tstr = fields["tstr"].flatMap { ratio($0, "tstr", allowsMetric: true) }
        controls.trts = fields["trts"].flatMap { ratio($0, "trts", allowsMetric: false) }
        controls.fairness = fields["fairness"].flatMap { thresholds($0, "fairness", keys: PolicyLoader.fairnessKeys) }
        controls.diversity = fields["diversity"].flatMap {
            thresholds($0, "diversity", keys: PolicyLoader.diversityKeys)
        }
        if let node = fields["generators"],
            let list = reader.stringList(node, "generators", values: RequestSchema.generatorTypes)
        {
            controls.generators = Located(list, at: node.location)
        }
        controls.approvals = fields["approvals"].flatMap(approvals)
        controls.expiry = fields["expiry"].flatMap(expiry)
        controls.access = fields["access"].flatMap(access)
        return controls
    }

    private func differentialPrivacy(_ node: YAMLNode) -> DifferentialPrivacyControl? {
        let context = "differential_privacy"
        guard let fields = reader.mapping(node, context, known: ["required", "epsilon_max", "delta_max"]) else {
            return nil
        }
        var control = DifferentialPrivacyControl(location: node.location)
        control.required = fields["required"].flatMap { reader.bool($0, "\(context).required") }
        control.epsilonMax = fields["epsilon_max"].flatMap { reader.decimal($0, "\(context).epsilon_max") }
        control.epsilonMaxWritten = fields["epsilon_max"] != nil
        control.deltaMax = fields["delta_max"].flatMap { reader.decimal($0, "\(context).delta_max") }
        if let epsilon = control.epsilonMax, epsilon.value <= 0 {
            reader.report(
                .error(
                    .policyOutOfRange, "\(context).epsilon_max must be greater than 0, not \(epsilon.value)",
                    at: epsilon.location, help: "ε = 0 releases nothing; a strict cap is 0.1 to 1"))
            control.epsilonMax = nil
        }
        if let delta = control.deltaMax {
            if delta.value < 0 || delta.value >= 1 {
                reader.report(
                    .error(
                        .policyOutOfRange, "\(context).delta_max must be at least 0 and below 1, not \(delta.value)",
                        at: delta.location))
                control.deltaMax = nil
            } else if delta.value > Decimal.exact("1e-4") ?? 0 {
                reader.report(
                    .warning(
                        .policyLargeDelta, "\(context).delta_max \(delta.value) is large",
                        at: delta.location,
                        notes: ["δ bounds the chance that the guarantee fails outright; it should be far below 1/n"],
                        help: "use 1e-5 or less, and below 1/rows of the smallest source"))
            }
        }
        return control
    }

    private func minimum(_ node: YAMLNode, _ context: String, key: String) -> MinimumControl<Int>? {
        guard let fields = reader.mapping(node, context, known: [key], required: [key]),
            let value = fields[key].flatMap({ reader.integer($0, "\(context).\(key)") })
        else { return nil }
        guard value.value >= 2 else {
            reader.report(
                .error(
                    .policyOutOfRange, "\(context).\(key) must be at least 2, not \(value.value)", at: value.location,
                    help: "\(key) 1 holds for every dataset and protects nothing"))
            return nil
        }
        return MinimumControl(minimum: value, location: node.location)
    }

    private func membershipInference(_ node: YAMLNode) -> MembershipInferenceControl? {
        let context = "membership_inference"
        guard let fields = reader.mapping(node, context, known: ["accuracy_max", "auc_max"]) else { return nil }
        var control = MembershipInferenceControl(location: node.location)
        control.accuracyMax = fields["accuracy_max"].flatMap { unitInterval($0, "\(context).accuracy_max") }
        control.aucMax = fields["auc_max"].flatMap { unitInterval($0, "\(context).auc_max") }
        for bound in [control.accuracyMax, control.aucMax].compactMap({ $0 }) where bound.value < Decimal(0.5) {
            reader.report(
                .warning(
                    .policyUnsatisfiable,
                    "\(context) bound \(bound.value) is below 0.5, which even random guessing reaches",
                    at: bound.location, help: "0.55 is a common cap: barely better than a coin"))
        }
        return control
    }

    /// A ratio or score in (0, 1].
    private func unitInterval(_ node: YAMLNode, _ context: String) -> Located<Decimal>? {
        guard let value = reader.decimal(node, context) else { return nil }
        guard value.value > 0, value.value <= 1 else {
            reader.report(
                .error(.policyOutOfRange, "\(context) must be in (0, 1], not \(value.value)", at: value.location))
            return nil
        }
        return value
    }

    private func thresholds(_ node: YAMLNode, _ context: String, keys: [String]) -> ThresholdSet? {
        guard let fields = reader.mapping(node, context, known: keys), let pairs = node.mapping else { return nil }
        var set = ThresholdSet(thresholds: [], location: node.location)
        for pair in pairs {
            guard case .string(let key) = pair.key.scalar?.value, fields.values[key] != nil else { continue }
            let isGap = key.hasSuffix("_max")
            guard let value = reader.decimal(pair.value, "\(context).\(key)") else { continue }
            if PolicyLoader.countKeys.contains(key) {
                guard value.value >= 0, value.value.approximateDouble == value.value.approximateDouble.rounded() else {
                    reader.report(
                        .error(
                            .policyOutOfRange,
                            "\(context).\(key) must be a whole number of at least 0, not \(value.value)",
                            at: value.location))
                    continue
                }
                set.thresholds.append(Threshold(key: key, value: value))
                continue
            }
            let valid = isGap ? value.value >= 0 && value.value <= 1 : value.value > 0 && value.value <= 1
            guard valid else {
                reader.report(
                    .error(
                        .policyOutOfRange,
                        "\(context).\(key) must be in \(isGap ? "[0, 1]" : "(0, 1]"), not \(value.value)",
                        at: value.location))
                continue
            }
            set.thresholds.append(Threshold(key: key, value: value))
        }
        return set
    }

    private func ratio(_ node: YAMLNode, _ context: String, allowsMetric: Bool) -> UtilityRatioControl? {
        guard
            let fields = reader.mapping(
                node, context, known: allowsMetric ? ["ratio_min", "metric"] : ["ratio_min"], required: ["ratio_min"])
        else { return nil }
        var control = UtilityRatioControl(location: node.location)
        control.ratioMin = fields["ratio_min"].flatMap { unitInterval($0, "\(context).ratio_min") }
        if let node = fields["metric"],
            let metric = reader.enumeration(
                node, "\(context).metric", values: UtilityRatioControl.Metric.allCases.map(\.rawValue))
        {
            control.metric = UtilityRatioControl.Metric(rawValue: metric.value).map { Located($0, at: metric.location) }
        }
        return control
    }

    private func approvals(_ node: YAMLNode) -> ApprovalControl? {
        let context = "approvals"
        guard let fields = reader.mapping(node, context, known: ["all_of", "any_of", "quorum"]) else { return nil }
        var control = ApprovalControl(
            allOf: fields["all_of"].flatMap { reader.stringList($0, "approvals.all_of") } ?? [],
            anyOf: fields["any_of"].flatMap { reader.stringList($0, "approvals.any_of") } ?? [],
            quorum: nil, location: node.location)
        if let quorum = fields["quorum"].flatMap({ reader.integer($0, "approvals.quorum") }) {
            if control.anyOf.isEmpty {
                reader.report(
                    .error(
                        .policyOutOfRange, "approvals.quorum counts roles of any_of, which is empty",
                        at: quorum.location))
            } else if quorum.value < 1 || quorum.value > control.anyOf.count {
                reader.report(
                    .error(
                        .policyOutOfRange,
                        "approvals.quorum must be between 1 and \(control.anyOf.count) (the roles of any_of), not \(quorum.value)",
                        at: quorum.location))
            } else {
                control.quorum = quorum
            }
        }
        if control.allOf.isEmpty && control.anyOf.isEmpty && fields.values["all_of"] == nil
            && fields.values["any_of"] == nil
        {
            reader.report(
                .error(.policyMissingField, "approvals needs 'all_of' or 'any_of'", at: node.location))
        }
        return control
    }

    private func expiry(_ node: YAMLNode) -> ExpiryControl? {
        guard
            let fields = reader.mapping(node, "expiry", known: ["max", "warn", "revalidate_every"], required: ["max"])
        else { return nil }
        return ExpiryControl(
            max: fields["max"].flatMap { reader.duration($0, "expiry.max") },
            warn: fields["warn"].flatMap { reader.duration($0, "expiry.warn") },
            revalidateEvery: fields["revalidate_every"].flatMap { reader.duration($0, "expiry.revalidate_every") },
            location: node.location)
    }

    private func access(_ node: YAMLNode) -> AccessControl? {
        guard let fields = reader.mapping(node, "access", known: ["audiences", "consumers"]) else { return nil }
        return AccessControl(
            audiences: fields["audiences"].flatMap {
                reader.stringList($0, "access.audiences", values: RequestSchema.audiences)
            },
            consumers: fields["consumers"].flatMap { reader.stringList($0, "access.consumers") },
            location: node.location)
    }

    private func budgets(_ node: YAMLNode) -> Budgets? {
        guard
            let fields = reader.mapping(
                node, "budgets", known: ["per_source", "composition"], required: ["per_source"])
        else { return nil }
        var budgets = Budgets(location: node.location)
        if let perSource = fields["per_source"],
            let caps = reader.mapping(
                perSource, "budgets.per_source", known: ["epsilon", "delta"], required: ["epsilon"])
        {
            if let epsilon = caps["epsilon"].flatMap({ reader.decimal($0, "budgets.per_source.epsilon") }) {
                if epsilon.value > 0 {
                    budgets.perSourceEpsilon = epsilon
                } else {
                    reader.report(
                        .error(
                            .policyOutOfRange, "budgets.per_source.epsilon must be greater than 0", at: epsilon.location
                        ))
                }
            }
            if let delta = caps["delta"].flatMap({ reader.decimal($0, "budgets.per_source.delta") }) {
                if delta.value >= 0 && delta.value < 1 {
                    budgets.perSourceDelta = delta
                } else {
                    reader.report(
                        .error(
                            .policyOutOfRange, "budgets.per_source.delta must be at least 0 and below 1",
                            at: delta.location))
                }
            }
        }
        if let node = fields["composition"],
            let value = reader.enumeration(
                node, "budgets.composition", values: Budgets.Composition.allCases.map(\.rawValue))
        {
            budgets.composition = Budgets.Composition(rawValue: value.value).map { Located($0, at: value.location) }
        }
        return budgets
    }

    private func rule(_ node: YAMLNode) -> Rule? {
        guard
            let fields = reader.mapping(
                node, "a rule", known: PolicyLoader.ruleKeys, required: ["id", "enforcement", "when"])
        else { return nil }
        let id = fields["id"].flatMap { reader.string($0, "a rule's id") }
        let enforcementText = fields["enforcement"].flatMap {
            reader.enumeration($0, "enforcement", values: Enforcement.allCases.map(\.rawValue))
        }
        let enforcement = enforcementText.flatMap { text in
            Enforcement(rawValue: text.value).map { Located($0, at: text.location) }
        }
        let overrideBy = fields["override_by"].flatMap { reader.string($0, "override_by") }
        let when = fields["when"].flatMap { condition($0, "a rule's condition") }
        let message = fields["message"].flatMap { reader.string($0, "message")?.value }
        let effects = ["deny", "require", "warn"].filter { fields.values[$0] != nil }
        var effect: Rule.Effect?
        if effects.count != 1 {
            let location = effects.count > 1 ? fields.keyLocation(effects[1]) ?? node.location : node.location
            reader.report(
                .error(
                    .policyRuleEffect,
                    effects.isEmpty
                        ? "rule '\(id?.value ?? "?")' has no effect"
                        : "rule '\(id?.value ?? "?")' has several effects: \(effects.joined(separator: ", "))",
                    at: location,
                    help: "give exactly one of `deny: reason`, `require: {approvals: [role]}`, `warn: message`"))
        } else if let node = fields["deny"] {
            effect = text(node, "deny", fallback: message).map(Rule.Effect.deny)
        } else if let node = fields["warn"] {
            effect = text(node, "warn", fallback: message).map(Rule.Effect.warn)
        } else if let node = fields["require"] {
            effect = requirement(node)
        }
        guard let id, let enforcement, let when else { return nil }
        return Rule(
            id: id, enforcement: enforcement, overrideBy: overrideBy, when: when, effect: effect, message: message,
            location: node.location)
    }

    /// `deny: reason` or `deny: true` with a `message`.
    private func text(_ node: YAMLNode, _ context: String, fallback: String?) -> String? {
        if node.scalar?.value == .bool(true) {
            guard let fallback else {
                reader.report(
                    .error(.policyMissingField, "`\(context): true` needs a `message` to show", at: node.location))
                return nil
            }
            return fallback
        }
        return reader.string(node, context)?.value
    }

    private func requirement(_ node: YAMLNode) -> Rule.Effect? {
        guard node.mapping != nil else {
            reader.wrongType(node, expected: "a mapping such as {approvals: [legal]}", context: "require")
            return nil
        }
        let approvalsNode = node["approvals"]
        var approvals: [Located<String>] = []
        if let approvalsNode {
            approvals = reader.stringList(approvalsNode, "require.approvals") ?? []
        }
        let pairs = (node.mapping ?? []).filter { $0.key.scalar?.value != .string("approvals") }
        var controls: Controls?
        if !pairs.isEmpty {
            let rest = YAMLNode(.mapping(pairs), location: node.location)
            controls = self.controls(rest, "require")
            controls?.approvals = nil
        }
        if approvals.isEmpty && controls == nil {
            reader.report(.error(.policyMissingField, "require names no approvals and no controls", at: node.location))
            return nil
        }
        return .require(approvals: approvals, controls: controls)
    }
}
