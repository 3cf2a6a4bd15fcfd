import CharterCore

/// One `ledger_events` row as stored. ``SQLiteRegistry`` (through GRDB) and ``RegistryReader``
/// (through the SQLite C API) both decode events through it, so both read the same events.
struct LedgerEventColumns {
    var id: Int64
    var source: String
    var run: String
    var mechanism: String
    var cost: String
    var state: String
    var actor: String
    var reservedAt: Int64
    var leaseExpiresAt: Int64
    var settledAt: Int64?
    var releaseReason: String?

    /// The columns, in this order, that ``init(id:source:run:mechanism:cost:state:actor:reservedAt:leaseExpiresAt:settledAt:releaseReason:)`` takes.
    static let selection =
        "id, source, run, mechanism, cost, state, actor, reserved_at, lease_expires_at, settled_at, release_reason"

    /// The event, or a database error when the state or the cost is not one Charter writes.
    func event() throws(RegistryError) -> LedgerEvent {
        guard let state = LedgerEvent.State(rawValue: state) else {
            throw .database("ledger event \(id) has an unknown state")
        }
        return LedgerEvent(
            id: id, source: source, run: run, mechanism: mechanism, cost: try Self.cost(cost, event: id), state: state,
            actor: actor, reservedAt: Timestamp(millisecondsSinceEpoch: reservedAt),
            leaseExpiresAt: Timestamp(millisecondsSinceEpoch: leaseExpiresAt),
            settledAt: settledAt.map(Timestamp.init(millisecondsSinceEpoch:)), releaseReason: releaseReason)
    }

    /// A stored cost, or a database error naming the event when it is not one Charter writes.
    static func cost(_ text: String, event id: Int64) throws(RegistryError) -> PrivacyCost {
        let costJSON: JSONValue
        do {
            costJSON = try JSONParser().parse(text)
        } catch {
            throw .database("the cost of ledger event \(id) is not JSON")
        }
        return try PrivacyCost(json: costJSON)
    }
}
