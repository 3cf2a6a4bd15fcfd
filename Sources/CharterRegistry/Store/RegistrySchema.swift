import GRDB

/// The registry's tables, as versioned migrations. A migration, once released, never changes:
/// later versions add migrations.
enum RegistrySchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-ledger-catalogue-audit") { db in
            // STRICT tables (SQLite ≥ 3.37) refuse values of the wrong type instead of storing them.
            try db.execute(
                sql: """
                    CREATE TABLE sources (
                        id TEXT PRIMARY KEY NOT NULL,
                        epsilon_cap TEXT NOT NULL,
                        delta_cap TEXT NOT NULL,
                        registered_at INTEGER NOT NULL
                    ) STRICT;

                    CREATE TABLE ledger_events (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        source TEXT NOT NULL REFERENCES sources(id),
                        run TEXT NOT NULL,
                        mechanism TEXT NOT NULL,
                        cost TEXT NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('reserved', 'committed', 'released')),
                        actor TEXT NOT NULL,
                        reserved_at INTEGER NOT NULL,
                        lease_expires_at INTEGER NOT NULL,
                        settled_at INTEGER,
                        release_reason TEXT
                    ) STRICT;
                    CREATE INDEX ledger_events_by_source ON ledger_events(source, id);
                    CREATE INDEX ledger_events_by_lease ON ledger_events(state, lease_expires_at);

                    CREATE TABLE certificates (
                        id TEXT PRIMARY KEY NOT NULL,
                        source TEXT NOT NULL REFERENCES sources(id),
                        tier TEXT NOT NULL,
                        audience TEXT NOT NULL,
                        consumers TEXT NOT NULL,
                        issued_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL,
                        digest TEXT NOT NULL,
                        revoked_at INTEGER,
                        revoked_reason TEXT,
                        revoked_by TEXT
                    ) STRICT;
                    CREATE INDEX certificates_by_expiry ON certificates(expires_at);

                    CREATE TABLE audit_log (
                        seq INTEGER PRIMARY KEY,
                        at TEXT NOT NULL,
                        actor TEXT NOT NULL,
                        action TEXT NOT NULL,
                        subject TEXT NOT NULL,
                        details TEXT NOT NULL,
                        previous_hash TEXT NOT NULL,
                        hash TEXT NOT NULL
                    ) STRICT;

                    -- The last record's sequence number and hash, updated with every append, so that
                    -- deleting the newest records is detected too.
                    CREATE TABLE audit_head (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        seq INTEGER NOT NULL,
                        hash TEXT NOT NULL
                    ) STRICT;
                    INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '\(AuditRecord.genesisHash)');

                    -- The chain is append-only. The hash chain detects what these triggers cannot
                    -- stop (a writer who drops them); the triggers stop accidents.
                    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                    BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
                    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
                    BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
                    CREATE TRIGGER ledger_events_no_delete BEFORE DELETE ON ledger_events
                    BEGIN SELECT RAISE(ABORT, 'ledger events are never deleted'); END;
                    """)
        }
        // The lead's "v2-plan-claims" goes here at merge: migrations run in the order registered.
        migrator.registerMigration("v3-signing-keys") { db in
            try db.execute(
                sql: """
                    -- The organisation's certificate-signing keys (public halves only). Exactly one is
                    -- active at a time; a retired key keeps the period it was active; a revoked key is
                    -- distrusted for everything it signed.
                    CREATE TABLE signing_keys (
                        fingerprint TEXT PRIMARY KEY NOT NULL,
                        public_key TEXT NOT NULL UNIQUE,
                        status TEXT NOT NULL CHECK (status IN ('active', 'retired', 'revoked')),
                        activated_at INTEGER NOT NULL,
                        activated_by TEXT NOT NULL,
                        retired_at INTEGER,
                        revoked_at INTEGER,
                        revoked_reason TEXT,
                        revoked_by TEXT,
                        CHECK ((status = 'revoked') = (revoked_at IS NOT NULL)),
                        CHECK (status != 'retired' OR retired_at IS NOT NULL)
                    ) STRICT;
                    CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys(status) WHERE status = 'active';
                    CREATE TRIGGER signing_keys_no_delete BEFORE DELETE ON signing_keys
                    BEGIN SELECT RAISE(ABORT, 'signing keys are never deleted'); END;

                    -- The key that signed each certificate (NULL for certificates recorded before keys were).
                    ALTER TABLE certificates ADD COLUMN key_id TEXT;
                    """)
        }
        migrator.registerMigration("v4-lifecycle") { db in
            try db.execute(
                sql: """
                    -- What happened to certificates after issue: publication terms, revalidations,
                    -- accesses (allowed and refused), incidents, retirements. Ids are assigned as the
                    -- next integer under the write lock, as PostgreSQL assigns them. Each row's details
                    -- are pinned by digest in the audit record of the same transaction.
                    CREATE TABLE lifecycle_events (
                        id INTEGER PRIMARY KEY,
                        kind TEXT NOT NULL
                            CHECK (kind IN ('publication', 'revalidation', 'access', 'incident', 'retirement')),
                        certificate TEXT REFERENCES certificates(id),
                        outcome TEXT NOT NULL,
                        actor TEXT NOT NULL,
                        at INTEGER NOT NULL,
                        details TEXT NOT NULL,
                        CHECK ((kind = 'incident') = (certificate IS NULL))
                    ) STRICT;
                    CREATE INDEX lifecycle_events_by_certificate ON lifecycle_events(certificate, id);
                    CREATE TRIGGER lifecycle_events_no_update BEFORE UPDATE ON lifecycle_events
                    BEGIN SELECT RAISE(ABORT, 'lifecycle events are append-only'); END;
                    CREATE TRIGGER lifecycle_events_no_delete BEFORE DELETE ON lifecycle_events
                    BEGIN SELECT RAISE(ABORT, 'lifecycle events are append-only'); END;
                    """)
        }
        migrator.registerMigration("v5-ledger-events-by-run") { db in
            // A pinned reservation looks up its plan's events by run under the write lock; without
            // this index that lookup scanned the whole ledger. (PostgreSQL has had it since v1.)
            try db.execute(sql: "CREATE INDEX ledger_events_by_run ON ledger_events(run, id);")
        }
        return migrator
    }
}
