#!/usr/bin/env bash
# pgbench running the statements a PostgreSQL reserve and commit send (BEGIN; the locked read; the
# held writes as one statement; COMMIT), once with writers waiting on the head row's lock alone and
# once queued on the advisory lock first (PostgresRegistry.writersQueue), on one registry schema
# that RegistryThroughput left behind. The function is taken from the Swift source, so it is the
# one Charter defines. The writes are the same shape as Charter's, not its exact rows.
#
#   .ci/postgres-cluster   # export the CHARTER_TEST_POSTGRES_* lines it prints
#   (cd Benchmarks && .build/release/RegistryThroughput --clients 50)   # leaves a bench_… schema
#   scripts/pgbench-head-lock/charter-shape.sh [clients…]
set -euo pipefail
url="${CHARTER_TEST_POSTGRES_URL:?run .ci/postgres-cluster and export what it prints}"
tool() { command -v "$1" 2>/dev/null || ls /usr/lib/postgresql/*/bin/"$1" 2>/dev/null | tail -1; }
psql="$(tool psql)"
pgbench="$(tool pgbench)"
[ -x "$psql" ] && [ -x "$pgbench" ] || { echo "psql and pgbench are needed (Debian: postgresql)" >&2; exit 2; }
root="$(cd "$(dirname "$0")/../.." && pwd)"
schema="$("$psql" "$url" -Atc "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'bench\_%' ORDER BY nspname LIMIT 1")"
[ -n "$schema" ] || { echo "no bench_ schema: run RegistryThroughput first" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The function as LockedRead.function writes it, between its CREATE and its closing $charter$.
queue='pg_advisory_xact_lock(72267, hashtext(current_schema()))'
sed -n '/CREATE OR REPLACE FUNCTION pg_temp.charter_lock_and_read/,/^ *\$charter\$$/p' \
    "$root/Sources/CharterRegistry/Postgres/PostgresLockedRead.swift" | sed 's/^        //' > "$work/function.sql"
grep -q 'writersQueue' "$work/function.sql" || { echo "the function's text was not found" >&2; exit 2; }
{
    echo "SET search_path TO $schema;"
    sed "s/pg_temp\.charter_lock_and_read/charter_bench_queued/; s/\\\\(PostgresRegistry.writersQueue)/$queue/" "$work/function.sql"
    echo ";"
    sed "s/pg_temp\.charter_lock_and_read/charter_bench_row/; /writersQueue/d" "$work/function.sql"
    echo ";"
} > "$work/setup.sql"
"$psql" "$url" -q -v ON_ERROR_STOP=1 -f "$work/setup.sql"
reading="SELECT sources.epsilon_cap, (SELECT count(*) FROM (SELECT * FROM ledger_events WHERE state = ''reserved'' AND lease_expires_at <= \$2 LIMIT 1) AS ended) AS ended, (SELECT COALESCE(MAX(id), 0) FROM ledger_events) AS last_id, live.cost, live.uses, live.first FROM (SELECT 1) AS one LEFT JOIN sources ON sources.id = \$1[1] LEFT JOIN (SELECT cost, count(*) AS uses, min(id) AS first FROM ledger_events WHERE source = \$1[2] AND (state = ''committed'' OR (state = ''reserved'' AND lease_expires_at > \$2)) GROUP BY cost) AS live ON true ORDER BY live.first"
hash=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
audit="INSERT INTO audit_log (seq, at, actor, action, subject, details, previous_hash, hash) VALUES ((SELECT seq + 1 FROM audit_head), '2026-12-04T00:00:00.000Z', 'bench', 'reserve', 'bench', '{}', '$hash', '$hash')"
head="UPDATE audit_head SET seq = seq + 1, hash = '$hash' WHERE id = 1"
for lock in row queued; do
    cat > "$work/reserve-$lock.sql" <<SQL
\set r random(1, 1000000000)
BEGIN;
SELECT charter_bench_$lock(true, 0, '$reading', ARRAY['bench', 'bench']) AS row;
WITH held0 AS (INSERT INTO ledger_events (id, source, run, mechanism, cost, state, actor, reserved_at, lease_expires_at) VALUES ((SELECT max(id) + 1 FROM ledger_events), 'bench', 'PGBENCH-' || :r, 'bench', '{"epsilon":"0","kind":"pure"}', 'reserved', 'bench', 0, 0)), held1 AS ($audit) $head;
COMMIT;
SQL
    cat > "$work/commit-$lock.sql" <<SQL
\set e random(1, 2000)
BEGIN;
SELECT charter_bench_$lock(true, 0, 'SELECT * FROM ledger_events WHERE id = \$1[1]::bigint', ARRAY[:e::text]) AS row;
WITH held0 AS (UPDATE ledger_events SET settled_at = settled_at WHERE id = :e), held1 AS ($audit) $head;
COMMIT;
SQL
done
counts=("$@")
[ "${#counts[@]}" -gt 0 ] || counts=(1 8 50)
# Each count runs row, queued, queued, row: the ledger grows with every run, so each lock gets one
# earlier and one later turn.
for clients in "${counts[@]}"; do
    for lock in row queued queued row; do
        tps="$(PGOPTIONS="-c search_path=$schema" "$pgbench" -n -M extended -c "$clients" -j 2 -T 6 \
            -f "$work/reserve-$lock.sql" -f "$work/commit-$lock.sql" "$url" 2>&1 | sed -n 's/^tps = \([0-9.]*\).*/\1/p')"
        echo "clients $clients  lock: $lock  transactions/s $tps"
    done
done
