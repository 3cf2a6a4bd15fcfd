import Foundation

/// Why SSH data (a key, a signature, an allowed-signers line) cannot be read.
public struct SSHFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong.
    public let message: String

    /// An error saying `message`.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// Reads the SSH wire encoding (RFC 4251 §5): big-endian `uint32`, length-prefixed `string`.
struct SSHReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Whether every byte has been read.
    var isAtEnd: Bool { offset == bytes.count }

    /// The bytes not read yet.
    var remaining: ArraySlice<UInt8> { bytes[offset...] }

    mutating func raw(_ count: Int, _ what: String) throws(SSHFormatError) -> [UInt8] {
        guard count >= 0, bytes.count - offset >= count else { throw SSHFormatError("\(what) is truncated") }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func uint32(_ what: String) throws(SSHFormatError) -> UInt32 {
        try raw(4, what).reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func string(_ what: String) throws(SSHFormatError) -> [UInt8] {
        let length = try uint32(what)
        // No field Charter reads is anywhere near 1 MiB; a larger length is hostile or corrupt.
        guard length <= 1 << 20 else { throw SSHFormatError("\(what) claims \(length) bytes") }
        return try raw(Int(length), what)
    }

    mutating func text(_ what: String) throws(SSHFormatError) -> String {
        let value = try string(what)
        guard let text = String(validating: value, as: UTF8.self) else {
            throw SSHFormatError("\(what) is not UTF-8")
        }
        return text
    }
}

/// Writes the SSH wire encoding.
struct SSHWriter {
    private(set) var bytes: [UInt8] = []

    mutating func raw(_ value: some Sequence<UInt8>) { bytes.append(contentsOf: value) }

    mutating func uint32(_ value: UInt32) {
        bytes += [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    mutating func string(_ value: some Collection<UInt8>) {
        uint32(UInt32(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func string(_ text: String) { string(Array(text.utf8)) }
}

/// PEM-like armour (`-----BEGIN X-----`, base64, `-----END X-----`) as OpenSSH writes it.
enum SSHArmour {
    static func decode(_ text: String, label: String) throws(SSHFormatError) -> [UInt8] {
        let begin = "-----BEGIN \(label)-----"
        let end = "-----END \(label)-----"
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let first = lines.firstIndex(of: begin) else { throw SSHFormatError("no \(begin) line") }
        guard let last = lines[first...].firstIndex(of: end) else { throw SSHFormatError("no \(end) line") }
        let body = lines[(first + 1)..<last].joined()
        guard let data = Data(base64Encoded: body) else { throw SSHFormatError("the \(label) is not base64") }
        return Array(data)
    }

    static func encode(_ bytes: [UInt8], label: String) -> String {
        let body = Data(bytes).base64EncodedString()
        var lines = ["-----BEGIN \(label)-----"]
        var index = body.startIndex
        while index < body.endIndex {
            let next = body.index(index, offsetBy: 70, limitedBy: body.endIndex) ?? body.endIndex
            lines.append(String(body[index..<next]))
            index = next
        }
        lines.append("-----END \(label)-----")
        return lines.joined(separator: "\n") + "\n"
    }
}
