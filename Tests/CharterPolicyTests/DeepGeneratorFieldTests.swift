import CharterCore
import Foundation
import Testing

@testable import CharterPolicy

/// `output.class_mix` in a request and the `diversity` control in a policy: read exactly, every
/// mistake located.
@Suite("class_mix and diversity fields")
struct DeepGeneratorFieldTests {
    static func request(_ output: String) -> (requests: [GenerationRequest], diagnostics: [Diagnostic]) {
        let text = RequestLoaderTests.valid.replacingOccurrences(of: "  rows: 5000\n", with: "  rows: 5000\n" + output)
        return RequestLoader().load(file: "r.yaml", bytes: Array(text.utf8))
    }

    @Test("class_mix reads classes as written (1 and \"yes\") with exact shares, in order")
    func classMix() throws {
        let loaded = Self.request("  class_mix: { 1: 0.5, \"yes\": 0.25 }\n")
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics)")
        let mix = try #require(loaded.requests.first?.output.classMix)
        #expect(mix.map(\.category.value) == ["1", "yes"])
        #expect(mix.map(\.share.value) == [Decimal.exact("0.5"), Decimal.exact("0.25")])
        #expect(mix[0].category.location.line == 17)
    }

    @Test(
        "bad class mixes are located errors",
        arguments: [
            ("  class_mix: 0.5\n", "output.class_mix must be a mapping"),
            ("  class_mix: { 1: 0 }\n", "output.class_mix.1 must be a share in (0, 1], not 0"),
            ("  class_mix: { 1: 1.5 }\n", "must be a share in (0, 1]"),
            ("  class_mix: { 1: 0.6, 0: 0.5 }\n", "the shares of output.class_mix add up to 1.1, more than 1"),
            ("  class_mix: { 1: 0.3, \"1\": 0.2 }\n", "names class '1' twice"),
            ("  class_mix: { 1: \"half\" }\n", "output.class_mix.1 must be a number"),
            ("  class_mix: {}\n", "must name 1 to 256 classes"),
            ("  class_mx: { 1: 0.5 }\n", "unknown key 'class_mx' in output"),
        ])
    func badClassMix(_ output: String, _ message: String) {
        let loaded = Self.request(output)
        #expect(
            loaded.diagnostics.contains { $0.severity == .error && $0.message.contains(message) },
            "\(loaded.diagnostics.map(\.message))")
    }

    /// The lint errors of a one-tier policy with this `diversity` control.
    static func policy(_ diversity: String) -> [Diagnostic] {
        let text = """
            charter: 1
            kind: policy
            name: p
            tiers:
              - name: only
                when: true
                controls:
                  diversity: \(diversity)
            """
        return PolicyLinter().lint(file: "p.yaml", bytes: Array(text.utf8)).filter { $0.severity == .error }
    }

    @Test("the diversity control's keys are known; a typo gets a suggestion; counts and shares are range-checked")
    func diversityKeys() {
        #expect(Self.policy("{ distinct_rows_min: 0.9, missing_categories_max: 0, minority_recall_min: 0.5 }").isEmpty)
        let typo = Self.policy("{ distinct_row_min: 0.9 }")
        #expect(
            typo.contains {
                $0.message.contains("unknown key 'distinct_row_min'") && $0.help?.contains("distinct_rows_min") == true
            })
        #expect(Self.policy("{ missing_categories_max: 1.5 }").contains { $0.message.contains("whole number") })
        #expect(Self.policy("{ missing_categories_max: -1 }").contains { $0.message.contains("whole number") })
        #expect(Self.policy("{ missing_categories_max: 3 }").isEmpty)
        #expect(Self.policy("{ distinct_rows_min: 0 }").contains { $0.message.contains("must be in (0, 1]") })
    }
}
