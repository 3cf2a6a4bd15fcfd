/// Text from the data made safe to show: control characters (a terminal escape, a bell, a line
/// break inside a header) written as `\u{1B}`-style escapes, and long values clipped.
package enum ProfileText {
    /// `text` with every C0/C1 control character and DEL escaped as `\u{XX}`.
    package static func printable(_ text: String) -> String {
        var output = ""
        for scalar in text.unicodeScalars {
            if scalar.properties.generalCategory == .control {
                output += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            } else {
                output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    /// `text` (made printable) cut to at most `limit` characters, with `…` when cut.
    package static func clipped(_ text: String, to limit: Int) -> String {
        let printable = printable(text)
        guard printable.count > limit else { return printable }
        return String(printable.prefix(limit - 1)) + "…"
    }
}
