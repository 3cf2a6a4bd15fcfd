/// Why a JSON document is not a plan: the path of the offending member and what is wrong with it.
public struct PlanDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The member's path (`stages[2].epsilon`); empty for the document itself.
    public var path: String
    /// What is wrong, lowercase, one line.
    public var message: String

    /// Creates an error.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}
