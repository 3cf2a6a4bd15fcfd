import CharterCore
import Foundation
import Testing

@testable import CharterPolicy

/// `revalidation: { drift_threshold, enforce }`: loaded with locations, range-checked, and composed
/// so that an overlay can only tighten it.
@Suite("revalidation terms")
struct RevalidationPolicyTests {
    static func load(_ tail: String) -> (policy: Policy?, errors: [Diagnostic]) {
        let loaded = GateRulesTests.load(GateRulesTests.header + tail + "\n")
        return (loaded.policies.first, loaded.diagnostics.filter { $0.severity == .error })
    }

    @Test func loadsAndDefaults() throws {
        let loaded = Self.load("revalidation: { drift_threshold: 0.05, enforce: true }")
        #expect(loaded.errors.isEmpty, "\(loaded.errors)")
        let terms = try #require(loaded.policy?.revalidation)
        #expect(terms.effectiveDriftThreshold == Decimal.exact("0.05") && terms.isEnforced)
        #expect(terms.driftThreshold?.location.line == 9)
        let empty = try #require(Self.load("revalidation: {}").policy?.revalidation)
        #expect(empty.effectiveDriftThreshold == Decimal.exact("0.1") && !empty.isEnforced)
        #expect(Self.load("").policy?.revalidation == nil)
    }

    @Test(arguments: [
        ("revalidation: { drift_threshold: 0 }", "revalidation.drift_threshold must be above 0 and at most 1"),
        ("revalidation: { drift_threshold: 1.5 }", "revalidation.drift_threshold must be above 0 and at most 1"),
        ("revalidation: { enforce: maybe }", "revalidation.enforce"),
        ("revalidation: { every: 30d }", "unknown key 'every'"),
    ])
    func reportsMistakes(_ text: String, _ message: String) {
        let loaded = Self.load(text)
        #expect(loaded.errors.count == 1, "\(loaded.errors)")
        #expect(loaded.errors.first?.message.contains(message) == true, "\(loaded.errors.map(\.message))")
        #expect(loaded.errors.first?.location?.line == 9)
    }

    @Test func overlaysOnlyTighten() throws {
        let base = try #require(Self.load("revalidation: { drift_threshold: 0.1, enforce: true }").policy)
        let tighter = try #require(Self.load("revalidation: { drift_threshold: 0.05 }").policy)
        let composed = PolicyComposer.compose(base: base, overlay: tighter)
        #expect(composed.diagnostics.filter { $0.severity == .error }.isEmpty)
        #expect(composed.policy.revalidation?.effectiveDriftThreshold == Decimal.exact("0.05"))
        #expect(composed.policy.revalidation?.isEnforced == true)
        let looser = try #require(Self.load("revalidation: { drift_threshold: 0.3, enforce: false }").policy)
        let loosened = PolicyComposer.compose(base: base, overlay: looser)
        let errors = loosened.diagnostics.filter { $0.severity == .error }.map(\.message)
        #expect(errors.count == 2, "\(errors)")
        #expect(loosened.policy.revalidation?.effectiveDriftThreshold == Decimal.exact("0.1"))
        #expect(loosened.policy.revalidation?.isEnforced == true)
    }
}
