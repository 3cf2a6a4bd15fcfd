public import CharterCore
import CharterEngine
public import CharterPlan

extension ExecutionOutcome {
    /// The outcome as one JSON object, as `apply --format json` and `run --format json` print it and
    /// a server returns it: `outcome` is `published`, `gate-failed` or `error`.
    public func json(plan: Plan?) -> JSONValue {
        switch self {
        case .published(let run, let verification):
            return [
                "outcome": "published",
                "request_id": .string(plan?.request.id ?? run.certificate.request.id),
                "plan_digest": plan.map { .string($0.digest) } ?? .null, "certificate_id": .string(run.certificate.id),
                "files": [
                    "synthetic": .string(run.syntheticPath), "certificate": .string(run.certificatePath),
                    "report_json": .string(run.reportJSONPath), "report_html": .string(run.reportHTMLPath),
                ],
                "gates": .array(run.certificate.gates.map(\.json)),
                "verified": .bool(verification.isValid),
                "verification_findings": .array(
                    verification.findings.map { .string("\($0.kind.rawValue): \($0.message)") }),
                "notes": .array(run.notes.map(JSONValue.string)),
            ]
        case .gateFailed(let run):
            return [
                "outcome": "gate-failed", "request_id": plan.map { .string($0.request.id) } ?? .null,
                "plan_digest": plan.map { .string($0.digest) } ?? .null,
                "failed": .array(run.failed.map(\.json)), "gates": .array(run.report.gates.map(\.json)),
                "notes": .array(run.notes.map(JSONValue.string)),
            ]
        case .failed(let error):
            return [
                "outcome": "error", "stage": .string(error.stage), "error": .string(error.message),
                "plan_digest": plan.map { .string($0.digest) } ?? .null,
                "notes": .array(error.notes.map(JSONValue.string)),
            ]
        }
    }
}
