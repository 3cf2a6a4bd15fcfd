public import CharterCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension Plan {
    /// The plan as JSON (`grammar/plan.schema.json`). Write it with ``JSONValue/pretty()`` or
    /// ``JSONValue/canonical()``; both sort keys, so the bytes are stable.
    public var json: JSONValue {
        var object = digestedJSON.objectValue ?? [:]
        object["approvals"] = approvals.json
        object["digest"] = .string(digest)
        if let files { object["files"] = ["request": .string(files.request), "policy": .string(files.policy)] }
        return .object(object)
    }

    /// What ``digest`` is computed over: everything but `digest`, `approvals` and `files`.
    var digestedJSON: JSONValue {
        [
            "charter_plan": .integer(Self.formatVersion),
            "request": request.json,
            "policy": policy.json,
            "inputs": inputs.json,
            "stages": .array(stages.map(\.json)),
            "budget": budget.json,
            "warnings": .array(warnings.map(\.json)),
        ]
    }
}

extension RequestSummary {
    var json: JSONValue { ["id": .string(id), "ticket": .optional(ticket), "requester": .string(requester)] }
}

extension PolicySummary {
    var json: JSONValue { ["name": .string(name), "version": .optional(version), "tier": .string(tier)] }
}

extension PlanDigests {
    var json: JSONValue {
        [
            "policy": .string(policy), "request": .string(request), "source": .optional(source),
            "ledger": .string(ledger),
        ]
    }
}

extension PlanWarning {
    var json: JSONValue {
        ["code": .string(code), "severity": .string(severity.rawValue), "message": .string(message)]
    }
}

extension ApprovalStatus {
    var json: JSONValue {
        [
            "state": .string(state.rawValue),
            "needed": .array(
                needed.map {
                    [
                        "roles": .strings($0.roles), "count": .integer($0.count), "source": .string($0.source),
                        "override": .bool($0.isOverride),
                    ]
                }),
            "rejected": .array(
                rejected.map { ["role": .string($0.role), "by": .string($0.by), "reason": .string($0.reason)] }),
        ]
    }
}

extension BudgetForecast {
    var json: JSONValue {
        [
            "source": .string(source), "draws": .bool(draws), "cap_source": .string(capSource),
            "cap_epsilon": .optional(capEpsilon), "cap_delta": .optional(capDelta),
            "spent_epsilon": .optional(spentEpsilon), "spent_delta": .exact(spentDelta),
            "run_epsilon": .optional(runEpsilon), "run_delta": .optional(runDelta),
            "remaining_epsilon": .optional(remainingEpsilon), "remaining_delta": .optional(remainingDelta),
            "fits": .bool(fits),
        ]
    }
}

extension BudgetSplit {
    var json: JSONValue {
        [
            "accountant": .string(accountant), "total": .exact(total),
            "shares": .array(
                shares.map {
                    [
                        "mechanism": .string($0.mechanism), "fraction": .exact($0.fraction),
                        "budget": .optional($0.budget),
                    ]
                }),
        ]
    }
}

extension PlanCheck {
    var json: JSONValue {
        [
            "id": .string(id), "metric": .string(metric), "bound": .string(bound.rawValue),
            "threshold": .exact(threshold), "source": .string(source), "parameters": .object(parameters),
        ]
    }
}

extension PlanStage {
    /// The stage as JSON: `{"stage": kind, …parameters}`.
    var json: JSONValue {
        var object: [String: JSONValue]
        switch self {
        case .verifySource(let s):
            object = [
                "dataset": .string(s.dataset), "path": .string(s.path), "sha256": .optional(s.sha256),
                "rows": s.rows.map { .integer($0) } ?? .null, "classification": .string(s.classification),
                "privacy_unit": .optional(s.privacyUnit), "quasi_identifiers": .strings(s.quasiIdentifiers),
                "sensitive": .strings(s.sensitive), "protected": .strings(s.protected), "target": .optional(s.target),
                "exclude": .strings(s.exclude),
            ]
        case .holdoutSplit(let s):
            object = ["fraction": .exact(s.fraction), "seed": .integer(s.seed), "stratify": .optional(s.stratify)]
        case .generate(let s):
            object = [
                "generator": .string(s.generator), "differentially_private": .bool(s.differentiallyPrivate),
                "epsilon": .optional(s.epsilon), "delta": .optional(s.delta), "seed": .integer(s.seed),
                "rows": .integer(s.rows), "declared_columns": .strings(s.declaredColumns),
                "command": s.command.map { .strings($0) } ?? .null, "calibration": .string(s.calibration),
                "parameters": .object(s.parameters), "budget_split": s.budgetSplit?.json ?? .null,
            ]
            // Only when not 1, so that a plan without them (and its digest) reads back as before.
            if s.draws != 1 { object["draws"] = .integer(s.draws) }
            if s.attempts != 1 { object["attempts"] = .integer(s.attempts) }
            // Only for an external generator, so that every other plan (and its digest) is as before.
            if let tool = s.tool {
                object["tool"] = .array(
                    tool.map { ["role": .string($0.role), "path": .string($0.path), "sha256": .string($0.sha256)] })
            }
        case .privacyGate(let gate), .utilityGate(let gate), .fairnessGate(let gate):
            object = ["checks": .array(gate.checks.map(\.json))]
        case .certify(let s):
            object = [
                "expires_at": .optional(s.expiresAt?.description),
                "warn_days": s.warnDays.map { .integer($0) } ?? .null,
                "revalidate_every_days": s.revalidateEveryDays.map { .integer($0) } ?? .null,
                "purpose": .string(s.purpose), "audience": .string(s.audience), "consumers": .strings(s.consumers),
                "jurisdiction": .optional(s.jurisdiction), "signature": .string(s.signature),
            ]
            if let revalidation = s.revalidation {
                object["revalidation"] = [
                    "drift_threshold": .exact(revalidation.driftThreshold), "enforce": .bool(revalidation.enforce),
                ]
            }
        case .publish(let s):
            object = [
                "directory": .string(s.directory), "synthetic": .string(s.synthetic),
                "certificate": .string(s.certificate), "report_json": .string(s.reportJSON),
                "report_html": .string(s.reportHTML),
            ]
        }
        object["stage"] = .string(kind.rawValue)
        return .object(object)
    }
}

extension JSONValue {
    static func optional(_ text: String?) -> JSONValue { text.map { .string($0) } ?? .null }
    static func optional(_ value: Decimal?) -> JSONValue { value.map { .exact($0) } ?? .null }
    static func exact(_ value: Decimal) -> JSONValue { .decimal(value.jsonText) }
    static func strings(_ values: [String]) -> JSONValue { .array(values.map { .string($0) }) }
}
