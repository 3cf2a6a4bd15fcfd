import CharterCore

/// The first read of a change, sent in the round trip that locks the audit head.
///
/// Every change locks the head first (``PostgresRegistry``), and a change's first read must run
/// *after* the lock is granted: under `READ COMMITTED` a statement sees what was committed when it
/// began, so a read joined to the locking statement could miss the change of the writer it waited
/// for. A PL/pgSQL function can do both in one call, because each query inside a volatile function
/// takes a fresh snapshot: ``function`` locks the head, reads the instant (the database's clock or
/// the one handed in), then runs the read. That saves one round trip of every change while the
/// head is locked, where every round trip is paid by every writer in the queue.
///
/// The function is defined in each writing session's own temporary schema (`pg_temp`) when it
/// connects, so it is always the one this code expects, needs no migration and no privilege beyond
/// `TEMP`; where the server refuses it, a change locks and reads in two round trips.
/// The read's SQL is passed as text, built only from this module's constants; its values are bound
/// (`USING`), never spliced into the text.
struct LockedRead {
    /// A value of the read: one bound as it is, or the change's instant (known only once the head
    /// is locked, when the database's clock is used).
    enum Value: Equatable {
        case bound(SQLValue)
        case instant
    }

    /// The event `id` (``LedgerSQL/event``): what a commit, a release and a renewal read first.
    static func event(_ id: Int64) -> LockedRead {
        LockedRead(sql: LedgerSQL.event, values: [.bound(.integer(id))])
    }

    /// The read, with `?` placeholders in the shared SQL's form.
    var sql: String
    /// One value per placeholder, in order.
    var values: [Value]

    /// The read as the change runs it at `instant`: what ``PostgresChange/rows(_:_:)`` compares
    /// with the statement the rules ask for.
    func bound(at instant: Timestamp) -> (sql: String, values: [SQLValue]) {
        (
            sql,
            values.map { value in
                switch value {
                case .bound(let value): value
                case .instant: .integer(instant.millisecondsSinceEpoch)
                }
            }
        )
    }

    /// The read as ``function`` runs it: `$1[k]` (cast to `bigint` for an integer) for the k-th
    /// bound value, `NULL` for SQL's null, `$2` for the instant; and the bound values as the text
    /// array `$1`.
    var functionForm: (query: String, arguments: [String]) {
        var query = ""
        var arguments: [String] = []
        var remaining = values[...]
        for character in sql {
            guard character == "?", let value = remaining.popFirst() else {
                query.append(character)
                continue
            }
            switch value {
            case .instant: query += "$2"
            case .bound(.null): query += "NULL"
            case .bound(.text(let text)):
                arguments.append(text)
                query += "$1[\(arguments.count)]"
            case .bound(.integer(let integer)):
                arguments.append(String(integer))
                query += "$1[\(arguments.count)]::bigint"
            }
        }
        return (query, arguments)
    }

    /// Defines `pg_temp.charter_lock_and_read(database_clock, handed, query, arguments)`: queues
    /// for the registry's writers' lock (``PostgresRegistry/writersQueue``), locks the head row,
    /// returns it with the instant as the first row (JSON), then the read's rows (JSON), run with a
    /// snapshot taken after the lock (none for a null `query`). No row at all when the head is
    /// missing.
    static let function = """
        CREATE OR REPLACE FUNCTION pg_temp.charter_lock_and_read(
            database_clock boolean, handed bigint, query text, arguments text[]
        ) RETURNS SETOF text LANGUAGE plpgsql VOLATILE AS $charter$
        DECLARE
            head_seq bigint;
            head_hash text;
            instant bigint;
        BEGIN
            PERFORM \(PostgresRegistry.writersQueue);
            SELECT seq, hash INTO head_seq, head_hash FROM audit_head WHERE id = 1 FOR UPDATE;
            IF NOT FOUND THEN
                RETURN;
            END IF;
            instant := CASE WHEN database_clock
                THEN (extract(epoch FROM clock_timestamp()) * 1000)::bigint ELSE handed END;
            RETURN NEXT json_build_object('seq', head_seq, 'hash', head_hash, 'now', instant)::text;
            IF query IS NOT NULL THEN
                RETURN QUERY EXECUTE 'SELECT row_to_json(charter_read)::text FROM (' || query || ') AS charter_read'
                    USING arguments, instant;
            END IF;
        END
        $charter$
        """
}
