import CharterCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The checks that look at how a loaded policy's parts fit together: roles that exist and are
/// used, names that are unique, tiers that can be reached, controls that agree with each other,
/// conditions that type-check. Each check keeps its messages here, beside it.
struct PolicyChecks {
    let policy: Policy
    private(set) var diagnostics: [Diagnostic] = []

    init(policy: Policy) {
        self.policy = policy
    }

    static func run(on policy: Policy) -> [Diagnostic] {
        var checks = PolicyChecks(policy: policy)
        checks.version()
        checks.roles()
        checks.uniqueNames()
        checks.conditions()
        checks.tierReachability()
        for tier in policy.tiers { checks.controls(tier.controls, in: "tier '\(tier.name.value)'") }
        checks.rules()
        return checks.diagnostics
    }

    private mutating func version() {
        guard let version = policy.version else { return }
        let parts = version.value.split(separator: ".", omittingEmptySubsequences: false)
        let isSemantic =
            parts.count == 3
            && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
        if !isSemantic {
            diagnostics.append(
                .warning(
                    .policyVersionFormat, "version '\(version.value)' is not MAJOR.MINOR.PATCH", at: version.location,
                    help: "certificates record the policy version; 1.2.0 says which change they were issued under"))
        }
    }

    /// Every role referenced anywhere, with where.
    private var roleReferences: [Located<String>] {
        var references: [Located<String>] = []
        func add(_ controls: Controls?) {
            guard let approvals = controls?.approvals else { return }
            references += approvals.allOf + approvals.anyOf
        }
        for tier in policy.tiers { add(tier.controls) }
        for rule in policy.rules {
            if let overrideBy = rule.overrideBy { references.append(overrideBy) }
            if case .require(let approvals, let controls) = rule.effect {
                references += approvals
                add(controls)
            }
        }
        let conditions = policy.tiers.map(\.when) + policy.rules.map(\.when)
        for condition in conditions {
            condition.expression?.visit { node in
                if case .call("has_approval", let arguments) = node.kind, arguments.count == 1,
                    case .literal(.string(let role)) = arguments[0].kind
                {
                    references.append(Located(role, at: arguments[0].location))
                }
            }
        }
        return references
    }

    /// Role members are well-formed identities, and groups among them resolve through a directory.
    private mutating func identities() {
        var hasGroup: SourceLocation?
        for role in policy.roles {
            for member in role.members {
                do {
                    if try Identity(member.value).isGroup { hasGroup = hasGroup ?? member.location }
                } catch {
                    diagnostics.append(
                        .error(
                            .policyInvalidIdentity, "role '\(role.name.value)' member '\(member.value)' \(error.message)",
                            at: member.location))
                }
            }
        }
        if let hasGroup, policy.identities?.directory == nil {
            diagnostics.append(
                .warning(
                    .policyUnresolvedGroup,
                    "a role has a group member but the policy names no directory, so nobody approves through it",
                    at: hasGroup, help: "name a directory file in `identities: { directory: FILE }`"))
        }
    }

    private mutating func roles() {
        let defined = policy.roles.map(\.name.value)
        let references = roleReferences
        for role in policy.roles where role.members.isEmpty {
            diagnostics.append(
                .error(
                    .policyEmptyRole, "role '\(role.name.value)' has no members, so nobody can approve in it",
                    at: role.name.location, help: "list the user ids or group:names who approve as \(role.name.value)"))
        }
        identities()
        for role in policy.roles where !references.contains(where: { $0.value == role.name.value }) {
            diagnostics.append(
                .warning(
                    .policyUnusedRole, "role '\(role.name.value)' is defined but no approval, rule or override uses it",
                    at: role.name.location))
        }
        // has_approval arguments are checked with the conditions, which report them once.
        let conditionRoles = Set(
            (policy.tiers.map(\.when) + policy.rules.map(\.when)).flatMap { condition -> [SourceLocation] in
                var locations: [SourceLocation] = []
                condition.expression?.visit { node in
                    if case .call("has_approval", let arguments) = node.kind, let first = arguments.first {
                        locations.append(first.location)
                    }
                }
                return locations
            })
        for reference in references
        where !defined.contains(reference.value) && !conditionRoles.contains(reference.location) {
            let suggestion = Suggestion.closest(to: reference.value, among: defined)
            diagnostics.append(
                .error(
                    .policyUndefinedRole, "undefined role '\(reference.value)'", at: reference.location,
                    help: suggestion.map { "did you mean '\($0)'?" } ?? "define it under `roles`"))
        }
    }

    private mutating func uniqueNames() {
        var tiers: [String: SourceLocation] = [:]
        for tier in policy.tiers {
            if let first = tiers[tier.name.value] {
                diagnostics.append(
                    .error(
                        .policyDuplicateTier, "tier '\(tier.name.value)' is defined twice", at: tier.name.location,
                        related: [.init(first, "first defined here")]))
            } else {
                tiers[tier.name.value] = tier.name.location
            }
        }
        var rules: [String: SourceLocation] = [:]
        for rule in policy.rules {
            if let first = rules[rule.id.value] {
                diagnostics.append(
                    .error(
                        .policyDuplicateRule, "rule id '\(rule.id.value)' is used twice", at: rule.id.location,
                        related: [.init(first, "first used here")],
                        help: "rule ids name violations in decisions and certificates; each must be unique"))
            } else {
                rules[rule.id.value] = rule.id.location
            }
        }
    }

    private mutating func conditions() {
        let checker = ExpressionTypeChecker(schema: policy.requestSchema)
        for condition in policy.tiers.map(\.when) + policy.rules.map(\.when) {
            guard let expression = condition.expression else { continue }
            diagnostics += checker.check(expression)
        }
        for rule in policy.rules where rule.when.isAlwaysFalse {
            diagnostics.append(
                .warning(
                    .policyConstantCondition, "rule '\(rule.id.value)' has the condition `false` and never applies",
                    at: rule.when.location, help: "delete the rule, or write the condition it should check"))
        }
    }

    private mutating func tierReachability() {
        guard !policy.tiers.isEmpty else { return }
        var catchAll: Tier?
        for tier in policy.tiers {
            if let catchAll {
                diagnostics.append(
                    .error(
                        .policyUnreachableTier,
                        "tier '\(tier.name.value)' can never apply: tier '\(catchAll.name.value)' before it always does",
                        at: tier.name.location, related: [.init(catchAll.when.location, "this condition always holds")],
                        help: "tiers apply first match first; move the catch-all tier last"))
                continue
            }
            if tier.when.isAlwaysFalse {
                diagnostics.append(
                    .warning(
                        .policyConstantCondition,
                        "tier '\(tier.name.value)' has the condition `false` and never applies",
                        at: tier.when.location))
            }
            if tier.when.isAlwaysTrue { catchAll = tier }
        }
        if catchAll == nil, policy.extends == nil, let last = policy.tiers.last {
            diagnostics.append(
                .warning(
                    .policyNoDefaultTier, "no tier has `when: true`, so requests that match no tier are denied",
                    at: last.name.location,
                    help:
                        "end with a catch-all tier (`when: true`) if unmatched requests should be allowed under controls"
                ))
        }
    }

    private mutating func controls(_ controls: Controls, in context: String) {
        if let dp = controls.differentialPrivacy, dp.required?.value == true {
            if dp.epsilonMax == nil && !dp.epsilonMaxWritten {
                diagnostics.append(
                    .error(
                        .policyDPWithoutEpsilonCap, "\(context) requires differential privacy but sets no epsilon_max",
                        at: dp.location, help: "without a cap any ε passes; add epsilon_max (1.0 for high risk)"))
            }
            if let generators = controls.generators {
                for generator in generators.value
                where !RequestSchema.differentiallyPrivateGenerators.contains(generator.value) {
                    diagnostics.append(
                        .error(
                            .policyDPGeneratorMismatch,
                            "\(context) requires differential privacy but allows '\(generator.value)', which does not provide it",
                            at: generator.location, related: [.init(dp.location, "differential privacy required here")],
                            notes: [
                                "DP generators: "
                                    + RequestSchema.differentiallyPrivateGenerators.sorted().joined(separator: ", ")
                            ]))
                }
            }
        }
        if let expiry = controls.expiry, let max = expiry.max, let warn = expiry.warn, warn.value >= max.value {
            diagnostics.append(
                .warning(
                    .policyExpiryWindow,
                    "\(context) warns \(warn.value) before expiry, but certificates last only \(max.value)",
                    at: warn.location, related: [.init(max.location, "validity set here")],
                    help: "the warning window should be shorter than the validity"))
        }
        if let cap = controls.differentialPrivacy?.epsilonMax, let budget = policy.budgets?.perSourceEpsilon,
            cap.value > budget.value
        {
            diagnostics.append(
                .warning(
                    .policyCapExceedsBudget,
                    "\(context) allows ε up to \(cap.value) per run, more than the lifetime budget \(budget.value) per source",
                    at: cap.location, related: [.init(budget.location, "lifetime budget set here")]))
        }
    }

    private mutating func rules() {
        for rule in policy.rules {
            switch rule.enforcement.value {
            case .softMandatory where rule.overrideBy == nil:
                diagnostics.append(
                    .error(
                        .policySoftMandatoryWithoutOverride,
                        "soft-mandatory rule '\(rule.id.value)' names no role that may override it",
                        at: rule.enforcement.location,
                        help: "add `override_by: <role>`, or make the rule hard-mandatory"))
            case .advisory, .hardMandatory:
                if let overrideBy = rule.overrideBy {
                    diagnostics.append(
                        .warning(
                            .policyIneffectiveOverride,
                            "override_by has no effect on a \(rule.enforcement.value.rawValue) rule",
                            at: overrideBy.location, help: "only soft-mandatory rules can be overridden"))
                }
            default: break
            }
            if case .require(_, let controls?) = rule.effect {
                self.controls(controls, in: "rule '\(rule.id.value)'")
            }
            if case .warn = rule.effect, rule.enforcement.value != .advisory {
                diagnostics.append(
                    .warning(
                        .policyRuleEffect,
                        "rule '\(rule.id.value)' only warns, so its \(rule.enforcement.value.rawValue) enforcement has no effect",
                        at: rule.enforcement.location, help: "warnings are advisory; use deny or require to enforce"))
            }
        }
    }
}

extension ConditionExpression {
    /// Calls `body` on this node and every node below it, parents first.
    func visit(_ body: (ConditionExpression) -> Void) {
        var stack = [self]
        while let node = stack.popLast() {
            body(node)
            switch node.kind {
            case .literal, .field: break
            case .not(let operand): stack.append(operand)
            case .logical(_, let lhs, let rhs), .comparison(_, let lhs, let rhs), .membership(_, let lhs, let rhs):
                stack.append(rhs)
                stack.append(lhs)
            case .list(let items), .call(_, let items): stack += items.reversed()
            }
        }
    }
}
