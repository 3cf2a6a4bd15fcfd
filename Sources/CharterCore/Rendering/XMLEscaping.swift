extension String {
    /// The text escaped for XML 1.0 character data and attribute values; characters XML 1.0
    /// forbids or discourages (C0 and C1 controls, noncharacters) become U+FFFD, and line breaks and
    /// tabs are written as references so that attribute values keep them.
    package var xmlEscaped: String { Self.markupEscaped(self, html: false) }

    /// The text escaped for HTML5 text and quoted attribute values, with no parse error in an HTML5
    /// parser (html5lib's strict mode): as ``xmlEscaped``, except that a carriage return, which HTML
    /// may not reference by number, becomes a line feed (CRLF one line feed), as an HTML parser
    /// normalises it anyway.
    package var htmlEscaped: String { Self.markupEscaped(self, html: true) }

    /// The one escaper behind both.
    private static func markupEscaped(_ text: String, html: Bool) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        var afterCarriageReturn = false
        for scalar in text.unicodeScalars {
            defer { afterCarriageReturn = scalar == "\r" }
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&apos;"
            case "\n" where html && afterCarriageReturn: continue
            case "\n": output += "&#10;"
            case "\r": output += html ? "&#10;" : "&#13;"
            case "\t": output += "&#9;"
            case let c where isUnwanted(c): output += "\u{FFFD}"
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    /// C0 controls other than tab and line breaks, DEL and the C1 controls, and the Unicode
    /// noncharacters (U+FDD0–U+FDEF and the last two code points of every plane).
    private static func isUnwanted(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return value < 0x20 || (0x7F...0x9F).contains(value) || (0xFDD0...0xFDEF).contains(value)
            || value & 0xFFFE == 0xFFFE
    }
}
