/// The registry's tables on PostgreSQL, as versioned migrations with the same identifiers as
/// SQLite's (``RegistrySchema``), so that both stores speak of one schema version. A migration, once
/// released, never changes: later versions add migrations.
///
/// The columns are SQLite's, typed `TEXT` and `BIGINT` (milliseconds since the epoch), so that
/// `charter registry migrate` copies rows verbatim and the audit chain replays identically.
/// Ledger event ids are assigned under the audit head's lock as the next integer, not from a
/// sequence: a sequence leaves gaps on rollback, and SQLite's ids have none.
enum PostgresSchema {
    /// The applied migrations, one row each.
    static let bookkeeping = """
        CREATE TABLE IF NOT EXISTS charter_migrations (
            identifier TEXT PRIMARY KEY,
            applied_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
        )
        """

    /// Every migration, in order, each a list of statements run in one transaction.
    static let migrations: [(identifier: String, statements: [String])] = [
        (
            "v1-ledger-catalogue-audit",
            [
                """
                CREATE TABLE sources (
                    id TEXT PRIMARY KEY,
                    epsilon_cap TEXT NOT NULL,
                    delta_cap TEXT NOT NULL,
                    registered_at BIGINT NOT NULL
                )
                """,
                """
                CREATE TABLE ledger_events (
                    id BIGINT PRIMARY KEY,
                    source TEXT NOT NULL REFERENCES sources(id),
                    run TEXT NOT NULL,
                    mechanism TEXT NOT NULL,
                    cost TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('reserved', 'committed', 'released')),
                    actor TEXT NOT NULL,
                    reserved_at BIGINT NOT NULL,
                    lease_expires_at BIGINT NOT NULL,
                    settled_at BIGINT,
                    release_reason TEXT
                )
                """,
                "CREATE INDEX ledger_events_by_source ON ledger_events(source, id)",
                "CREATE INDEX ledger_events_by_lease ON ledger_events(state, lease_expires_at)",
                "CREATE INDEX ledger_events_by_run ON ledger_events(run, id)",
                """
                CREATE TABLE certificates (
                    id TEXT PRIMARY KEY,
                    source TEXT NOT NULL REFERENCES sources(id),
                    tier TEXT NOT NULL,
                    audience TEXT NOT NULL,
                    consumers TEXT NOT NULL,
                    issued_at BIGINT NOT NULL,
                    expires_at BIGINT NOT NULL,
                    digest TEXT NOT NULL,
                    revoked_at BIGINT,
                    revoked_reason TEXT,
                    revoked_by TEXT
                )
                """,
                "CREATE INDEX certificates_by_expiry ON certificates(expires_at)",
                """
                CREATE TABLE audit_log (
                    seq BIGINT PRIMARY KEY,
                    at TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    details TEXT NOT NULL,
                    previous_hash TEXT NOT NULL,
                    hash TEXT NOT NULL
                )
                """,
                // The last record's sequence number and hash, updated with every append, so that
                // deleting the newest records is detected too. Every write locks this row first.
                """
                CREATE TABLE audit_head (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    seq BIGINT NOT NULL,
                    hash TEXT NOT NULL
                )
                """,
                "INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '\(AuditRecord.genesisHash)')",
                // The chain is append-only. The hash chain detects what these triggers cannot stop
                // (a writer who drops them); the triggers stop accidents.
                """
                CREATE FUNCTION charter_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END $$
                """,
                """
                CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                FOR EACH ROW EXECUTE FUNCTION charter_refuse('audit records are append-only')
                """,
                """
                CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
                FOR EACH ROW EXECUTE FUNCTION charter_refuse('audit records are append-only')
                """,
                """
                CREATE TRIGGER ledger_events_no_delete BEFORE DELETE ON ledger_events
                FOR EACH ROW EXECUTE FUNCTION charter_refuse('ledger events are never deleted')
                """,
            ]
        ),
        // The lead's "v2-plan-claims" goes here at merge, as in RegistrySchema.
        (
            "v3-signing-keys",
            [
                """
                CREATE TABLE signing_keys (
                    fingerprint TEXT PRIMARY KEY,
                    public_key TEXT NOT NULL UNIQUE,
                    status TEXT NOT NULL CHECK (status IN ('active', 'retired', 'revoked')),
                    activated_at BIGINT NOT NULL,
                    activated_by TEXT NOT NULL,
                    retired_at BIGINT,
                    revoked_at BIGINT,
                    revoked_reason TEXT,
                    revoked_by TEXT,
                    CHECK ((status = 'revoked') = (revoked_at IS NOT NULL)),
                    CHECK (status != 'retired' OR retired_at IS NOT NULL)
                )
                """,
                "CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys(status) WHERE status = 'active'",
                """
                CREATE TRIGGER signing_keys_no_delete BEFORE DELETE ON signing_keys
                FOR EACH ROW EXECUTE FUNCTION charter_refuse('signing keys are never deleted')
                """,
                "ALTER TABLE certificates ADD COLUMN key_id TEXT",
            ]
        ),
        (
            "v4-lifecycle",
            [
                """
                CREATE TABLE lifecycle_events (
                    id BIGINT PRIMARY KEY,
                    kind TEXT NOT NULL
                        CHECK (kind IN ('publication', 'revalidation', 'access', 'incident', 'retirement')),
                    certificate TEXT REFERENCES certificates(id),
                    outcome TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    at BIGINT NOT NULL,
                    details TEXT NOT NULL,
                    CHECK ((kind = 'incident') = (certificate IS NULL))
                )
                """,
                "CREATE INDEX lifecycle_events_by_certificate ON lifecycle_events(certificate, id)",
                """
                CREATE TRIGGER lifecycle_events_no_update BEFORE UPDATE ON lifecycle_events
                FOR EACH ROW EXECUTE FUNCTION charter_refuse('lifecycle events are append-only')
                """,
                """
                CREATE TRIGGER lifecycle_events_no_delete BEFORE DELETE ON lifecycle_events
                FOR EACH ROW EXECUTE FUNCTION charter_refuse('lifecycle events are append-only')
                """,
            ]
        ),
    ]

    /// The identifiers this build knows, in order.
    static var identifiers: [String] { migrations.map(\.identifier) }
}
