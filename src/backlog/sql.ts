/**
 * The backlog's SQL, in one file so a reviewer reads every statement. Money
 * is read back as text, never as a JS number.
 */

/**
 * Marks claims stuck: one statement. The CTE locks the due claims in id order
 * (the order ingestion locks claims in, so the two cannot deadlock); a claim
 * another marking has just marked is re-checked after its lock is released
 * and no longer matches `NOT stuck`, so concurrent markings mark each claim
 * once. Returns the claims marked grouped as the backlog's tally keeps them
 * (province, year, facility, since when pending, what they miss; and month,
 * the key money moves by), so the answer stays small however many claims
 * are marked.
 * $1 cutoff (pending since at or before), $2 now, $3 at most this many
 * claims (the first due by id; a row a concurrent marking took is skipped, and
 * the next due one locked in its place).
 */
export const MARK_STUCK = `
WITH due AS (
  SELECT id, year FROM claim
  WHERE status = 'pending_documentation' AND NOT stuck AND pending_since <= $1::timestamptz
  ORDER BY id
  LIMIT $3
  FOR UPDATE
), marked AS (
  UPDATE claim c SET stuck = true, stuck_at = $2::timestamptz, updated_at = $2::timestamptz
  FROM due
  WHERE c.id = due.id AND c.year = due.year AND NOT c.stuck
  RETURNING c.province_code, c.year, c.month, c.facility_code, c.pending_since, c.missing_documents, c.insurance_amount
)
SELECT province_code AS "provinceCode", year AS "year", month AS "month", facility_code AS "facilityCode",
       pending_since AS "since", missing_documents AS "missing", count(*)::int AS "marked",
       sum(insurance_amount)::text AS "amount"
FROM marked GROUP BY 1, 2, 3, 4, 5, 6`;

export interface BacklogRow {
  /** `facility`, `document`, `age` (stuck claims) or `pending` (every claim pending documentation). */
  dim: "facility" | "document" | "age" | "pending";
  key: string | null;
  name: string | null;
  days: number | null;
  n: number;
  amount: string;
  oldest: Date | null;
}

/**
 * Every figure of the backlog in one statement (one snapshot), from the
 * backlog's tallies, never a scan of claims: stuck claims grouped by facility
 * (pending_tally; the oldest stuck claim's instant by one index probe per
 * facility), by missing document type (a claim missing two types counts
 * under both) and by whole days pending at `asOf` (pending_age: calendar days
 * in Vietnam time since the day it began pending); plus the count and amount
 * of all claims pending documentation, stuck or not. $1 asOf; $2 a province
 * code and $3 a year narrow it (null: all).
 */
export const BACKLOG = `
WITH pending AS (
  SELECT t.facility_code, t.missing, t.stuck, t.claims, t.amount
  FROM pending_tally t
  WHERE t.claims <> 0 AND ($2::text IS NULL OR t.province_code = $2::text) AND ($3::int IS NULL OR t.year = $3::int)
), stuck AS (
  SELECT * FROM pending WHERE stuck
), by_facility AS (
  SELECT s.facility_code, sum(s.claims)::int AS n, sum(s.amount) AS amount FROM stuck s GROUP BY 1
)
SELECT 'facility' AS "dim", b.facility_code AS "key", f.name AS "name", NULL::int AS "days", b.n AS "n",
       b.amount::text AS "amount",
       (SELECT min(c.pending_since) FROM claim c
        WHERE c.facility_code = b.facility_code AND c.status = 'pending_documentation' AND c.stuck
          AND ($2::text IS NULL OR c.province_code = $2::text) AND ($3::int IS NULL OR c.year = $3::int)) AS "oldest"
FROM by_facility b LEFT JOIN facility f ON f.code = b.facility_code
UNION ALL
SELECT 'document', d.type, NULL, NULL, sum(s.claims)::int, sum(s.amount)::text, NULL
FROM stuck s CROSS JOIN LATERAL unnest(string_to_array(NULLIF(s.missing, ''), ',')) AS d(type)
GROUP BY d.type
UNION ALL
SELECT 'age', NULL, NULL, ((($1::timestamptz AT TIME ZONE 'UTC') + interval '7 hours')::date - a.since_day)::int,
       sum(a.claims)::int, sum(a.amount)::text, NULL
FROM pending_age a
WHERE a.stuck AND a.claims <> 0 AND ($2::text IS NULL OR a.province_code = $2::text)
  AND ($3::int IS NULL OR a.year = $3::int)
GROUP BY 4
UNION ALL
SELECT 'pending', NULL, NULL, NULL, COALESCE(sum(p.claims), 0)::int, COALESCE(sum(p.amount), 0)::text, NULL
FROM pending p`;

/**
 * The claim tables' partitions for the years `from` to `to` (discharge years, Vietnam time), created when missing:
 * the periodic marking keeps this year's and next year's in place, so the first claim of a new year has its
 * partition. A partition created takes a brief lock on its parent table; one that exists is left alone. A DO block
 * takes no parameters: the years are checked integers.
 */
export function ensureYearPartitions(from: number, to: number): string {
  if (!Number.isInteger(from) || !Number.isInteger(to)) throw new Error("years must be integers");
  return `
DO $$
DECLARE y int;
BEGIN
  FOR y IN SELECT generate_series(${from}, ${to}) LOOP
    IF to_regclass(format('claim_%s', y)) IS NULL THEN
      EXECUTE format('CREATE TABLE %I PARTITION OF claim FOR VALUES IN (%s)', 'claim_' || y, y);
      EXECUTE format('CREATE TABLE %I PARTITION OF claim_document FOR VALUES IN (%s)', 'claim_document_' || y, y);
      EXECUTE format('CREATE TABLE %I PARTITION OF claim_history FOR VALUES IN (%s)', 'claim_history_' || y, y);
    END IF;
  END LOOP;
END $$`;
}

/** The backlog's tally rows whose claims have all left (accepted, corrected, moved): kept small for its reads. */
export const DROP_EMPTY_PENDING = `
WITH tally AS (DELETE FROM pending_tally WHERE claims = 0 AND amount = 0)
DELETE FROM pending_age WHERE claims = 0 AND amount = 0`;
