public import CharterCore

extension Decision {
    /// The decision as diagnostics, for the shared renderers: each violation an error at the
    /// request node with the policy node related (SARIF: request primary, policy related), each
    /// warning a warning, each missing approval an error (a note when only approvals are missing
    /// would hide it in CI), each ignored approval a warning, and the notes as notes.
    public var diagnostics: [Diagnostic] {
        var result: [Diagnostic] = []
        for violation in violations {
            result.append(
                .error(
                    violation.code, "[\(violation.id)] \(violation.message)", at: violation.requestLocation,
                    related: violation.policyLocation.map {
                        [.init($0, "\(violation.enforcement.rawValue) in the policy")]
                    } ?? [],
                    help: violation.remedy))
        }
        for warning in warnings {
            result.append(
                .warning(
                    warning.code, "[\(warning.id)] \(warning.message)", at: warning.requestLocation,
                    related: warning.policyLocation.map { [.init($0, "advisory in the policy")] } ?? []))
        }
        for approval in missingApprovals {
            let roles = approval.roles.joined(separator: ", ")
            let diagnostic = Diagnostic(
                outcome == .pending ? .warning : .error, .decisionMissingApproval,
                "missing approval\(approval.count == 1 ? "" : "s") from \(roles) (\(approval.source))",
                at: approvalsLocation, related: [.init(approval.policyLocation, "required here")],
                help: approval.remedy)
            result.append(diagnostic)
        }
        for verdict in approvals {
            guard let rejection = verdict.rejection else { continue }
            result.append(
                .warning(
                    .decisionIgnoredApproval,
                    "approval by '\(verdict.approval.by.value)' as \(verdict.approval.role.value) does not count: \(verdict.reason ?? rejection.rawValue)",
                    at: verdict.approval.location))
        }
        for override in overrides {
            result.append(
                Diagnostic(
                    .note, .decisionOverride, "rule '\(override.rule)' overridden by '\(override.by)'",
                    at: approvalsLocation))
        }
        for note in notes {
            let code: DiagnosticCode =
                note.hasPrefix("budget not checked")
                ? .decisionBudgetUnchecked
                : note.hasPrefix("budget of source") ? .decisionBudgetChecked : .decisionIgnoredApproval
            result.append(Diagnostic(.note, code, note, at: requestLocation))
        }
        return result.sorted()
    }

    /// The decision as deterministic JSON (sorted keys, exact numbers).
    public var json: JSONValue {
        func location(_ value: SourceLocation?) -> JSONValue {
            guard let value else { return .null }
            return ["file": .string(value.file), "line": .integer(value.line), "column": .integer(value.column)]
        }
        func violation(_ value: Violation) -> JSONValue {
            [
                "id": .string(value.id), "enforcement": .string(value.enforcement.rawValue),
                "code": .string(value.code.id),
                "message": .string(value.message), "request_location": location(value.requestLocation),
                "policy_location": location(value.policyLocation),
                "remedy": value.remedy.map(JSONValue.string) ?? .null,
            ]
        }
        return [
            "request": .string(requestID),
            "policy": .string(policy),
            "decision": .string(outcome.rawValue),
            "tier": tier.map { .string($0.value) } ?? .null,
            "violations": .array(violations.map(violation)),
            "warnings": .array(warnings.map(violation)),
            "missing_approvals": .array(
                missingApprovals.map {
                    [
                        "roles": .array($0.roles.map(JSONValue.string)), "count": .integer($0.count),
                        "source": .string($0.source), "policy_location": location($0.policyLocation),
                        "remedy": .string($0.remedy),
                    ]
                }),
            "approvals": .array(
                approvals.map {
                    [
                        "role": .string($0.approval.role.value), "by": .string($0.approval.by.value),
                        "counts": .bool($0.rejection == nil),
                        "reason": $0.reason.map { .string($0) } ?? .null,
                    ]
                }),
            "overrides": .array(overrides.map { ["rule": .string($0.rule), "by": .string($0.by)] }),
            "notes": .array(notes.map(JSONValue.string)),
            "trace": .array(
                trace.map { condition in
                    [
                        "subject": .string(condition.subject), "condition": .string(condition.condition),
                        "location": location(condition.location), "held": condition.held.map(JSONValue.bool) ?? .null,
                        "steps": .array(
                            condition.steps.map {
                                [
                                    "expression": .string($0.expression), "location": location($0.location),
                                    "value": $0.value?.json ?? .null, "error": $0.error.map(JSONValue.string) ?? .null,
                                    "depth": .integer($0.depth),
                                ]
                            }),
                    ]
                }),
        ]
    }
}
