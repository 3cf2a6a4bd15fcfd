BEGIN;
WITH locked AS MATERIALIZED (SELECT seq, hash FROM pgt.h WHERE id = 1 FOR UPDATE) SELECT seq, hash, clock_timestamp() FROM locked;
SELECT * FROM pgt.l WHERE v = 'none';
SELECT count(*) FROM pgt.l WHERE id < 0;
INSERT INTO pgt.l (v) VALUES ('a');
INSERT INTO pgt.l (v) VALUES ('audit');
UPDATE pgt.h SET seq = seq + 1 WHERE id = 1;
COMMIT;
