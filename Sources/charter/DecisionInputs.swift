import ArgumentParser
import CharterCore
import CharterPolicy
import CharterRegistry
import CharterWorkflow
import Foundation

/// What `check` and `explain` share: the policy set, the evaluation date, the plan digest, and
/// reading requests.
struct DecisionOptions: ParsableArguments {
    @Option(name: .long, help: "The policy directory or file.")
    var policy: String = "policies"

    @Option(name: .long, help: "The evaluation date, YYYY-MM-DD (default: today, UTC).")
    var now: String?

    @Option(name: .customLong("plan-digest"), help: "The plan digest approvals must be bound to (sha256:…).")
    var planDigest: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The registry whose ledger holds the sources' budgets (default: $CHARTER_REGISTRY, else .charter/registry.sqlite when it exists).",
            valueName: "path"))
    var registry: String?

    /// The evaluation date: `--now`, or today in UTC.
    func date() throws -> CalendarDate {
        if let now {
            guard let date = CalendarDate(iso: now) else {
                throw ValidationError("--now must be a date written YYYY-MM-DD")
            }
            return date
        }
        let days = Int((Date().timeIntervalSince1970 / 86_400).rounded(.down))
        guard let today = CalendarDate(daysSinceEpoch: days) else { throw ValidationError("cannot tell today's date") }
        return today
    }
}

extension DecisionOptions {
    /// The budget ledger, read at the start of `--now` (UTC) or at the system clock's now; on
    /// failure the diagnostic is reported in the chosen format and the command exits 2.
    func ledger(now: CalendarDate, output: OutputOptions, command: String) throws -> DecisionLedger {
        let instant =
            self.now == nil
            ? Timestamp(millisecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
            : Timestamp(millisecondsSinceEpoch: Int64(now.daysSinceEpoch) * 86_400_000)
        switch DecisionLedger.open(
            explicit: registry, environment: ProcessInfo.processInfo.environment, instant: instant)
        {
        case .success(let ledger): return ledger
        case .failure(let error):
            try output.emit(
                DiagnosticReport(tool: .charter, command: command, files: [], diagnostics: [error.diagnostic]))
            throw ExitStatus.usageError.exitCode
        }
    }
}

/// One request file read and decided.
struct DecidedRequest {
    var file: String
    var decisions: [Decision] = []
    var diagnostics: [Diagnostic] = []
    var unreadable = false
}

extension DecisionOptions {
    /// Reads `file` and decides every request in it.
    func decide(
        file: String, policy: Policy, now: CalendarDate, tracing: Bool, ledger: DecisionLedger,
        sources: inout [String: String]
    ) -> DecidedRequest {
        var result = DecidedRequest(file: file)
        switch FileSystemInputStore().read(file) {
        case .failure(let error):
            result.diagnostics = [error.diagnostic]
            result.unreadable = true
        case .success(let bytes):
            sources[file] = String(decoding: bytes, as: UTF8.self)
            let loaded = RequestLoader().load(file: file, bytes: bytes)
            result.diagnostics = loaded.diagnostics
            if loaded.diagnostics.contains(where: { $0.severity == .error }) || loaded.requests.isEmpty {
                result.unreadable = true
                return result
            }
            let evaluator = DecisionEvaluator(policy: policy)
            for request in loaded.requests {
                let budget: SourceBudget?
                do {
                    budget = try ledger.budget(for: request, policy: policy)
                } catch {
                    result.diagnostics.append(
                        .error(
                            error.isUsageError ? .registryError : .unreadableInput,
                            "cannot read the budget of source '\(request.source.dataset.value)': \(error.description)",
                            at: request.source.dataset.location))
                    result.unreadable = true
                    continue
                }
                result.decisions.append(
                    evaluator.decide(request, now: now, planDigest: planDigest, tracing: tracing, budget: budget))
            }
        }
        return result
    }
}

/// The exit status for a set of decided requests: 2 unreadable, 1 deny, 3 pending, 0 allow.
func exitStatus(_ results: [DecidedRequest]) -> ExitStatus {
    if results.contains(where: \.unreadable) { return .usageError }
    let outcomes = results.flatMap(\.decisions).map(\.outcome)
    if outcomes.contains(.deny) { return .denied }
    if outcomes.contains(.pending) { return .pending }
    return .clean
}

/// Decisions as the JSON document `check --format json` prints.
func decisionsJSON(_ results: [DecidedRequest]) -> JSONValue {
    .object([
        "decisions": .array(
            results.flatMap { result in
                result.decisions.map { decision in
                    var object = decision.json.objectValue ?? [:]
                    object["file"] = .string(result.file)
                    return .object(object)
                }
            }),
        "errors": .array(
            results.flatMap(\.diagnostics).filter { $0.severity == .error }.map {
                .object([
                    "code": .string($0.code.id), "message": .string($0.message),
                    "location": .string($0.location?.description ?? ""),
                ])
            }),
    ])
}
