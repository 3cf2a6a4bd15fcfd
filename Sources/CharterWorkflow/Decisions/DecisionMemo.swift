import CharterCore
import CharterPolicy
import CharterRegistry
import Synchronization

/// Manifests already decided under one ``LoadedPolicy``, so that a long-running front end that is
/// sent the same manifest again (a CI runner polling, a dashboard, a load balancer's retries)
/// answers without reading its YAML or rendering its JSON again — and never with a stale answer.
///
/// A decision is a pure function of the compiled policy and its identities, the manifest's name
/// and bytes, the decision date, the plan digest, whether conditions are traced, and each
/// request's ``SourceBudget`` as the ledger reads it at the request's instant. The memo belongs to
/// one ``LoadedPolicy`` (a policy change is a new memo), is keyed by everything else but the
/// budgets, and on every hit reads each request's budget from the ledger again: the remembered
/// decision is reused only when every budget is equal to the one it was decided with, and is
/// decided again from the parsed requests when one differs (a run spent, a lease lapsed).
///
/// Only manifests that were read and decided without an error are remembered, at most
/// ``maximumManifestBytes`` bytes each (and ``maximumRenderedBytes`` rendered) and ``capacity``
/// of them, the oldest dropped first: with the defaults memory stays under about 40 MB whatever
/// callers send. Keys hold the bytes themselves, not a digest of them, so two manifests share an
/// entry only when they are equal. A remembered answer comes back sooner than a fresh one, so a
/// caller can tell whether a byte-identical manifest was decided lately; telling needs every byte of
/// it, signatures included.
public final class DecisionMemo: Sendable {
    /// The most manifests remembered.
    public let capacity: Int
    /// The largest manifest remembered, in bytes; larger ones are decided every time.
    public let maximumManifestBytes: Int
    /// The largest rendered answer remembered, in bytes (a traced decision of a large manifest
    /// can render many times its size).
    public static let maximumRenderedBytes = 64 * 1024
    private let state: Mutex<Entries>

    /// What identifies a decided manifest besides the policy and the budgets.
    struct Key: Hashable, Sendable {
        var name: String
        var bytes: [UInt8]
        var date: CalendarDate
        var planDigest: String?
        var tracing: Bool

        func hash(into hasher: inout Hasher) {
            hasher.combine(name)
            // The bytes as one buffer: `[UInt8]`'s own hashing feeds the hasher a byte at a time.
            hasher.combine(bytes.count)
            bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
            hasher.combine(date)
            hasher.combine(planDigest)
            hasher.combine(tracing)
        }
    }

    /// A manifest as decided: its requests as parsed, the budget each was decided with, the
    /// result, and the result rendered as the single-manifest ``Deciding/json`` pretty-prints.
    struct Entry: Sendable {
        var requests: [GenerationRequest]
        /// Each request's ledger statement as read when it was decided: equal statements
        /// (the ledger's reader hands back the one it composed while nothing changed) are equal
        /// budgets, without composing the run's spend again.
        var statements: [BudgetStatement?]
        var budgets: [SourceBudget?]
        var result: DecidedRequest
        var rendered: String
    }

    private struct Entries: ~Copyable {
        var entries: [Key: Entry] = [:]
        /// Keys in the order first remembered: the next one to drop is at `oldest`.
        var order: [Key] = []
        var oldest = 0
    }

    /// An empty memo.
    public init(capacity: Int = 512, maximumManifestBytes: Int = 16 * 1024) {
        self.capacity = max(0, capacity)
        self.maximumManifestBytes = max(0, maximumManifestBytes)
        state = Mutex(Entries())
    }

    /// How many manifests are remembered.
    public var count: Int { state.withLock { $0.entries.count } }

    /// The remembered entry for `key`, if any.
    func entry(_ key: Key) -> Entry? {
        guard key.bytes.count <= maximumManifestBytes else { return nil }
        return state.withLock { $0.entries[key] }
    }

    /// Remembers `entry` under `key` when it may be: read and decided without an error, and small
    /// enough. Drops the oldest entry when the memo is full.
    func remember(_ entry: Entry, under key: Key) {
        guard capacity > 0, key.bytes.count <= maximumManifestBytes,
            entry.rendered.utf8.count <= Self.maximumRenderedBytes, !entry.result.unreadable,
            !entry.result.diagnostics.contains(where: { $0.severity == .error })
        else { return }
        state.withLock { state in
            if state.entries.updateValue(entry, forKey: key) != nil { return }
            if state.order.count < capacity {
                state.order.append(key)
                return
            }
            state.entries[state.order[state.oldest]] = nil
            state.order[state.oldest] = key
            state.oldest = (state.oldest + 1) % capacity
        }
    }
}
