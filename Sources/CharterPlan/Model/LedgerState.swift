public import CharterCore

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// What the plan knows of a source's privacy budget: its cap and what is spent or held. A small
/// value read from the registry by the caller (the plan never opens the registry).
public struct LedgerState: Sendable, Equatable {
    /// One ledger event, as far as the plan cares: its id and where it is in its life.
    public struct Event: Sendable, Equatable {
        /// The ledger's id.
        public var id: Int64
        /// `reserved`, `committed` or `released`.
        public var state: String

        /// Creates an event.
        public init(id: Int64, state: String) {
            self.id = id
            self.state = state
        }
    }

    /// The source dataset (the ledger's key).
    public var source: String
    /// Whether the registry knows the source; an unregistered source has spent nothing.
    public var isRegistered: Bool
    /// The registered lifetime ε cap (`nil` when unregistered).
    public var capEpsilon: Decimal?
    /// The registered lifetime δ cap (`nil` when unregistered).
    public var capDelta: Decimal?
    /// ε committed or held by live reservations; `nil` when the held spend has no finite ε.
    public var spentEpsilon: Decimal?
    /// δ committed or held by live reservations.
    public var spentDelta: Decimal
    /// How the ledger composes runs (`basic`, `rdp`, `zcdp`), when known.
    public var composition: String?
    /// Every event of the source, in id order.
    public var events: [Event]

    /// Creates a ledger state.
    public init(
        source: String, isRegistered: Bool, capEpsilon: Decimal?, capDelta: Decimal?, spentEpsilon: Decimal?,
        spentDelta: Decimal, composition: String?, events: [Event]
    ) {
        self.source = source
        self.isRegistered = isRegistered
        self.capEpsilon = capEpsilon
        self.capDelta = capDelta
        self.spentEpsilon = spentEpsilon
        self.spentDelta = spentDelta
        self.composition = composition
        self.events = events
    }

    /// A source the registry does not know (or no registry at all): nothing spent.
    public static func unregistered(source: String) -> LedgerState {
        LedgerState(
            source: source, isRegistered: false, capEpsilon: nil, capDelta: nil, spentEpsilon: 0, spentDelta: 0,
            composition: nil, events: [])
    }

    /// The state as canonical JSON, what ``digest`` is computed over.
    public var json: JSONValue {
        [
            "source": .string(source), "registered": .bool(isRegistered),
            "cap_epsilon": capEpsilon.map { .decimal($0.jsonText) } ?? .null,
            "cap_delta": capDelta.map { .decimal($0.jsonText) } ?? .null,
            "spent_epsilon": spentEpsilon.map { .decimal($0.jsonText) } ?? .null,
            "spent_delta": .decimal(spentDelta.jsonText),
            "composition": composition.map { .string($0) } ?? .null,
            "events": .array(events.map { ["id": .integer(Int($0.id)), "state": .string($0.state)] }),
        ]
    }

    /// `sha256:…` of ``json``: any spend, reservation, release or cap change changes it.
    public var digest: String { (try? ContentDigest.sha256(json)) ?? "sha256:unencodable" }
}

extension Decimal {
    /// Plain decimal text that is a valid JSON number (`0.000001`, `-2`, `10`).
    package var jsonText: String {
        let text = "\(self)"
        return text.hasPrefix(".") ? "0" + text : (text.hasPrefix("-.") ? "-0" + text.dropFirst() : text)
    }
}
