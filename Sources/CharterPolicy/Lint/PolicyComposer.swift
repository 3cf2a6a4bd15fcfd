public import CharterCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Composes an overlay with the base it `extends`, and proves, control by control, that the
/// overlay only tightens.
///
/// Composition: the overlay's roles are added to the base's (a base role may lose members, never
/// gain them); its purposes, when given, replace the base's and must be a subset; a tier of the
/// overlay names a base tier and replaces each control it states (a control it omits is
/// inherited), keeping the base's condition; its budgets replace the base's; its rules are added,
/// and a rule with a base rule's id replaces it. Anything that would let a request through that
/// the base would stop is a `CH113` naming the field and both values.
public enum PolicyComposer {
    /// The effective policy and one diagnostic per loosening.
    public static func compose(base: Policy, overlay: Policy) -> (policy: Policy, diagnostics: [Diagnostic]) {
        var comparison = Comparison()
        var effective = base
        effective.name = overlay.name
        effective.version = overlay.version
        effective.owners = overlay.owners.isEmpty ? base.owners : overlay.owners
        effective.description = overlay.description ?? base.description
        effective.extends = overlay.extends
        effective.location = overlay.location

        for role in overlay.roles {
            if let index = effective.roles.firstIndex(where: { $0.name.value == role.name.value }) {
                let baseMembers = Set(effective.roles[index].members.map(\.value))
                for member in role.members where !baseMembers.contains(member.value) {
                    comparison.loosened(
                        "role '\(role.name.value)' gains member '\(member.value)', who could then approve what the base reserves to others",
                        at: member.location, base: effective.roles[index].name.location)
                }
                effective.roles[index] = role
            } else {
                effective.roles.append(role)
            }
        }

        // An overlay may add authentication to a base without it, never replace the base's keys or
        // groups: whoever edits the overlay could otherwise let any key approve.
        if let identities = overlay.identities {
            if let base = base.identities {
                comparison.loosened(
                    "the overlay replaces the base's identities (allowed signers and groups)",
                    at: identities.location, base: base.location)
            } else {
                effective.identities = identities
            }
        }

        if !overlay.purposes.isEmpty {
            let allowed = Set(base.purposes.map(\.value))
            for purpose in overlay.purposes where !allowed.contains(purpose.value) {
                comparison.loosened(
                    "purpose '\(purpose.value)' is not allowed by the base policy", at: purpose.location,
                    base: base.purposes.first?.location ?? base.location)
            }
            effective.purposes = overlay.purposes
        }

        for tier in overlay.tiers {
            guard let index = effective.tiers.firstIndex(where: { $0.name.value == tier.name.value }) else {
                comparison.loosened(
                    "tier '\(tier.name.value)' does not exist in the base; a new tier could capture requests the base sends to a stricter one",
                    at: tier.name.location, base: base.tiers.first?.location ?? base.location)
                continue
            }
            let baseTier = effective.tiers[index]
            if !tier.when.isInherited && tier.when != baseTier.when {
                comparison.loosened(
                    "tier '\(tier.name.value)' changes its condition; an overlay keeps the base's conditions so that every request lands in a tier at least as strict",
                    at: tier.when.location, base: baseTier.when.location)
            }
            effective.tiers[index].controls = comparison.merge(
                base: baseTier.controls, overlay: tier.controls, context: "tier '\(tier.name.value)'")
        }

        if let budgets = overlay.budgets {
            if let base = base.budgets {
                comparison.atMost(
                    budgets.perSourceEpsilon, base.perSourceEpsilon, "budgets.per_source.epsilon", at: budgets.location)
                comparison.atMost(
                    budgets.perSourceDelta, base.perSourceDelta, "budgets.per_source.delta", at: budgets.location)
                if let composition = base.composition, budgets.composition?.value != composition.value {
                    comparison.loosened(
                        "budgets.composition changes from \(composition.value.rawValue) to \(budgets.composition?.value.rawValue ?? "the default")",
                        at: budgets.composition?.location ?? budgets.location, base: composition.location)
                }
            }
            effective.budgets = budgets
        }

        if let terms = overlay.revalidation {
            // An overlay tightens: the lower threshold and enforcement win.
            var merged = base.revalidation ?? RevalidationPolicy(location: terms.location)
            if let threshold = terms.driftThreshold {
                if threshold.value > merged.effectiveDriftThreshold {
                    comparison.loosened(
                        "revalidation.drift_threshold changes from \(merged.effectiveDriftThreshold) to \(threshold.value)",
                        at: threshold.location, base: base.revalidation?.driftThreshold?.location ?? base.location)
                } else {
                    merged.driftThreshold = threshold
                }
            }
            if let enforce = terms.enforce {
                if !enforce.value, merged.isEnforced {
                    comparison.loosened(
                        "revalidation.enforce changes from true to false", at: enforce.location,
                        base: base.revalidation?.enforce?.location ?? base.location)
                } else {
                    merged.enforce = enforce
                }
            }
            effective.revalidation = merged
        }
        if let rules = overlay.gateRules {
            var merged = base.gateRules ?? GateRules(location: rules.location)
            for entry in rules.entries {
                let baseRule = base.gateRules?.rule(for: entry.check.value) ?? .estimate
                if entry.rule.value.strictness < baseRule.strictness {
                    comparison.loosened(
                        "gate_rules.checks.\(entry.check.value) loosens from \(baseRule.rawValue) to \(entry.rule.value.rawValue)",
                        at: entry.rule.location, base: base.gateRules?.location ?? base.location)
                }
                merged.entries.append(entry)
            }
            if let confidence = rules.confidence {
                if confidence.value != base.gateRules?.effectiveConfidence ?? GateRules.defaultConfidence {
                    comparison.loosened(
                        "gate_rules.confidence changes from \(base.gateRules?.effectiveConfidence ?? GateRules.defaultConfidence) to \(confidence.value); a level moves lower-bound and not-worse rules in opposite directions",
                        at: confidence.location, base: base.gateRules?.location ?? base.location)
                }
                merged.confidence = confidence
            }
            // Refusing an underpowered plan is stricter than warning; more attempts are more chances
            // to pass; fewer draws are a noisier measure.
            if let underpowered = rules.underpowered {
                if underpowered.value == .warn, base.gateRules?.effectiveUnderpowered == .refuse {
                    comparison.loosened(
                        "gate_rules.underpowered loosens from refuse to warn", at: underpowered.location,
                        base: base.gateRules?.location ?? base.location)
                }
                merged.underpowered = underpowered
            }
            if let attempts = rules.maxAttempts {
                let baseAttempts = base.gateRules?.effectiveMaxAttempts ?? 1
                if attempts.value > baseAttempts {
                    comparison.loosened(
                        "gate_rules.regenerate.max_attempts rises from \(baseAttempts) to \(attempts.value): more chances to pass",
                        at: attempts.location, base: base.gateRules?.location ?? base.location)
                }
                merged.maxAttempts = attempts
            }
            if let draws = rules.draws {
                let baseDraws = base.gateRules?.effectiveDraws ?? GateRules.defaultDraws
                if draws.value < baseDraws {
                    comparison.loosened(
                        "gate_rules.draws falls from \(baseDraws) to \(draws.value): a noisier measure",
                        at: draws.location, base: base.gateRules?.location ?? base.location)
                }
                merged.draws = draws
            }
            effective.gateRules = merged
        }

        for rule in overlay.rules {
            if let index = effective.rules.firstIndex(where: { $0.id.value == rule.id.value }) {
                let baseRule = effective.rules[index]
                if rule.enforcement.value < baseRule.enforcement.value {
                    comparison.loosened(
                        "rule '\(rule.id.value)' lowers enforcement from \(baseRule.enforcement.value.rawValue) to \(rule.enforcement.value.rawValue)",
                        at: rule.enforcement.location, base: baseRule.enforcement.location)
                }
                if rule.when != baseRule.when {
                    comparison.loosened(
                        "rule '\(rule.id.value)' changes its condition", at: rule.when.location,
                        base: baseRule.when.location)
                }
                if let effect = rule.effect, let baseEffect = baseRule.effect, effect.strength < baseEffect.strength {
                    comparison.loosened(
                        "rule '\(rule.id.value)' weakens its effect from \(baseEffect.name) to \(effect.name)",
                        at: rule.location, base: baseRule.location)
                }
                if case .require(let approvals, _) = baseRule.effect,
                    case .require(let overlayApprovals, _) = rule.effect
                {
                    let kept = Set(overlayApprovals.map(\.value))
                    for role in approvals where !kept.contains(role.value) {
                        comparison.loosened(
                            "rule '\(rule.id.value)' no longer requires approval by '\(role.value)'", at: rule.location,
                            base: role.location)
                    }
                }
                if rule.enforcement.value == .softMandatory, let overrideBy = rule.overrideBy,
                    let baseOverride = baseRule.overrideBy, overrideBy.value != baseOverride.value
                {
                    comparison.loosened(
                        "rule '\(rule.id.value)' lets '\(overrideBy.value)' override instead of '\(baseOverride.value)'",
                        at: overrideBy.location, base: baseOverride.location)
                }
                effective.rules[index] = rule
            } else {
                effective.rules.append(rule)
            }
        }
        return (effective, comparison.diagnostics)
    }
}

/// Accumulates loosenings while merging.
private struct Comparison {
    var diagnostics: [Diagnostic] = []

    mutating func loosened(_ message: String, at location: SourceLocation, base: SourceLocation) {
        diagnostics.append(
            .error(
                .policyLooseningOverlay, message, at: location, related: [.init(base, "the base policy sets it here")],
                help:
                    "an overlay may only tighten its base: lower caps, higher minimums, more approvals, shorter expiry")
        )
    }

    /// The overlay's value must exist when the base's does, and be at most it.
    mutating func atMost<T: Comparable>(
        _ overlay: Located<T>?, _ base: Located<T>?, _ field: String, at fallback: SourceLocation? = nil
    ) {
        guard let base else { return }
        guard let overlay else {
            loosened(
                "\(field) is dropped (the base caps it at \(base.value))", at: fallback ?? base.location,
                base: base.location)
            return
        }
        if overlay.value > base.value {
            loosened("\(field) rises from \(base.value) to \(overlay.value)", at: overlay.location, base: base.location)
        }
    }

    /// The overlay's value must exist when the base's does, and be at least it.
    mutating func atLeast<T: Comparable>(
        _ overlay: Located<T>?, _ base: Located<T>?, _ field: String, at fallback: SourceLocation? = nil
    ) {
        guard let base else { return }
        guard let overlay else {
            loosened(
                "\(field) is dropped (the base requires at least \(base.value))", at: fallback ?? base.location,
                base: base.location)
            return
        }
        if overlay.value < base.value {
            loosened("\(field) falls from \(base.value) to \(overlay.value)", at: overlay.location, base: base.location)
        }
    }

    /// The overlay's list must be a subset of the base's.
    mutating func subset(
        _ overlay: [Located<String>]?, _ base: [Located<String>]?, _ field: String, at location: SourceLocation,
        baseLocation: SourceLocation
    ) {
        guard let base else { return }
        guard let overlay else {
            loosened(
                "\(field) is dropped (the base allows only \(base.map(\.value).joined(separator: ", ")))", at: location,
                base: baseLocation)
            return
        }
        let allowed = Set(base.map(\.value))
        for item in overlay where !allowed.contains(item.value) {
            loosened(
                "\(field) adds '\(item.value)', which the base does not allow", at: item.location, base: baseLocation)
        }
    }

    /// Each control the overlay states replaces the base's and must be at least as strict.
    mutating func merge(base: Controls, overlay: Controls, context: String) -> Controls {
        var merged = base
        if let dp = overlay.differentialPrivacy {
            if let baseDP = base.differentialPrivacy {
                if baseDP.required?.value == true, dp.required?.value != true {
                    loosened(
                        "\(context): differential_privacy.required is no longer true",
                        at: dp.required?.location ?? dp.location,
                        base: baseDP.required?.location ?? baseDP.location)
                }
                atMost(
                    dp.epsilonMax, baseDP.epsilonMax, "\(context): differential_privacy.epsilon_max", at: dp.location)
                atMost(dp.deltaMax, baseDP.deltaMax, "\(context): differential_privacy.delta_max", at: dp.location)
            }
            merged.differentialPrivacy = dp
        }
        if let k = overlay.kAnonymity {
            atLeast(k.minimum, base.kAnonymity?.minimum, "\(context): k_anonymity.k_min")
            merged.kAnonymity = k
        }
        if let l = overlay.lDiversity {
            atLeast(l.minimum, base.lDiversity?.minimum, "\(context): l_diversity.l_min")
            merged.lDiversity = l
        }
        if let mi = overlay.membershipInference {
            atMost(
                mi.accuracyMax, base.membershipInference?.accuracyMax, "\(context): membership_inference.accuracy_max",
                at: mi.location)
            atMost(
                mi.aucMax, base.membershipInference?.aucMax, "\(context): membership_inference.auc_max", at: mi.location
            )
            merged.membershipInference = mi
        }
        merged.distanceToClosestRecord = thresholds(
            overlay.distanceToClosestRecord, base.distanceToClosestRecord, "\(context): distance_to_closest_record")
        merged.fidelity = thresholds(overlay.fidelity, base.fidelity, "\(context): fidelity")
        merged.fairness = thresholds(overlay.fairness, base.fairness, "\(context): fairness")
        merged.diversity = thresholds(overlay.diversity, base.diversity, "\(context): diversity")
        merged.tstr = ratio(overlay.tstr, base.tstr, "\(context): tstr")
        merged.trts = ratio(overlay.trts, base.trts, "\(context): trts")
        if let generators = overlay.generators {
            if let baseGenerators = base.generators {
                subset(
                    generators.value, baseGenerators.value, "\(context): generators", at: generators.location,
                    baseLocation: baseGenerators.location)
            }
            merged.generators = generators
        }
        if let approvals = overlay.approvals {
            if let baseApprovals = base.approvals { self.approvals(approvals, baseApprovals, context) }
            merged.approvals = approvals
        }
        if let expiry = overlay.expiry {
            if let baseExpiry = base.expiry {
                atMost(expiry.max, baseExpiry.max, "\(context): expiry.max", at: expiry.location)
                atLeast(expiry.warn, baseExpiry.warn, "\(context): expiry.warn", at: expiry.location)
                atMost(
                    expiry.revalidateEvery, baseExpiry.revalidateEvery, "\(context): expiry.revalidate_every",
                    at: expiry.location)
            }
            merged.expiry = expiry
        }
        if let access = overlay.access {
            if let baseAccess = base.access {
                subset(
                    access.audiences, baseAccess.audiences, "\(context): access.audiences", at: access.location,
                    baseLocation: baseAccess.location)
                subset(
                    access.consumers, baseAccess.consumers, "\(context): access.consumers", at: access.location,
                    baseLocation: baseAccess.location)
            }
            merged.access = access
        }
        return merged
    }

    private mutating func thresholds(_ overlay: ThresholdSet?, _ base: ThresholdSet?, _ context: String)
        -> ThresholdSet?
    {
        guard let overlay else { return base }
        for threshold in base?.thresholds ?? [] {
            let mine = overlay.threshold(threshold.key)?.value
            if threshold.isMinimum {
                atLeast(mine, threshold.value, "\(context).\(threshold.key)", at: overlay.location)
            } else {
                atMost(mine, threshold.value, "\(context).\(threshold.key)", at: overlay.location)
            }
        }
        return overlay
    }

    private mutating func ratio(_ overlay: UtilityRatioControl?, _ base: UtilityRatioControl?, _ context: String)
        -> UtilityRatioControl?
    {
        guard let overlay else { return base }
        if let base {
            atLeast(overlay.ratioMin, base.ratioMin, "\(context).ratio_min", at: overlay.location)
            if let metric = base.metric, overlay.metric?.value != metric.value {
                loosened(
                    "\(context).metric changes from \(metric.value.rawValue) to \(overlay.metric?.value.rawValue ?? "the default"); ratios of different metrics do not compare",
                    at: overlay.metric?.location ?? overlay.location, base: metric.location)
            }
        }
        return overlay
    }

    private mutating func approvals(_ overlay: ApprovalControl, _ base: ApprovalControl, _ context: String) {
        let allOf = Set(overlay.allOf.map(\.value))
        for role in base.allOf where !allOf.contains(role.value) {
            loosened("\(context): approvals.all_of drops '\(role.value)'", at: overlay.location, base: role.location)
        }
        guard !base.anyOf.isEmpty else { return }
        let baseAnyOf = Set(base.anyOf.map(\.value))
        // The base's any-of is still met if the overlay's all-of alone covers its quorum, or if the
        // overlay's any-of picks only from the base's roles with at least the base's quorum.
        let coveredByAllOf = allOf.intersection(baseAnyOf).count >= base.effectiveQuorum
        let anyOfSubset = !overlay.anyOf.isEmpty && overlay.anyOf.allSatisfy { baseAnyOf.contains($0.value) }
        let anyOfCovered =
            anyOfSubset && overlay.effectiveQuorum + allOf.intersection(baseAnyOf).count >= base.effectiveQuorum
        if !coveredByAllOf && !anyOfCovered {
            loosened(
                "\(context): approvals no longer guarantee \(base.effectiveQuorum) of \(base.anyOf.map(\.value).joined(separator: ", "))",
                at: overlay.location, base: base.location)
        }
    }
}

extension Rule.Effect {
    /// warn < require < deny.
    var strength: Int {
        switch self {
        case .warn: 0
        case .require: 1
        case .deny: 2
        }
    }

    var name: String {
        switch self {
        case .warn: "warn"
        case .require: "require"
        case .deny: "deny"
        }
    }
}
