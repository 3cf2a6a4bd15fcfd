public import CharterCore
import CharterPolicy
public import CharterTrust
import Foundation

/// A signed policy set, as `opa sign` signs a bundle: a manifest of every file's sha256 (the files
/// under the policy folder, and every file the selected policy reads from outside it: bases,
/// allowed signers, directory), signed with an SSH key in namespace ``namespace``. Written beside
/// the policies as `policy.manifest` and `policy.sig`.
///
/// With signers required (`--require-signed-policy FILE` or `CHARTER_POLICY_SIGNERS`, an
/// allowed-signers file kept outside the policy folder), `plan`, `apply` and `run` refuse a policy
/// set that is unsigned, signed by a key not in that file, or altered since it was signed, naming
/// each file added, removed or changed.
public enum PolicyBundle {
    /// The SSHSIG namespace of policy signatures.
    public static let namespace = "charter-policy"
    /// The manifest's file name, in the policy folder.
    public static let manifestFile = "policy.manifest"
    /// The signature's file name, in the policy folder.
    public static let signatureFile = "policy.sig"

    /// Why a policy set could not be signed or verified.
    public struct Failure: Error, Sendable {
        public var diagnostics: [Diagnostic]
        public var sources: [String: String] = [:]
    }

    /// The manifest of the policy set at `policyPath` as it is now: one `sha256:… path` line per
    /// file, sorted by path, paths relative to the policy folder.
    public static func manifest(policyPath: String, store: any InputStore) throws(Failure) -> String {
        let selection = PolicySelection(path: policyPath, in: store)
        guard selection.policy != nil, selection.diagnostics.isEmpty else {
            throw Failure(diagnostics: selection.diagnostics, sources: selection.sources)
        }
        let folder = folder(of: policyPath, in: store)
        var files = Set(selection.policyFiles.map { PlanInputs.relative($0, to: policyPath, in: store) })
        if store.kind(of: policyPath) == .directory {
            for file in store.files(under: policyPath) ?? [] where ![manifestFile, signatureFile].contains(file) {
                files.insert(file)
            }
        }
        var lines = ["charter-policy-bundle v1"]
        for file in files.sorted() {
            guard let bytes = store.contents(of: folder.isEmpty ? file : "\(folder)/\(file)") else {
                throw Failure(diagnostics: [.error(.unreadableInput, "cannot read \"\(file)\" of the policy set", at: nil)])
            }
            lines.append("\(ContentDigest.sha256(bytes)) \(file)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Signs the policy set at `policyPath` with `key`.
    /// - Returns: the manifest and the armoured signature, to write as ``manifestFile`` and
    ///   ``signatureFile`` in the policy folder.
    public static func sign(policyPath: String, key: SSHPrivateKey, store: any InputStore) throws(Failure)
        -> (manifest: String, signature: String)
    {
        let manifest = try manifest(policyPath: policyPath, store: store)
        do {
            return (manifest, try SSHSignature.sign(Array(manifest.utf8), namespace: namespace, with: key).armoured)
        } catch {
            throw Failure(diagnostics: [.error(.policyNotSigned, "cannot sign: \(error.message)", at: nil)])
        }
    }

    /// Checks that the policy set at `policyPath` is signed by a key `signers` allows (for any
    /// principal, in namespace ``namespace``, valid at `instant`) and unchanged since.
    /// - Returns: who signed it.
    @discardableResult
    public static func verify(
        policyPath: String, signers: AllowedSigners, at instant: Timestamp, store: any InputStore
    ) throws(Failure) -> [Identity] {
        let folder = folder(of: policyPath, in: store)
        func path(_ name: String) -> String { folder.isEmpty ? name : "\(folder)/\(name)" }
        func refuse(_ message: String, notes: [String] = []) -> Failure {
            Failure(
                diagnostics: [
                    .error(
                        .policyNotSigned, message, at: .file(path(signatureFile)), notes: notes,
                        help: "sign the reviewed policy set with `charter policy sign \(policyPath) --key KEY`")
                ])
        }
        guard let signed = store.contents(of: path(manifestFile)).map({ String(decoding: $0, as: UTF8.self) }),
            let armoured = store.contents(of: path(signatureFile)).map({ String(decoding: $0, as: UTF8.self) })
        else {
            throw refuse("the policy set is not signed: no \(manifestFile) and \(signatureFile) in \"\(folder)\"")
        }
        let signature: SSHSignature
        do {
            signature = try SSHSignature(armoured: armoured)
        } catch {
            throw refuse("the policy signature cannot be read: \(error.message)")
        }
        guard signature.isValid(for: Array(signed.utf8), namespace: namespace) else {
            throw refuse("the policy signature does not match \(manifestFile): the manifest was edited after signing")
        }
        let people = Set(signers.entries.filter { $0.key == signature.publicKey }.flatMap(\.principals)).sorted()
        guard let first = people.first,
            signers.refusal(of: signature.publicKey, for: first, namespace: namespace, at: [instant]) == nil
        else {
            throw refuse("the policy set is signed by key \(signature.publicKey.fingerprint), which the policy signers do not allow")
        }
        let current = try manifest(policyPath: policyPath, store: store)
        guard current != signed else { return people }
        throw refuse(
            "the policy set changed since it was signed", notes: difference(signed: signed, current: current))
    }

    /// Each file added, removed or changed between two manifests.
    static func difference(signed: String, current: String) -> [String] {
        func entries(_ manifest: String) -> [String: String] {
            var byPath: [String: String] = [:]
            for line in manifest.split(separator: "\n").dropFirst() {
                let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
                if parts.count == 2 { byPath[parts[1]] = parts[0] }
            }
            return byPath
        }
        let before = entries(signed)
        let after = entries(current)
        return Set(before.keys).union(after.keys).sorted().compactMap { file in
            switch (before[file], after[file]) {
            case (nil, _?): "added since signing: \(file)"
            case (_?, nil): "removed since signing: \(file)"
            case (let was?, let now?) where was != now: "changed since signing: \(file)"
            default: nil
            }
        }
    }

    /// The folder the bundle files live in: the policy path when it is a folder, else its folder.
    private static func folder(of policyPath: String, in store: any InputStore) -> String {
        store.kind(of: policyPath) == .directory ? policyPath : (policyPath as NSString).deletingLastPathComponent
    }
}
