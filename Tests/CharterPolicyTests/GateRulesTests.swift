import CharterCore
import CharterTestSupport
import Foundation
import Testing

@testable import CharterPolicy

/// `gate_rules`: loaded with locations, checked against the plan's check names and the three
/// rules, and composed so that an overlay cannot quietly loosen a base's rule.
@Suite("gate rules")
struct GateRulesTests {
    static let header = """
        charter: 1
        kind: policy
        name: p
        tiers:
          - name: any
            when: true
            controls:
              tstr: { ratio_min: 0.9 }

        """

    static func load(_ text: String, file: String = "p.yaml") -> (policies: [Policy], diagnostics: [Diagnostic]) {
        let loaded = PolicyLinter().loadPolicies(file: file, bytes: Array(text.utf8))
        return (loaded.policies, loaded.diagnostics)
    }

    @Test func loadsRulesAndConfidence() throws {
        let loaded = Self.load(
            Self.header + """
                gate_rules:
                  confidence: 0.9
                  checks:
                    tstr.ratio_min: not-worse
                    membership_inference.accuracy_max: lower-bound
                """)
        #expect(!loaded.diagnostics.contains { $0.severity == .error }, "\(loaded.diagnostics)")
        let rules = try #require(loaded.policies.first?.gateRules)
        #expect(rules.effectiveConfidence == Decimal.exact("0.9"))
        #expect(rules.rule(for: "tstr.ratio_min") == .notWorse)
        #expect(rules.rule(for: "membership_inference.accuracy_max") == .lowerBound)
        #expect(rules.rule(for: "k_anonymity.k_min") == nil)
        #expect(rules.entries.first?.check.location.line == 12)
    }

    @Test func defaultConfidenceIs95() throws {
        let loaded = Self.load(Self.header + "gate_rules: { checks: { tstr.ratio_min: estimate } }\n")
        #expect(try #require(loaded.policies.first?.gateRules).effectiveConfidence == Decimal.exact("0.95"))
    }

    @Test(arguments: [
        ("gate_rules: { checks: { tstr.ratio: not-worse } }", "unknown key 'tstr.ratio'", 9),
        ("gate_rules: { checks: { tstr.ratio_min: lower_bound } }", "'lower_bound' is not a valid value", 9),
        ("gate_rules: { confidence: 1 }", "gate_rules.confidence must be at least 0.5 and below 1", 9),
        ("gate_rules: { confidence: 0.3 }", "gate_rules.confidence must be at least 0.5 and below 1", 9),
        ("gate_rules: { level: 0.9 }", "unknown key 'level' in gate_rules", 9),
    ])
    func reportsMistakesWhereWritten(_ text: String, _ message: String, _ line: Int) {
        let loaded = Self.load(Self.header + text + "\n")
        let errors = loaded.diagnostics.filter { $0.severity == .error }
        #expect(errors.count == 1, "\(loaded.diagnostics)")
        #expect(errors.first?.message.contains(message) == true, "\(errors.map(\.message))")
        #expect(errors.first?.location?.line == line)
    }

    @Test func everyCheckNameIsOneAPlanCanHold() {
        // The names are `<control>.<key>` of the loader's threshold keys, plus the request's spend checks.
        for name in GateRules.checkNames {
            let control = String(name.split(separator: ".").first ?? "")
            #expect(
                PolicyLoader.controlKeys.contains(control) || ["epsilon_spent", "delta_spent"].contains(control),
                "\(name)")
        }
        #expect(Set(GateRules.checkNames).count == GateRules.checkNames.count)
    }
}
