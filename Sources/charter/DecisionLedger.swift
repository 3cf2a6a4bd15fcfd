import CharterCore
import CharterPolicy
import CharterRegistry
import CharterWorkflow
import Foundation

/// The privacy-budget ledger `check` and `explain` consult: the registry at `--registry`, else
/// `$CHARTER_REGISTRY`, else the default path. No registry at the default path means no ledger
/// (each decision then says the budget was not checked); no registry where `--registry` or
/// `CHARTER_REGISTRY` points is an error, never a silent "not checked".
struct DecisionLedger {
    /// The registry, opened read-only (`check` and `explain` never write to it), or `nil` when there
    /// is none at the default path.
    let store: RegistryReader?
    /// The registry path as resolved.
    let path: String
    /// The instant budgets are read at (live reservations count until their lease ends).
    let instant: Timestamp

    /// Opens the ledger, or fails with the diagnostic to report.
    static func open(explicit: String?, environment: [String: String], instant: Timestamp) -> Result<
        DecisionLedger, DiagnosticError
    > {
        let path = SQLiteRegistry.resolvePath(explicit: explicit, environment: environment)
        let named = (explicit?.isEmpty == false) || (environment["CHARTER_REGISTRY"]?.isEmpty == false)
        guard named || FileManager.default.fileExists(atPath: path) else {
            return .success(DecisionLedger(store: nil, path: path, instant: instant))
        }
        do {
            return .success(DecisionLedger(store: try RegistryReader(path: path), path: path, instant: instant))
        } catch {
            return .failure(
                DiagnosticError(
                    .error(
                        error.isUsageError ? .registryError : .unreadableInput, error.description, at: .file(path),
                        help: named ? "the budget ledger is the registry --registry or CHARTER_REGISTRY names" : nil)))
        }
    }

    /// What the ledger says about the request's source, with the spend before and after the
    /// request's run composed as the ledger composes (``RunBudgetProjection``) against the ledger's
    /// cap, tightened to `policy`'s where that is lower; `nil` when there is no ledger.
    func budget(for request: GenerationRequest, policy: Policy) throws(RegistryError) -> SourceBudget? {
        guard let store else { return nil }
        let source = request.source.dataset.value
        let statement: BudgetStatement?
        do {
            statement = try store.budget(for: source, at: instant)
        } catch .unknownSource {
            statement = nil
        }
        return RunBudgetProjection.sourceBudget(
            ledger: path, source: source, statement: statement, policy: policy, request: request)
    }
}
