import CharterCore
public import CharterPolicy
import Synchronization

/// A policy set read once and compiled for deciding many requests: what a long-running front end
/// (`charter serve`) decides with, so that a decision costs the request's reading and evaluation
/// only, never the policy's.
///
/// It holds what ``PolicySelection`` chose (the policy, its identities, the texts read) with the
/// policy compiled to a ``DecisionProgram``, and a fingerprint of every file the selection could
/// read: ``LivePolicy`` compares fingerprints to tell when the files changed. A class, immutable,
/// so that every request shares one copy through one reference.
public final class LoadedPolicy: Sendable {
    /// The policy folder or file, as named.
    public let path: String
    /// The selection: the policy, or the diagnostics that say why there is none.
    public let selection: PolicySelection
    /// The policy compiled; `nil` when there is no policy.
    public let program: DecisionProgram?
    /// ``fingerprint(path:selection:store:)`` of the files as read.
    public let fingerprint: String
    /// The manifests decided under this set (a reload starts an empty one).
    public let memo = DecisionMemo()
    /// ``roles(heldBy:)`` as computed, by identity as given.
    private let heldRoles = Mutex<[String: Set<String>]>([:])
    /// The most identities whose roles are remembered; past it the memory starts again.
    static let rememberedIdentities = 4096

    /// Reads and compiles the policy set at `path` in `store`.
    /// - Complexity: reads every file under `path` and the files the policy names.
    public init(path: String, store: any InputStore) {
        self.path = path
        selection = PolicySelection(path: path, in: store)
        program = selection.policy.map(DecisionProgram.init(policy:))
        fingerprint = Self.fingerprint(path: path, selection: selection, store: store)
    }

    /// The policy's roles `identity` is a member of, directly or through a group of the policy's
    /// directory; none when there is no policy or `identity` is not a valid identity. Remembered
    /// per identity: comparing identities canonicalises each member, which a server checking a
    /// bearer token on every request should pay once.
    public func roles(heldBy identity: String) -> Set<String> {
        if let known = heldRoles.withLock({ $0[identity] }) { return known }
        var held: Set<String> = []
        if let policy = selection.policy, let person = try? Identity(identity) {
            held = Set(policy.roles(heldBy: person, groups: selection.identities))
        }
        heldRoles.withLock { remembered in
            if remembered.count >= Self.rememberedIdentities { remembered = [:] }
            remembered[identity] = held
        }
        return held
    }

    /// A digest of what the policy set is made of now: the YAML files under `path` and every file
    /// the selection read (a base outside the folder, the allowed signers, the directory), each
    /// by name and bytes. A file added, removed or edited changes it; reading it costs a listing
    /// and the files' bytes, no parsing.
    public static func fingerprint(path: String, selection: PolicySelection, store: any InputStore) -> String {
        let listed = InputFileSet(paths: [path], extensions: ["yaml", "yml"], in: store).files
        var bytes: [UInt8] = []
        for file in Set(listed + selection.policyFiles).sorted() {
            bytes += Array(file.utf8) + [0]
            if let contents = store.contents(of: file) {
                bytes += Array(String(contents.count).utf8) + [0] + contents
            } else {
                bytes += Array("missing".utf8) + [0]
            }
        }
        return ContentDigest.sha256(bytes)
    }
}

/// The policy set a long-running front end decides with, kept current with its files.
///
/// ``current`` is the set as last loaded, read under a lock that is held only to copy a reference.
/// ``refresh()`` recomputes the fingerprint and reloads only when it differs; the front end calls
/// it on its own schedule (`charter serve`: once a second and on SIGHUP), so no request pays for
/// the check. A set that no longer loads is current too: decisions then fail with its diagnostics
/// rather than go on under rules that are no longer on disk.
public final class LivePolicy: Sendable {
    /// The policy folder or file.
    public let path: String
    private let store: any InputStore
    private let state: Mutex<LoadedPolicy>

    /// Loads the policy set at `path` in `store`.
    public init(path: String, store: any InputStore) {
        self.path = path
        self.store = store
        state = Mutex(LoadedPolicy(path: path, store: store))
    }

    /// The set as last loaded.
    public var current: LoadedPolicy { state.withLock { $0 } }

    /// Reloads the set when its files changed since it was loaded.
    /// - Returns: the set now current and whether it was reloaded.
    @discardableResult
    public func refresh() -> (policy: LoadedPolicy, reloaded: Bool) {
        let loaded = current
        let fingerprint = LoadedPolicy.fingerprint(path: path, selection: loaded.selection, store: store)
        guard fingerprint != loaded.fingerprint else { return (loaded, false) }
        let reloaded = LoadedPolicy(path: path, store: store)
        state.withLock { $0 = reloaded }
        return (reloaded, true)
    }

    /// Reloads the set whether or not its files changed (a front end's SIGHUP).
    /// - Returns: the set now current, and `true`.
    @discardableResult
    public func reload() -> (policy: LoadedPolicy, reloaded: Bool) {
        let reloaded = LoadedPolicy(path: path, store: store)
        state.withLock { $0 = reloaded }
        return (reloaded, true)
    }
}
