/// Text made safe for a link in an HTML page: every value a page shows comes from callers or the
/// registry (source names, request ids, actors, reasons) and is hostile. Element content and
/// attribute values are escaped by CharterCore's `htmlEscaped`, as every page of Charter's is.
enum HTMLText {
    /// `text` as one path segment of a URL: every byte but the unreserved ones (RFC 3986 §2.3:
    /// letters, digits, `-`, `.`, `_`, `~`) percent-encoded, so it can neither leave its segment
    /// nor its attribute.
    static func pathSegment(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2D, 0x2E, 0x5F, 0x7E: bytes.append(byte)
            default: bytes += [0x25, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
