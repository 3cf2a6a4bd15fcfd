import CharterCore
import CharterYAML

/// A framework's requirements mapped to policy controls and certificate evidence
/// (`kind: compliance-framework`, one file per framework under `compliance/`).
public struct ComplianceFramework: Sendable, Equatable {
    /// One requirement of the framework.
    public struct Requirement: Sendable, Equatable {
        /// Its citation (`Art. 5(1)(b)`, `164.514(b)(1)`).
        public var id: String
        /// A short title.
        public var title: String
        /// What it asks, paraphrased.
        public var text: String
        /// The policy controls that address it: keys of a tier's `controls:` or the policy-level
        /// `purposes`, `budgets`, `identities`, `roles`. Empty: an organisational duty.
        public var controls: [String]
        /// Certificate JSON paths (dotted) that carry the evidence.
        public var evidence: [String]
        /// What Charter does not show for it.
        public var limits: String
    }

    /// The framework's short name (`gdpr`).
    public var framework: String
    /// Its title.
    public var title: String
    /// The mapping's version.
    public var version: Int
    /// The official texts cited.
    public var sources: [String]
    /// The requirements, in file order.
    public var requirements: [Requirement]

    /// The controls a mapping may name.
    public static let knownControls: Set<String> = [
        "differential_privacy", "generators", "k_anonymity", "l_diversity", "membership_inference",
        "distance_to_closest_record", "fidelity", "tstr", "trts", "fairness", "approvals", "expiry", "access",
        "purposes", "budgets", "identities", "roles",
    ]

    /// Why a mapping file cannot be used.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Reads a mapping file.
    public static func load(file: String, bytes: [UInt8]) throws(Failure) -> ComplianceFramework {
        let stream: YAMLStream
        do {
            stream = try YAMLParser().parse(bytes, file: file)
        } catch {
            throw Failure(message: "\(file): \(error.diagnostic.message)")
        }
        guard stream.documents.count == 1, let root = stream.documents.first?.root else {
            throw Failure(message: "\(file): a mapping file holds one document")
        }
        func text(_ node: YAMLNode?, _ what: String) throws(Failure) -> String {
            guard let value = node?.scalar?.text, !value.isEmpty else {
                throw Failure(message: "\(file):\(node?.location.line ?? root.location.line): \(what) must be text")
            }
            return value
        }
        func list(_ node: YAMLNode?, _ what: String) throws(Failure) -> [String] {
            guard let node else { return [] }
            guard let items = node.sequence else { throw Failure(message: "\(file):\(node.location.line): \(what) must be a list") }
            var values: [String] = []
            for item in items { values.append(try text(item, what)) }
            return values
        }
        guard try text(root["kind"], "kind") == "compliance-framework" else {
            throw Failure(message: "\(file): kind must be compliance-framework")
        }
        guard let version = Int(try text(root["version"], "version")) else {
            throw Failure(message: "\(file): version must be a whole number")
        }
        guard let items = root["requirements"]?.sequence, !items.isEmpty else {
            throw Failure(message: "\(file): requirements must be a non-empty list")
        }
        var requirements: [Requirement] = []
        for item in items {
            let controls = try list(item["controls"], "controls")
            if let unknown = controls.first(where: { !knownControls.contains($0) }) {
                throw Failure(message: "\(file):\(item.location.line): unknown control '\(unknown)'")
            }
            requirements.append(
                Requirement(
                    id: try text(item["id"], "id"), title: try text(item["title"], "title"),
                    text: try text(item["text"], "text"), controls: controls,
                    evidence: try list(item["evidence"], "evidence"), limits: try text(item["limits"], "limits")))
        }
        return ComplianceFramework(
            framework: try text(root["framework"], "framework"), title: try text(root["title"], "title"),
            version: version, sources: try list(root["sources"], "sources"), requirements: requirements)
    }
}
