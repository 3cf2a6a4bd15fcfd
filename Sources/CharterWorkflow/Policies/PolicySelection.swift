public import CharterCore
public import CharterPolicy
import CharterPlan
import CharterTrust
import Foundation

/// The one policy requests are decided against, or the diagnostics that explain why there is none.
///
/// Every policy under a path is loaded (overlays composed with their bases) and the one no other
/// policy there extends is chosen: a folder holding a base and one overlay decides by the overlay.
public struct PolicySelection: Sendable {
    /// The policy chosen; `nil` when a policy has errors, or none or several are candidates.
    public var policy: Policy?
    /// Why there is no policy (errors only).
    public var diagnostics: [Diagnostic] = []
    /// The texts read, by path, for rendering diagnostics.
    public var sources: [String: String] = [:]
    /// The files the policies were read from, their bases included (not policy tests or requests
    /// that share the folder), sorted.
    public var policyFiles: [String] = []
    /// The selected policy's identities: its allowed signers and groups (none when it names none).
    public var identities = ApprovalIdentities(allowedSigners: nil, directory: .empty)

    /// Loads every policy under `path` in `store` and picks the one no other policy there extends.
    public init(path: String, in store: any InputStore) {
        let inputs = InputFileSet(paths: [path], extensions: ["yaml", "yml"], in: store)
        diagnostics = inputs.problems
        var loaded: [(file: String, policy: Policy)] = []
        var extended: Set<String> = []
        let linter = PolicyLinter()
        for file in inputs.files {
            switch store.read(file) {
            case .failure(let error): diagnostics.append(error.diagnostic)
            case .success(let bytes):
                sources[file] = String(decoding: bytes, as: UTF8.self)
                let texts = Texts(sources)
                let bases = Texts()
                let result = linter.loadPolicies(
                    file: file, bytes: bytes,
                    resolveBase: RelativeReference.baseResolver(store: store, sources: texts, bases: bases))
                sources = texts.byPath
                if !result.policies.isEmpty { policyFiles += [file] + bases.byPath.keys.sorted() }
                diagnostics += result.diagnostics.filter { $0.severity == .error }
                for policy in result.policies {
                    loaded.append((file, policy))
                    if let extends = policy.extends {
                        extended.insert(
                            (RelativeReference.resolve(extends.value, from: file) as NSString).standardizingPath)
                    }
                }
            }
        }
        guard diagnostics.isEmpty else { return }
        let leaves = loaded.filter { !extended.contains(($0.file as NSString).standardizingPath) }
        guard leaves.count == 1, let leaf = leaves.first else {
            diagnostics.append(
                .error(
                    .decisionNoPolicy,
                    leaves.isEmpty
                        ? "no policy under \"\(path)\""
                        : "\(leaves.count) policies under \"\(path)\" extend none of the others; name one with --policy FILE",
                    at: nil, notes: leaves.map { "\($0.policy.name.value) in \($0.file)" }))
            return
        }
        policy = leaf.policy
        loadIdentities(of: leaf.policy, in: store)
    }

    /// The digest plans and certificates pin the policy set by: ``InputDigests/policySet(_:)`` of
    /// every file read, named relative to `policyPath`.
    public func digest(policyPath: String, store: any InputStore) -> String {
        InputDigests.policySet(
            Set(policyFiles).sorted().map {
                (PlanInputs.relative($0, to: policyPath, in: store), Array(sources[$0, default: ""].utf8))
            })
    }

    /// Reads the allowed-signers and directory files the policy names (relative to the file that
    /// names them). They count as policy files: the policy digest covers them, so a plan pins who
    /// may approve it.
    private mutating func loadIdentities(of policy: Policy, in store: any InputStore) {
        guard let files = policy.identities else { return }
        func read(_ reference: Located<String>) -> (path: String, text: String)? {
            let path = RelativeReference.resolve(reference.value, from: reference.location.file)
            switch store.read(path) {
            case .failure(let error):
                diagnostics.append(
                    .error(
                        .policyInvalidIdentity, "cannot read \"\(path)\", named here: \(error.diagnostic.message)",
                        at: reference.location))
                return nil
            case .success(let bytes):
                let text = String(decoding: bytes, as: UTF8.self)
                sources[path] = text
                policyFiles.append(path)
                return (path, text)
            }
        }
        var signers: AllowedSigners?
        if let reference = files.allowedSigners, let (path, text) = read(reference) {
            do {
                signers = try AllowedSigners(text: text)
            } catch {
                diagnostics.append(.error(.policyInvalidIdentity, "\(path): \(error.message)", at: reference.location))
            }
        }
        var directory = GroupDirectory.empty
        if let reference = files.directory, let (path, text) = read(reference) {
            let loaded = GroupDirectory.load(file: path, bytes: Array(text.utf8))
            diagnostics += loaded.diagnostics.filter { $0.severity == .error }
            directory = loaded.directory ?? directory
        }
        guard diagnostics.isEmpty else {
            self.policy = nil
            return
        }
        identities = ApprovalIdentities(allowedSigners: signers, directory: directory)
    }
}
