import CharterCore

/// What ``PostgresRegistry/importVerbatim(from:)`` copied.
public struct RegistryCopy: Sendable, Equatable {
    /// Rows copied per table, in copy order.
    public var rows: [(table: String, count: Int)]
    /// The chain head, identical in the source and the copy.
    public var headSeq: Int64
    /// The head's hash.
    public var headHash: String

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.rows.map(\.table) == rhs.rows.map(\.table) && lhs.rows.map(\.count) == rhs.rows.map(\.count)
            && lhs.headSeq == rhs.headSeq && lhs.headHash == rhs.headHash
    }
}

extension PostgresRegistry {
    /// Copies every row of an SQLite registry — sources, signing keys, ledger events, certificates
    /// and the audit chain with its head — verbatim into this registry, which must be empty, in
    /// one transaction: afterwards the chain verifies here with the same head, or nothing was
    /// copied.
    ///
    /// - Throws: ``RegistryError/database(_:)`` when this registry is not empty or the source's
    ///   chain does not verify (a broken chain is not laundered into a fresh database).
    public func importVerbatim(from source: SQLiteRegistry) throws(RegistryError) -> RegistryCopy {
        let verification = try source.verifyAudit()
        guard verification.isIntact else {
            throw .database(
                "the audit chain of \"\(source.path)\" does not verify (\(verification.findings.count) finding(s)): run charter audit verify on it; nothing was copied"
            )
        }
        let dump = try source.verbatimRows()
        return try write(at: Timestamp(millisecondsSinceEpoch: 0)) { transaction, head, _, _ in
            let existing =
                try transaction.one(
                    """
                    SELECT (SELECT count(*) FROM sources) + (SELECT count(*) FROM signing_keys)
                         + (SELECT count(*) FROM audit_log) AS n
                    """)?.integer("n") ?? 0
            guard existing == 0, head.seq == 0 else {
                throw RegistryError.database(
                    "\(location) already holds a registry (\(existing) row(s), chain head \(head.seq)): a copy goes into an empty one"
                )
            }
            var counts: [(table: String, count: Int)] = []
            for table in dump.tables {
                let placeholders = (1...table.columns.count).map { "$\($0)" }.joined(separator: ", ")
                let sql =
                    "INSERT INTO \(table.name) (\(table.columns.joined(separator: ", "))) VALUES (\(placeholders))"
                for row in table.rows {
                    try transaction.execute(
                        sql,
                        row.map { value in
                            switch value {
                            case .text(let text): .text(text)
                            case .integer(let integer): .integer(integer)
                            case .null: .null
                            }
                        })
                }
                counts.append((table.name, table.rows.count))
            }
            try transaction.execute(
                "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1",
                [.integer(dump.headSeq), .text(dump.headHash)])
            head = Head(seq: dump.headSeq, hash: dump.headHash)
            return RegistryCopy(rows: counts, headSeq: dump.headSeq, headHash: dump.headHash)
        }
    }
}
