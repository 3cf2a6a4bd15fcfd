public import CharterCore
public import CharterPolicy
import Foundation

/// A framework's requirements against one certificate: for each, the policy controls that address
/// it (set or not in the certificate's tier), the certificate's evidence, and what Charter does not
/// show. Nothing is reported as met that the policy and certificate do not show.
public struct ComplianceReport: Sendable {
    /// How far a requirement is addressed.
    public enum Status: String, Sendable {
        case addressed
        case partlyAddressed = "partly addressed"
        case notCovered = "not covered"
    }

    /// One requirement's line.
    public struct Line: Sendable {
        public var requirement: ComplianceFramework.Requirement
        public var status: Status
        /// Each control the mapping names, and what the policy sets for it (`nil`: not set).
        public var controls: [(name: String, setting: String?)]
        /// Each evidence path, and the certificate's value there (`nil`: absent).
        public var evidence: [(path: String, value: String?)]
    }

    public let framework: ComplianceFramework
    /// The certificate's id, request, tier and policy as it states them.
    public let certificate: String
    public let request: String
    public let tier: String
    public let policy: String
    /// Whether the policy read now has the digest the certificate records; `false` means the
    /// controls shown may not be the ones the certificate was issued under.
    public let policyMatches: Bool
    public let lines: [Line]

    /// The report for `certificate` (its JSON) under `policy`, whose set's digest is `policyDigest`.
    public init(framework: ComplianceFramework, certificate json: JSONValue, policy: Policy, policyDigest: String) {
        self.framework = framework
        certificate = json["id"]?.stringValue ?? "?"
        request = json["request"]?["id"]?.stringValue ?? "?"
        tier = json["tier"]?.stringValue ?? "?"
        self.policy = "\(json["policy"]?["name"]?.stringValue ?? "?") \(json["policy"]?["version"]?.stringValue ?? "")"
        policyMatches = json["policy"]?["digest"]?.stringValue == policyDigest
        let controls = policy.tier(named: tier)?.controls
        lines = framework.requirements.map { requirement in
            let settings = requirement.controls.map { ($0, Self.setting(of: $0, in: controls, policy: policy)) }
            let values = requirement.evidence.map { ($0, Self.value(at: $0, in: json)) }
            let found = settings.filter { $0.1 != nil }.count + values.filter { $0.1 != nil }.count
            let total = settings.count + values.count
            let status: Status =
                requirement.controls.isEmpty || settings.allSatisfy({ $0.1 == nil })
                ? .notCovered : (found == total ? .addressed : .partlyAddressed)
            return Line(requirement: requirement, status: status, controls: settings, evidence: values)
        }
    }

    /// What the policy sets for `control` (tier controls, or policy-level), as a short text;
    /// `nil` when it sets nothing.
    static func setting(of control: String, in controls: Controls?, policy: Policy) -> String? {
        func number(_ value: Located<Decimal>?) -> String? { value.map { "\($0.value)" } }
        switch control {
        case "differential_privacy":
            guard let dp = controls?.differentialPrivacy, dp.required?.value == true || dp.epsilonMax != nil else {
                return nil
            }
            return [
                "required: \(dp.required?.value ?? false)", number(dp.epsilonMax).map { "ε ≤ \($0)" },
                number(dp.deltaMax).map { "δ ≤ \($0)" },
            ].compactMap { $0 }.joined(separator: ", ")
        case "generators": return controls?.generators.map { $0.value.map(\.value).joined(separator: ", ") }
        case "k_anonymity": return controls?.kAnonymity.map { "k ≥ \($0.minimum.value)" }
        case "l_diversity": return controls?.lDiversity.map { "l ≥ \($0.minimum.value)" }
        case "membership_inference":
            return controls?.membershipInference.map {
                [number($0.accuracyMax).map { "accuracy ≤ \($0)" }, number($0.aucMax).map { "AUC ≤ \($0)" }]
                    .compactMap { $0 }.joined(separator: ", ")
            }
        case "distance_to_closest_record": return thresholds(controls?.distanceToClosestRecord)
        case "fidelity": return thresholds(controls?.fidelity)
        case "fairness": return thresholds(controls?.fairness)
        case "diversity": return thresholds(controls?.diversity)
        case "tstr": return controls?.tstr.flatMap { number($0.ratioMin).map { "TSTR ratio ≥ \($0)" } }
        case "trts": return controls?.trts.flatMap { number($0.ratioMin).map { "TRTS ratio ≥ \($0)" } }
        case "approvals":
            guard let approvals = controls?.approvals else { return nil }
            let roles = approvals.allOf.map(\.value) + approvals.anyOf.map(\.value)
            return "approvals by " + roles.joined(separator: ", ")
                + (policy.identities?.allowedSigners != nil ? " (signed)" : " (as written: no allowed signers)")
        case "expiry": return controls?.expiry.map { _ in "certificates expire (tier expiry set)" }
        case "access": return controls?.access.map { _ in "audiences and consumers limited" }
        case "purposes": return policy.purposes.isEmpty ? nil : policy.purposes.map(\.value).joined(separator: ", ")
        case "budgets": return policy.budgets.map { _ in "lifetime budget per source" }
        case "identities": return policy.identities?.allowedSigners.map { _ in "approvals signed (allowed signers)" }
        case "roles": return policy.roles.isEmpty ? nil : policy.roles.map(\.name.value).joined(separator: ", ")
        default: return nil
        }
    }

    private static func thresholds(_ set: ThresholdSet?) -> String? {
        guard let set, !set.thresholds.isEmpty else { return nil }
        return set.thresholds.map { "\($0.key) \($0.isMinimum ? "≥" : "≤") \($0.value.value)" }.joined(separator: ", ")
    }

    /// A measured number for people: four decimals, trailing zeros dropped; very small numbers
    /// (a δ) as Swift writes them (`1e-06`) so they do not read as zero.
    static func number(_ value: Double) -> String {
        if value != 0, abs(value) < 0.001 { return "\(value)" }
        var text = DecimalText.fixed(value, places: 4)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// The certificate's value at a dotted path, as compact text; `nil` when absent or null.
    static func value(at path: String, in json: JSONValue) -> String? {
        var node: JSONValue? = json
        for key in path.split(separator: ".") { node = node?[String(key)] }
        guard let node, node != .null else { return nil }
        switch node {
        case .string(let text): return text
        case .integer(let value): return "\(value)"
        case .number(let value): return number(value)
        case .decimal(let text): return text
        case .bool(let value): return value ? "true" : "false"
        case .array(let items): return items.isEmpty ? nil : "\(items.count) entries"
        case .object(let fields): return fields.isEmpty ? nil : "\(fields.count) fields"
        case .null: return nil
        }
    }
}
