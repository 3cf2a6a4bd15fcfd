/// Text from a file or a request made safe to print on a terminal.
///
/// A request or policy is written by someone other than the person reading Charter's output: an
/// escape sequence inside it (`ESC ] 52`, which writes the clipboard; `ESC [ 2 J`, which clears the
/// screen and can hide a finding) must reach the terminal as visible text, never as a command.
public enum TerminalText {
    /// `text` with every control character (C0, DEL and C1, general category Cc) written as a
    /// visible escape `\u{1b}`; line feeds are kept when `keepingLineBreaks`, and tabs always.
    ///
    /// - Complexity: O(n) in the length of `text`; `text` is returned as is when it has no
    ///   control character.
    public static func escaped(_ text: String, keepingLineBreaks: Bool = false) -> String {
        func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
            if scalar == "\t" || (keepingLineBreaks && scalar == "\n") { return true }
            return scalar.properties.generalCategory != .control
        }
        guard !text.unicodeScalars.allSatisfy(isPrintable) else { return text }
        var output = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isPrintable(scalar) {
                output.append(scalar)
            } else {
                output.append(contentsOf: "\\u{\(String(scalar.value, radix: 16))}".unicodeScalars)
            }
        }
        return String(output)
    }

    /// The first control character in `text` that a one-line field must not hold (general
    /// category Cc: C0 including tab and line feed, DEL, C1, so every ANSI escape sequence's
    /// introducer), and its 0-based offset in characters.
    public static func firstControlCharacter(in text: String) -> (scalar: Unicode.Scalar, offset: Int)? {
        for (offset, character) in text.enumerated() {
            if let scalar = character.unicodeScalars.first(where: { $0.properties.generalCategory == .control }) {
                return (scalar, offset)
            }
        }
        return nil
    }
}
