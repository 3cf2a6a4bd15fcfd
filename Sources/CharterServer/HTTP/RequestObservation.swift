import CharterCore
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// Every request's envelope: a request id (the caller's `X-Request-Id` when it is a plain token,
/// else a new one) echoed in the answer, errors turned into the JSON error object with the right
/// status (never a 500 for anything a caller sent), an access log line, and the metrics.
///
/// The log line names the method, the route pattern, the status, the time taken and the id; never
/// a header, so no token is ever logged.
struct RequestObservation<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let started = ContinuousClock.now
        let id = Self.requestID(request.headers[Reply.requestIDHeader])
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as APIError {
            response = Self.answer(error, requestID: id)
        } catch let error as any HTTPResponseError {
            let status = error.status
            let message =
                status == .notFound
                ? "no such route: \(request.method.rawValue) \(request.uri.path)"
                : status == .methodNotAllowed ? "\(request.method.rawValue) is not allowed on \(request.uri.path)" : "\(status.reasonPhrase.lowercased())"
            response = Self.answer(APIError(status: status, message: message), requestID: id)
        } catch {
            context.logger.error("unexpected failure", metadata: ["request_id": "\(id)", "error": "\(error)"])
            response = Self.answer(
                APIError(status: .internalServerError, message: "the server failed; the log has request \(id)"),
                requestID: id)
        }
        response.headers[Reply.requestIDHeader] = id
        let elapsed = ContinuousClock.now - started
        let route = context.endpointPath ?? "unmatched"
        metrics.request(
            method: Self.metricMethod(request.method.rawValue), route: route, status: response.status.code,
            duration: elapsed)
        context.logger.info(
            "request",
            metadata: [
                "request_id": "\(id)", "method": "\(request.method.rawValue)", "route": "\(route)",
                "status": "\(response.status.code)",
                "ms": "\(Double(elapsed.components.attoseconds / 1_000_000_000_000) / 1000 + Double(elapsed.components.seconds) * 1000)",
            ])
        return response
    }

    /// The methods metrics are labelled with as they are; any other (a caller may send any token) is
    /// `other`, so callers cannot make the server keep one series per method they invent.
    static func metricMethod(_ method: String) -> String {
        switch method {
        case "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS": method
        default: "other"
        }
    }

    /// The caller's request id when it is 1 to 64 letters, digits, `.`, `_` or `-`; else a new one.
    static func requestID(_ given: String?) -> String {
        if let given, !given.isEmpty, given.utf8.count <= 64,
            given.utf8.allSatisfy({ byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x2E || byte == 0x5F || byte == 0x2D
            })
        {
            return given
        }
        return newRequestID()
    }

    /// A new request id, unique within this process and across restarts: 16 hex digits drawn
    /// from the system's generator when the process starts, `-`, and a 16-digit counter. Request
    /// ids identify log lines; they are not secrets, so a request need not pay for randomness
    /// (Foundation's `UUID()` opens `/dev/urandom` on every call on Linux).
    static func newRequestID() -> String {
        let number = RequestCounter.next.add(1, ordering: .relaxed).oldValue
        return RequestCounter.prefix + "-" + RequestCounter.hex(number)
    }

    static func answer(_ error: APIError, requestID: String) -> Response {
        var response = Reply.json(error.body ?? error.json(requestID: requestID), status: error.status)
        for (name, value) in error.headers {
            if let field = HTTPField.Name(name) { response.headers[field] = value }
        }
        return response
    }
}

/// Where ``RequestObservation/newRequestID()`` draws from.
enum RequestCounter {
    static let next = Atomic<UInt64>(0)
    static let prefix: String = {
        var generator = SystemRandomNumberGenerator()
        return hex(generator.next())
    }()

    /// `value` as 16 lower-case hex digits.
    static func hex(_ value: UInt64) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8](repeating: 0x30, count: 16)
        for index in 0..<16 { text[15 - index] = digits[Int((value >> (4 * UInt64(index))) & 0xF)] }
        return String(decoding: text, as: UTF8.self)
    }
}

/// Building answers.
enum Reply {
    /// `X-Request-Id`.
    static let requestIDHeader: HTTPField.Name = {
        guard let name = HTTPField.Name("X-Request-Id") else { preconditionFailure("X-Request-Id is a valid field name") }
        return name
    }()

    /// This program, as reports name it.
    static let tool = DiagnosticReport.Tool(
        name: "charter", version: "0.1.0", informationURI: "https://github.com/charter-governance/charter")

    /// `value` as pretty, sorted-key JSON (the CLI's `--format json`).
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        let rendered = (try? value.pretty()) ?? "{}\n"
        return text(rendered, type: "application/json", status: status)
    }

    /// `body` with a content type.
    static func text(_ body: String, type: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: type], body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
