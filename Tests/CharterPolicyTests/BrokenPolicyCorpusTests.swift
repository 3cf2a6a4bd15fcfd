import CharterCore
import CharterPolicy
import CharterTestSupport
import Foundation
import Testing

/// The corpus of broken (and a few clean) policies under `Fixtures/`. Each file ends with a line
/// `# expect: CH104 11:60, CH111 11:29` (or `# expect: nothing`) listing every diagnostic lint must
/// give, by code, line and column — no more, no fewer.
@Suite("broken policy corpus")
struct BrokenPolicyCorpusTests {
    static let fixtures = Fixtures.url("Tests/CharterPolicyTests/Fixtures")

    static let files: [String] = ["broken", "overlays"].flatMap { folder in
        ((try? FileManager.default.contentsOfDirectory(atPath: fixtures.appendingPathComponent(folder).path)) ?? [])
            .filter { $0.hasSuffix(".yaml") }.sorted().map { "\(folder)/\($0)" }
    }

    static func expectations(in text: String) -> [String]? {
        guard let line = text.split(separator: "\n").last, line.hasPrefix("# expect: ") else { return nil }
        let list = line.dropFirst("# expect: ".count)
        return list == "nothing" ? [] : list.split(separator: ", ").map(String.init).sorted()
    }

    static func lint(_ file: String) throws -> [Diagnostic] {
        let bytes = try [UInt8](Data(contentsOf: fixtures.appendingPathComponent(file)))
        return PolicyLinter().lint(file: file, bytes: bytes) { reference, from in
            let path = (from as NSString).deletingLastPathComponent + "/" + reference
            return (path, try [UInt8](Data(contentsOf: fixtures.appendingPathComponent(path))))
        }
    }

    @Test("the corpus has at least 40 broken policies")
    func size() {
        let broken = Self.files.filter { file in
            guard let text = try? String(contentsOf: Self.fixtures.appendingPathComponent(file), encoding: .utf8) else {
                return false
            }
            return Self.expectations(in: text)?.isEmpty == false
        }
        #expect(broken.count >= 40)
    }

    @Test("each fixture gives exactly the diagnostics it declares", arguments: files)
    func fixture(file: String) throws {
        let text = try String(contentsOf: Self.fixtures.appendingPathComponent(file), encoding: .utf8)
        let expected = try #require(Self.expectations(in: text), "\(file) has no `# expect:` line")
        let actual = try Self.lint(file).map { diagnostic in
            "\(diagnostic.code.id) \(diagnostic.location?.line ?? 0):\(diagnostic.location?.column ?? 0)"
        }.sorted()
        #expect(actual == expected)
    }

    @Test("every policy diagnostic code is exercised by some fixture")
    func codeCoverage() throws {
        var seen: Set<String> = []
        for file in Self.files {
            seen.formUnion(try Self.lint(file).map(\.code.id))
        }
        let policyCodes: [DiagnosticCode] = [
            .policyDocument, .policyUnknownKey, .policyWrongType, .policyMissingField, .policyOutOfRange,
            .policyUndefinedRole, .policyEmptyRole, .policyDuplicateRule, .policyDuplicateTier, .policyUnreachableTier,
            .policyNoDefaultTier, .policyDPWithoutEpsilonCap, .policySoftMandatoryWithoutOverride,
            .policyLooseningOverlay, .policyYAML11Boolean, .expressionSyntax, .expressionUnknownField,
            .expressionTypeMismatch, .policyUnknownEnumValue, .expressionUnknownFunction, .policyInvalidDuration,
            .policyIneffectiveOverride, .policyRuleEffect, .policyExpiryWindow, .policyUnresolvedBase,
            .policyUnusedRole, .policyConstantCondition, .policyDPGeneratorMismatch, .policyCapExceedsBudget,
            .policyDuplicateEntry, .policyLargeDelta, .policyVersionFormat, .policyUnsatisfiable,
        ]
        for code in policyCodes {
            #expect(seen.contains(code.id), "no fixture exercises \(code.id) \(code.name)")
        }
    }

    @Test("a misspelt key gets a fix that renames it in place")
    func unknownKeyFix() throws {
        let diagnostic = try #require(try Self.lint("broken/unknown-control.yaml").first)
        #expect(diagnostic.help == "did you mean 'k_anonymity'?")
        #expect(diagnostic.fix?.replacement == "k_anonymity")
        #expect(diagnostic.fix?.length == "k_anonimity".count)
    }

    @Test("an overlay's loosening names the field and points at the base's value too")
    func looseningRelated() throws {
        let diagnostic = try #require(try Self.lint("overlays/loosens-raises-epsilon.yaml").first)
        #expect(diagnostic.message == "tier 'high': differential_privacy.epsilon_max rises from 1 to 2")
        #expect(diagnostic.related.first?.location.file == "overlays/base.yaml")
        #expect(diagnostic.related.first?.location.line == 13)
    }

    @Test("a tightening overlay composes into the stricter effective policy")
    func composition() throws {
        let file = "overlays/tightening.yaml"
        let bytes = try [UInt8](Data(contentsOf: Self.fixtures.appendingPathComponent(file)))
        let (policies, diagnostics) = PolicyLinter().loadPolicies(file: file, bytes: bytes) { reference, from in
            let path = (from as NSString).deletingLastPathComponent + "/" + reference
            return (path, try [UInt8](Data(contentsOf: Self.fixtures.appendingPathComponent(path))))
        }
        #expect(diagnostics.isEmpty)
        let policy = try #require(policies.first)
        let high = try #require(policy.tier(named: "high"))
        #expect(high.when.text == "request.audience == \"public\"")
        #expect(high.controls.differentialPrivacy?.epsilonMax?.value == Decimal.exact("0.5"))
        #expect(high.controls.generators?.value.map(\.value) == ["dp-copula"])
        #expect(high.controls.kAnonymity?.minimum.value == 20)
        #expect(policy.purposes.map(\.value) == ["analytics"])
        #expect(policy.rules.map(\.id.value) == ["small", "tiny-needs-officer"])
        #expect(policy.budgets?.perSourceEpsilon?.value == 5)
    }
}
