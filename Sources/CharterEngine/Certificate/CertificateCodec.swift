public import CharterCore

#if canImport(FoundationEssentials)
    internal import FoundationEssentials
#else
    internal import Foundation
#endif

/// Certificates to and from JSON: the bytes that are signed, and the text of the file.
public enum CertificateCodec {
    /// Why a certificate cannot be written or read.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// The certificate as a JSON value (keys as the schema names them).
    public static func json(_ certificate: Certificate) throws(Failure) -> JSONValue {
        let data: Data
        do {
            data = try JSONEncoder().encode(certificate)
        } catch {
            throw Failure(message: "cannot encode the certificate: \(error)")
        }
        do {
            return try JSONParser().parse(String(decoding: data, as: UTF8.self))
        } catch {
            throw Failure(message: "cannot encode the certificate: \(error)")
        }
    }

    /// The canonical JSON (RFC 8785) of every member but `signature`: the bytes Ed25519 signs.
    public static func signingPayload(_ certificate: Certificate) throws(Failure) -> [UInt8] {
        var unsigned = certificate
        unsigned.signature = nil
        return try canonicalBytes(json(unsigned))
    }

    /// The signing payload of a certificate read as JSON: its canonical form without `signature`.
    public static func signingPayload(of value: JSONValue) throws(Failure) -> [UInt8] {
        guard var members = value.objectValue else { throw Failure(message: "a certificate is a JSON object") }
        members["signature"] = nil
        return try canonicalBytes(.object(members))
    }

    /// The file's text: the certificate's JSON, indented, keys sorted, with a final newline.
    public static func fileText(_ certificate: Certificate) throws(Failure) -> String {
        do {
            return try json(certificate).pretty()
        } catch let error as Failure {
            throw error
        } catch {
            throw Failure(message: "cannot write the certificate: \(error)")
        }
    }

    /// Reads a certificate from a file's text.
    public static func decode(_ text: String) throws(Failure) -> Certificate {
        let value: JSONValue
        do {
            value = try JSONParser().parse(text)
        } catch {
            throw Failure(message: "not JSON: \(error)")
        }
        return try decode(value)
    }

    /// Reads a certificate from its JSON value.
    public static func decode(_ value: JSONValue) throws(Failure) -> Certificate {
        guard let format = value["charter_certificate"] else {
            throw Failure(message: "not a Charter certificate (no \"charter_certificate\" member)")
        }
        guard format == .integer(Certificate.currentFormat) else {
            throw Failure(
                message: "certificate format \(format) is not supported (this build reads \(Certificate.currentFormat))"
            )
        }
        let text: String
        do {
            text = try value.canonical()
        } catch {
            throw Failure(message: "not JSON: \(error)")
        }
        do {
            return try JSONDecoder().decode(Certificate.self, from: Data(text.utf8))
        } catch let DecodingError.keyNotFound(key, context) {
            throw Failure(message: "missing \"\(path(context.codingPath + [key]))\"")
        } catch let DecodingError.typeMismatch(_, context) {
            throw Failure(message: "\"\(path(context.codingPath))\" has the wrong type")
        } catch let DecodingError.valueNotFound(_, context) {
            throw Failure(message: "\"\(path(context.codingPath))\" is null")
        } catch {
            throw Failure(message: "not a certificate: \(error)")
        }
    }

    /// A JSON value as canonical JSON would read it back (integers stay integers, decimals become
    /// numbers), so that a certificate compares equal after a round trip through its file.
    static func normalised(_ value: JSONValue) -> JSONValue {
        guard let text = try? value.canonical(), let parsed = try? JSONParser().parse(text) else { return value }
        return parsed
    }

    private static func canonicalBytes(_ value: JSONValue) throws(Failure) -> [UInt8] {
        do {
            return Array(try value.canonical().utf8)
        } catch {
            throw Failure(message: "cannot write canonical JSON: \(error)")
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}
