import Testing

@testable import CharterCore

@Suite("One escaper for XML and HTML")
struct MarkupEscapingTests {
    @Test("markup characters become references in both")
    func markup() {
        let text = "<a href=\"x\">'&'</a>"
        let expected = "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;"
        #expect(text.xmlEscaped == expected)
        #expect(text.htmlEscaped == expected)
    }

    @Test("controls, C1 controls and noncharacters become U+FFFD; tabs and line feeds stay as references")
    func controls() {
        func scalar(_ value: UInt32) -> String { Unicode.Scalar(value).map { String(Character($0)) } ?? "" }
        let text =
            "a\u{0}b\u{7}c\u{1B}d\u{7F}e\u{85}f\u{9F}g" + scalar(0xFDD0) + "h" + scalar(0xFFFE) + "i" + scalar(0x1FFFF)
            + "j"
            + scalar(0x10FFFF) + "k\t\n"
        let expected =
            "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}e\u{FFFD}f\u{FFFD}g\u{FFFD}h\u{FFFD}i\u{FFFD}j\u{FFFD}k&#9;&#10;"
        #expect(text.xmlEscaped == expected)
        #expect(text.htmlEscaped == expected)
        #expect("é 中 😀 \u{FFFD}".htmlEscaped == "é 中 😀 \u{FFFD}")
    }

    @Test("a carriage return: a reference in XML, a line feed in HTML (which may not reference it)")
    func carriageReturn() {
        #expect("a\r\nb\rc".xmlEscaped == "a&#13;&#10;b&#13;c")
        #expect("a\r\nb\rc".htmlEscaped == "a&#10;b&#10;c")
    }
}
