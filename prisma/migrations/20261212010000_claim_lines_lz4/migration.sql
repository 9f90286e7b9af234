-- A claim's lines (about 3 KB of JSON for 20 lines) and findings are compressed with lz4 where the server has it, as
-- a batch's raw body already is: lz4 compresses several times faster than the default pglz, and a claim with lines
-- compresses its lines whenever it is stored. Measured with 20 lines a claim, 4 clients, in alternating runs:
-- PostgreSQL CPU per 1,000 claims 175-194 ms against 229-236 with pglz, and 1,817-1,824 claims/s against
-- 1,579-1,589 (docs/scaling.md "Lines on the ingest path"). PGlite is built without
-- lz4 and keeps pglz. ALTER TABLE does not pass SET COMPRESSION down to the year partitions already made, so each is
-- set; those made later take the parent's.
DO $$
DECLARE
  part regclass;
BEGIN
  ALTER TABLE "claim" ALTER COLUMN "lines" SET COMPRESSION lz4, ALTER COLUMN "findings" SET COMPRESSION lz4;
  FOR part IN SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = '"claim"'::regclass LOOP
    EXECUTE format('ALTER TABLE %s ALTER COLUMN "lines" SET COMPRESSION lz4, ALTER COLUMN "findings" SET COMPRESSION lz4',
      part);
  END LOOP;
EXCEPTION WHEN feature_not_supported THEN
  NULL;
END $$;
