import CharterCore
import HTTPTypes
import Hummingbird

/// An answer other than success: an HTTP status, a one-line message in Cedar's style, and the
/// diagnostics behind it when the input had located problems.
struct APIError: Error, Sendable {
    var status: HTTPResponse.Status
    var message: String
    var diagnostics: [Diagnostic] = []
    /// Extra headers (`WWW-Authenticate`, `Retry-After`).
    var headers: [(String, String)] = []
    /// A JSON body to answer with instead of the error object (a decision that denied a plan).
    var body: JSONValue?
    /// Facts the audit chain records beside the refusal (``ChangeAudit``), such as the approvals a
    /// pending plan awaits (``PendingApproval/refusalDetails(for:)``); never a secret.
    var auditDetails: [String: JSONValue] = [:]

    static func badRequest(_ message: String, diagnostics: [Diagnostic] = []) -> APIError {
        APIError(status: .badRequest, message: message, diagnostics: diagnostics)
    }

    static func unprocessable(_ message: String, diagnostics: [Diagnostic] = []) -> APIError {
        APIError(status: .unprocessableContent, message: message, diagnostics: diagnostics)
    }

    static func unauthorized(_ message: String, invalidToken: Bool = false) -> APIError {
        APIError(
            status: .unauthorized, message: message,
            headers: [("WWW-Authenticate", invalidToken ? "Bearer realm=\"charter\", error=\"invalid_token\"" : "Bearer realm=\"charter\"")])
    }

    static func forbidden(_ message: String) -> APIError {
        APIError(status: .forbidden, message: message)
    }

    static func notFound(_ message: String) -> APIError {
        APIError(status: .notFound, message: message)
    }

    /// The error object every failure answers with.
    func json(requestID: String) -> JSONValue {
        [
            "error": [
                "status": .integer(status.code), "message": .string(message), "request_id": .string(requestID),
                "diagnostics": .array(diagnostics.map { JSONDiagnosticRenderer.value($0) }),
            ]
        ]
    }
}
