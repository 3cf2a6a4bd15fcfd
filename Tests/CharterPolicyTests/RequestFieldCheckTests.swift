import CharterCore
import Testing

@testable import CharterPolicy

/// Request text that would drive a terminal, and output paths that would leave the output folder,
/// are refused when the request is read (so by `lint`, `check` and `plan`), with a code and place.
@Suite("request field checks")
struct RequestFieldCheckTests {
    func load(_ text: String) -> [Diagnostic] {
        RequestLoader().load(file: "r.yaml", bytes: Array(text.utf8)).diagnostics
    }

    /// The valid request with one line added or replaced.
    func request(ticket: String = "GOV-1", requester: String = "alice@hospital.example", extra: String = "")
        -> String
    {
        RequestLoaderTests.valid.replacingOccurrences(
            of: "requester: alice@hospital.example\n",
            with: "ticket: \(ticket)\nrequester: \(requester)\n\(extra)")
    }

    @Test(
        "control characters and ANSI escape sequences in request text are errors at the field",
        arguments: [
            ("\"GOV-1\\e[2J\\e[1;1H\"", "U+001B"),  // clears the screen
            ("\"GOV-1\\e]52;c;Y3VybCBldmls\\a\"", "U+001B"),  // writes the clipboard (OSC 52)
            ("\"GOV\\x9b31m\"", "U+009B"),  // C1 CSI
            ("\"GOV\\x7f\"", "U+007F"),  // DEL
            ("\"GOV\\t1\"", "U+0009"),  // a tab in a one-line field
            ("\"GOV\\r1\"", "U+000D"),
            ("\"GOV\\0\"", "U+0000"),
        ])
    func controlCharacters(ticket: String, code: String) throws {
        let diagnostics = load(request(ticket: ticket)).filter { $0.code == .requestControlCharacter }
        #expect(diagnostics.count == 1)
        let diagnostic = try #require(diagnostics.first)
        #expect(diagnostic.severity == .error)
        #expect(diagnostic.message.hasPrefix("ticket holds the control character \(code)"))
        #expect(diagnostic.location?.line == 4 && diagnostic.location?.column == 9)
        // The message never carries the character itself.
        #expect(!diagnostic.message.unicodeScalars.contains { $0.properties.generalCategory == .control })
    }

    @Test("every text field is checked: requester, consumers, columns, command, approvals")
    func everyField() {
        let text = request(
            requester: "\"carol\\e[8m@hospital.example\"",
            extra: "consumers: [\"ml\\x1b\"]\napprovals:\n  - {role: \"steward\\x85\", by: bob, at: 2026-01-01}\n")
        let fields = load(text).filter { $0.code == .requestControlCharacter }.map {
            String($0.message.prefix { $0 != " " })
        }
        #expect(fields.sorted() == ["an", "consumers", "requester"])
        #expect(load(request()).filter { $0.code == .requestControlCharacter }.isEmpty)
        // Non-ASCII text that is not control characters is fine.
        #expect(load(request(ticket: "\"GOV-1 · Dr. Müller – ü\"")).isEmpty)
    }

    @Test(
        "output.path: plain relative paths only",
        arguments: [
            ("gbsg2/synthetic.csv", nil), ("synthetic.csv", nil), ("a b/c.csv", nil),
            ("/etc/cron.d/x", "is absolute"), ("../x.csv", "'..'"), ("a/../../x.csv", "'..'"), ("a/../x.csv", "'..'"),
            ("~/x.csv", "starts with ~"), ("./x.csv", "'.'"), ("a//x.csv", "empty component"),
            ("dir/", "names a folder"),
            ("a\\\\..\\\\x.csv", "backslash"),
        ] as [(String, String?)])
    func outputPaths(path: String, problem: String?) throws {
        let text = RequestLoaderTests.valid.replacingOccurrences(
            of: "  rows: 5000\n", with: "  rows: 5000\n  path: \"\(path)\"\n")
        let found = load(text).filter { $0.code == .requestUnsafeOutputPath }
        guard let problem else {
            #expect(found.isEmpty, "\(found)")
            return
        }
        let diagnostic = try #require(found.first)
        #expect(found.count == 1 && diagnostic.severity == .error)
        #expect(diagnostic.message.contains(problem), "\(diagnostic.message)")
        #expect(diagnostic.location?.line == 17 && diagnostic.location?.column == 9)
    }
}
