import CharterCore
import HTTPTypes
import Hummingbird

/// What a request body may be, and the bytes once read within the server's limit.
enum BodyKind: Sendable {
    /// A YAML or JSON document (JSON is read as YAML's flow style, by the same loader and limits).
    case manifest
    /// A JSON object.
    case json
    /// Anything: a certificate is verified byte for byte.
    case bytes
}

/// Reading request bodies, headers and query parameters the same way for every route.
struct RequestInput: Sendable {
    /// The most bytes a body may have.
    var maximumBodyBytes: Int

    /// The body's bytes, after its content type is checked against `kind`.
    /// - Throws: ``APIError`` 415 for a content type `kind` does not take, 413 past the limit,
    ///   400 for an empty body or bytes that are not UTF-8 where text is expected.
    func body(of request: Request, as kind: BodyKind) async throws -> [UInt8] {
        let type = request.headers[.contentType].map(Self.mediaType) ?? ""
        switch kind {
        case .manifest:
            guard Self.manifestTypes.contains(type) else {
                throw APIError(
                    status: .unsupportedMediaType,
                    message: "send the manifest as application/yaml or application/json, not '\(type.isEmpty ? "none" : type)'")
            }
        case .json:
            guard type == "application/json" else {
                throw APIError(
                    status: .unsupportedMediaType,
                    message: "send a JSON object as application/json, not '\(type.isEmpty ? "none" : type)'")
            }
        case .bytes: break
        }
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > maximumBodyBytes {
            throw tooLarge
        }
        var bytes: [UInt8] = []
        for try await chunk in request.body {
            guard bytes.count + chunk.readableBytes <= maximumBodyBytes else { throw tooLarge }
            bytes += chunk.readableBytesView
        }
        guard !bytes.isEmpty else { throw APIError.badRequest("the request body is empty") }
        if kind != .bytes, String(validating: bytes, as: UTF8.self) == nil {
            throw APIError.badRequest("the request body is not UTF-8 text")
        }
        return bytes
    }

    /// A JSON object body, parsed.
    func object(of request: Request) async throws -> [String: JSONValue] {
        let bytes = try await body(of: request, as: .json)
        let value: JSONValue
        do {
            value = try JSONParser().parse(String(decoding: bytes, as: UTF8.self))
        } catch {
            throw APIError.badRequest("the body is not JSON: \(error.description)")
        }
        guard let object = value.objectValue else { throw APIError.badRequest("the body must be a JSON object") }
        return object
    }

    private var tooLarge: APIError {
        APIError(status: .contentTooLarge, message: "the request body is larger than \(maximumBodyBytes) bytes")
    }

    /// The media types a manifest may be sent as.
    static let manifestTypes: Set<String> = [
        "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "application/json",
    ]

    /// A Content-Type's media type, lower-cased, without parameters.
    static func mediaType(_ header: String) -> String {
        // The common case, a plain lower-case ASCII type with no parameters, is returned as it is.
        if header.utf8.allSatisfy({ byte in byte > 0x20 && byte < 0x7F && byte != 0x3B && !(0x41...0x5A).contains(byte) })
        {
            return header
        }
        let type = header.split(separator: ";", maxSplits: 1).first ?? ""
        return String(type.filter { !$0.isWhitespace }).lowercased()
    }

    /// A path parameter that names a registry object or a run: letters, digits, `.`, `_`, `-` and
    /// `:`, 1 to 128 of them, and never `.` or `..` — nothing that could walk a path.
    static func identifier(_ value: String?, _ what: String) throws(APIError) -> String {
        guard let value, !value.isEmpty, value.utf8.count <= 128, value != ".", value != "..",
            value.utf8.allSatisfy({ byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x2E || byte == 0x5F || byte == 0x2D || byte == 0x3A || byte == 0x40
            })
        else {
            throw APIError.badRequest("\(what) must be 1 to 128 letters, digits, '.', '_', '-', ':' or '@'")
        }
        return value
    }
}
