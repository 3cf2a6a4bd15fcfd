import GRDB

/// Every row of a registry, as stored, for a verbatim copy into another store.
struct RegistryDump {
    /// A stored value.
    enum Value {
        case text(String)
        case integer(Int64)
        case null
    }

    /// One table's rows, in primary-key order.
    struct Table {
        var name: String
        var columns: [String]
        var rows: [[Value]]
    }

    /// The tables in an order that satisfies their references.
    var tables: [Table]
    var headSeq: Int64
    var headHash: String

    /// The tables and columns a copy carries, in copy order (referenced tables first).
    static let layout: [(name: String, columns: [String], order: String)] = [
        ("sources", ["id", "epsilon_cap", "delta_cap", "registered_at"], "id"),
        (
            "signing_keys",
            [
                "fingerprint", "public_key", "status", "activated_at", "activated_by", "retired_at", "revoked_at",
                "revoked_reason", "revoked_by",
            ], "fingerprint"
        ),
        (
            "ledger_events",
            [
                "id", "source", "run", "mechanism", "cost", "state", "actor", "reserved_at", "lease_expires_at",
                "settled_at", "release_reason",
            ], "id"
        ),
        (
            "certificates",
            [
                "id", "source", "tier", "audience", "consumers", "issued_at", "expires_at", "digest", "revoked_at",
                "revoked_reason", "revoked_by", "key_id",
            ], "id"
        ),
        (
            "lifecycle_events", ["id", "kind", "certificate", "outcome", "actor", "at", "details"], "id"
        ),
        ("audit_log", ["seq", "at", "actor", "action", "subject", "details", "previous_hash", "hash"], "seq"),
    ]
}

extension SQLiteRegistry {
    /// Every row, in one snapshot.
    func verbatimRows() throws(RegistryError) -> RegistryDump {
        try read { db in
            var tables: [RegistryDump.Table] = []
            for table in RegistryDump.layout {
                let rows = try Row.fetchAll(
                    db,
                    sql: "SELECT \(table.columns.joined(separator: ", ")) FROM \(table.name) ORDER BY \(table.order)")
                tables.append(
                    .init(
                        name: table.name, columns: table.columns,
                        rows: try rows.map { row in
                            try table.columns.map { column throws -> RegistryDump.Value in
                                let value: DatabaseValue = row[column]
                                switch value.storage {
                                case .null: return .null
                                case .int64(let integer): return .integer(integer)
                                case .string(let text): return .text(text)
                                case .double, .blob:
                                    throw RegistryError.database(
                                        "\(table.name).\(column) holds a value Charter does not write")
                                }
                            }
                        }))
            }
            guard let head = try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit_head WHERE id = 1") else {
                throw RegistryError.database("the audit chain head is missing")
            }
            return RegistryDump(tables: tables, headSeq: try head.integer("seq"), headHash: try head.text("hash"))
        }
    }
}
