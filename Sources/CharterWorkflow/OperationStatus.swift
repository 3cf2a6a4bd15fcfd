/// How an operation ended, as every front end reports it (DESIGN §7): the CLI maps it to an exit
/// code (0, 1, 2, 3), a server to an HTTP status.
public enum OperationStatus: Sendable, Equatable {
    /// Allowed, published, or nothing wrong found.
    case clean
    /// Denied, refused, a gate failed, or errors found.
    case denied
    /// Input that could not be read or used.
    case unreadable
    /// Only approvals are missing.
    case pending
}

/// A failed operation as a front end reports it: one line and how it ended (``OperationStatus``).
/// Key operations and lifecycle commands fail this way, and the CLI prints both through one path.
public protocol OperationFailure: Error {
    /// What went wrong, in one line.
    var message: String { get }
    /// `unreadable` for bad input, `denied` for a refusal.
    var status: OperationStatus { get }
}
