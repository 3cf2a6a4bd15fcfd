public import CharterCore
public import CharterYAML

/// Lints Charter documents: YAML well-formedness and limits, then, for each `kind: policy`
/// document, the loader's checks, the consistency checks and, for an overlay, the proof that it
/// only tightens its base.
///
/// No I/O: the caller hands in the bytes, and a resolver that reads the base a policy `extends`.
public struct PolicyLinter: Sendable {
    /// Reads the base policy named by `extends: reference` in the file `from`: its display path
    /// and bytes. Throws (any error) when it cannot be read.
    public typealias BaseResolver = (_ reference: String, _ from: String) throws -> (path: String, bytes: [UInt8])

    /// The document kinds Charter reads.
    public static let kinds = ["policy", "generation-request", "policy-test", "directory"]
    /// How many `extends` links a chain may have.
    static let maximumBaseDepth = 8

    private let parser: YAMLParser

    /// A linter whose YAML reader applies `limits`.
    public init(limits: YAMLLimits = .default) {
        parser = YAMLParser(limits: limits)
    }

    /// Every finding in one file.
    public func lint(file: String, bytes: [UInt8], resolveBase: BaseResolver? = nil) -> [Diagnostic] {
        loadPolicies(file: file, bytes: bytes, resolveBase: resolveBase).diagnostics
    }

    /// The effective policies of a file (overlays composed with their bases) and every finding.
    public func loadPolicies(
        file: String, bytes: [UInt8], resolveBase: BaseResolver? = nil
    ) -> (policies: [Policy], diagnostics: [Diagnostic]) {
        loadPolicies(file: file, bytes: bytes, resolveBase: resolveBase, chain: [])
    }

    private func loadPolicies(
        file: String, bytes: [UInt8], resolveBase: BaseResolver?, chain: [String]
    ) -> (policies: [Policy], diagnostics: [Diagnostic]) {
        let stream: YAMLStream
        do {
            stream = try parser.parse(bytes, file: file)
        } catch {
            return ([], [error.diagnostic])
        }
        var diagnostics = stream.warnings
        var policies: [Policy] = []
        for document in stream.documents {
            guard let kind = Self.documentKind(document.root, &diagnostics) else { continue }
            if kind == "generation-request" {
                diagnostics += RequestLoader().load(document.root, source: stream.source).diagnostics
                continue
            }
            if kind == "directory" {
                diagnostics += GroupDirectory.load(document.root, source: stream.source).diagnostics
                continue
            }
            guard kind == "policy" else { continue }
            let (loaded, found) = PolicyLoader().load(document.root, source: stream.source)
            diagnostics += found
            guard var policy = loaded else { continue }
            if let extends = policy.extends {
                guard
                    let base = loadBase(
                        extends, from: file, resolveBase: resolveBase, chain: chain + [file], &diagnostics)
                else { continue }
                let composed = PolicyComposer.compose(base: base, overlay: policy)
                diagnostics += composed.diagnostics
                policy = composed.policy
                // Check the composed policy, but report only what this file says: the base is
                // linted on its own.
                diagnostics += PolicyChecks.run(on: policy).filter { $0.location?.file == file }
            } else {
                diagnostics += PolicyChecks.run(on: policy)
            }
            policies.append(policy)
        }
        return (policies, diagnostics.sorted())
    }

    private func loadBase(
        _ extends: Located<String>, from file: String, resolveBase: BaseResolver?, chain: [String],
        _ diagnostics: inout [Diagnostic]
    ) -> Policy? {
        guard let resolveBase else {
            diagnostics.append(
                .error(.policyUnresolvedBase, "cannot read base policy '\(extends.value)' here", at: extends.location))
            return nil
        }
        let base: (path: String, bytes: [UInt8])
        do {
            base = try resolveBase(extends.value, file)
        } catch {
            diagnostics.append(
                .error(
                    .policyUnresolvedBase, "cannot read base policy '\(extends.value)': \(error)", at: extends.location,
                    help: "`extends` is a path relative to this file"))
            return nil
        }
        if chain.contains(base.path) || chain.count >= Self.maximumBaseDepth {
            diagnostics.append(
                .error(
                    .policyUnresolvedBase,
                    chain.contains(base.path)
                        ? "base policy '\(extends.value)' extends this file again: \((chain + [base.path]).joined(separator: " → "))"
                        : "the chain of `extends` is longer than \(Self.maximumBaseDepth)",
                    at: extends.location))
            return nil
        }
        let loaded = loadPolicies(file: base.path, bytes: base.bytes, resolveBase: resolveBase, chain: chain)
        let errors = loaded.diagnostics.filter { $0.severity == .error }
        guard errors.isEmpty, loaded.policies.count == 1, let policy = loaded.policies.first else {
            diagnostics.append(
                .error(
                    .policyUnresolvedBase,
                    loaded.policies.count > 1
                        ? "base policy '\(extends.value)' holds \(loaded.policies.count) policies; a base must hold one"
                        : "base policy '\(extends.value)' has \(errors.count) error\(errors.count == 1 ? "" : "s")",
                    at: extends.location,
                    related: errors.prefix(3).compactMap { error in error.location.map { .init($0, error.message) } },
                    help: "run `charter lint \(base.path)`"))
            return nil
        }
        return policy
    }

    /// The document's `kind`, after checking `charter: 1`; `nil` (with a finding) when the
    /// document is not a Charter document.
    static func documentKind(_ root: YAMLNode, _ diagnostics: inout [Diagnostic]) -> String? {
        guard root.mapping != nil else {
            diagnostics.append(
                .error(
                    .policyDocument,
                    "a Charter document is a mapping with `charter: 1` and a `kind`, not a \(root.kindName)",
                    at: root.location))
            return nil
        }
        switch root["charter"]?.scalar?.value {
        case .int(1): break
        case nil:
            diagnostics.append(
                .error(
                    .policyDocument, "the document is missing `charter: 1`", at: root.location,
                    help: "start every Charter document with `charter: 1`, the language version"))
        default:
            diagnostics.append(
                .error(
                    .policyDocument, "unsupported language version; this Charter reads `charter: 1`",
                    at: root["charter"]?.location ?? root.location))
        }
        guard let kindNode = root["kind"] else {
            diagnostics.append(
                .error(
                    .policyDocument, "the document is missing `kind`", at: root.location,
                    notes: ["kinds: " + Self.kinds.joined(separator: ", ")]))
            return nil
        }
        guard case .string(let kind) = kindNode.scalar?.value, Self.kinds.contains(kind) else {
            let text = kindNode.scalar?.text ?? kindNode.kindName
            let suggestion = Suggestion.closest(to: text, among: Self.kinds)
            diagnostics.append(
                .error(
                    .policyDocument, "unknown kind '\(text)'", at: kindNode.location,
                    notes: ["kinds: " + Self.kinds.joined(separator: ", ")],
                    help: suggestion.map { "did you mean '\($0)'?" }))
            return nil
        }
        return kind
    }
}
