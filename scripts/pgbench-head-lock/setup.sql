-- Tables for transaction.sql: one head row every transaction locks, and a table it appends to.
-- psql "$CHARTER_TEST_POSTGRES_URL" -f scripts/pgbench-head-lock/setup.sql
CREATE SCHEMA IF NOT EXISTS pgt;
CREATE TABLE IF NOT EXISTS pgt.h (id int PRIMARY KEY, seq bigint, hash text);
INSERT INTO pgt.h VALUES (1, 0, 'x') ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS pgt.l (id bigserial PRIMARY KEY, v text);
