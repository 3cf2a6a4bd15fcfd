public import CharterCore
import CharterRegistry
import Foundation
import Synchronization

/// The budget ledger a long-running front end decides with: one reader, opened on first use and
/// shared by every decision, instead of a registry opened per request.
///
/// The reader (``RegistryReader`` on a file, the PostgreSQL registry opened read-only on a URL)
/// reads each budget in its own transaction, so a shared reader still sees every committed
/// reservation. A registry that does not exist yet is looked for again at each decision until it
/// does (a server's first run creates it); ``refresh()`` drops the reader when the file it opened
/// was replaced or removed, so the next decision opens the file now at the path.
public final class LiveLedger: Sendable {
    /// Where the registry is.
    public let location: RegistryLocation
    private let state: Mutex<Opened?>

    private struct Opened: @unchecked Sendable {
        // INVARIANT: `reader` is Sendable (BudgetReading refines Sendable); the struct is only
        // unchecked because `FileIdentity` holds plain integers the compiler cannot see through
        // Foundation's attribute dictionary.
        let reader: any BudgetReading
        let file: FileIdentity?
    }

    /// The device and inode a file was opened at.
    private struct FileIdentity: Equatable {
        var device: UInt64
        var inode: UInt64

        init?(path: String) {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                let inode = (attributes[.systemFileNumber] as? NSNumber)?.uint64Value,
                let device = (attributes[.systemNumber] as? NSNumber)?.uint64Value
            else { return nil }
            self.device = device
            self.inode = inode
        }
    }

    /// A ledger at `location`, opened when first needed.
    public init(location: RegistryLocation) {
        self.location = location
        state = Mutex(nil)
    }

    /// The ledger to decide with at `instant`: the shared reader, no ledger when the registry was
    /// not named and does not exist, or the diagnostic ``DecisionLedger/open(_:at:)`` gives when it
    /// cannot be opened.
    public func ledger(at instant: Timestamp) -> Result<DecisionLedger, DiagnosticError> {
        state.withLock { opened -> Result<DecisionLedger, DiagnosticError> in
            if let opened {
                return .success(DecisionLedger(store: opened.reader, path: location.shown, instant: instant))
            }
            guard location.isNamed || location.exists else {
                return .success(.none(path: location.path, instant: instant))
            }
            switch Result(catching: { () throws(RegistryError) in try location.openBudgetReader() }) {
            case .success(let reader):
                opened = Opened(reader: reader, file: location.isPostgres ? nil : FileIdentity(path: location.path))
                return .success(DecisionLedger(store: reader, path: location.shown, instant: instant))
            case .failure(let error):
                return .failure(DecisionLedger.failure(error, at: location))
            }
        }
    }

    /// Drops the reader when the registry file it opened is no longer the one at the path
    /// (replaced, or removed), so the next decision opens the file there now.
    /// - Returns: whether the reader was dropped.
    @discardableResult
    public func refresh() -> Bool {
        guard !location.isPostgres else { return false }
        let now = FileIdentity(path: location.path)
        return state.withLock { opened in
            guard let current = opened, current.file != now || now == nil else { return false }
            opened = nil
            return true
        }
    }
}
