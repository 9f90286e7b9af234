/**
 * The backlog's SQL, in one file so a reviewer reads every statement. Money
 * is read back as text, never as a JS number.
 */

/**
 * Marks claims stuck: one statement. The CTE locks the due claims in id order
 * (the order ingestion locks claims in, so the two cannot deadlock); a claim
 * another marking has just marked is re-checked after its lock is released
 * and no longer matches `NOT stuck`, so concurrent markings mark each claim
 * once. Returns the number marked per province-year (one row each), so the
 * answer stays small however many claims are marked.
 * $1 cutoff (pending since at or before), $2 now, $3 at most this many
 * claims (the first due by id; a row a concurrent marking took is skipped, and
 * the next due one locked in its place).
 */
export const MARK_STUCK = `
WITH due AS (
  SELECT id FROM claim
  WHERE status = 'pending_documentation' AND NOT stuck AND pending_since <= $1::timestamptz
  ORDER BY id
  LIMIT $3
  FOR UPDATE
), marked AS (
  UPDATE claim c SET stuck = true, stuck_at = $2::timestamptz, updated_at = $2::timestamptz
  FROM due
  WHERE c.id = due.id AND NOT c.stuck
  RETURNING c.province_code, c.year
)
SELECT province_code AS "provinceCode", year AS "year", count(*)::int AS "marked"
FROM marked GROUP BY province_code, year ORDER BY province_code, year`;

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
 * Every figure of the backlog in one statement (one snapshot): stuck claims
 * grouped by facility, by missing document type (a claim missing two types
 * counts under both) and by whole days pending at `asOf`; plus the count and
 * amount of all claims pending documentation, stuck or not. $1 asOf; $2 a
 * province code and $3 a year narrow it (null: all).
 */
export const BACKLOG = `
WITH pending AS (
  SELECT c.facility_code, c.insurance_amount, c.pending_since, c.missing_documents, c.stuck
  FROM claim c
  WHERE c.status = 'pending_documentation' AND ($2::text IS NULL OR c.province_code = $2::text)
    AND ($3::int IS NULL OR c.year = $3::int)
), stuck AS (
  SELECT p.*, floor(extract(epoch FROM ($1::timestamptz - p.pending_since)) / 86400)::int AS age_days
  FROM pending p WHERE p.stuck
)
SELECT 'facility' AS "dim", s.facility_code AS "key", f.name AS "name", NULL::int AS "days",
       count(*)::int AS "n", sum(s.insurance_amount)::text AS "amount", min(s.pending_since) AS "oldest"
FROM stuck s LEFT JOIN facility f ON f.code = s.facility_code
GROUP BY s.facility_code, f.name
UNION ALL
SELECT 'document', d.type, NULL, NULL, count(*)::int, sum(s.insurance_amount)::text, NULL
FROM stuck s CROSS JOIN LATERAL unnest(s.missing_documents) AS d(type)
GROUP BY d.type
UNION ALL
SELECT 'age', NULL, NULL, s.age_days, count(*)::int, sum(s.insurance_amount)::text, NULL
FROM stuck s GROUP BY s.age_days
UNION ALL
SELECT 'pending', NULL, NULL, NULL, count(*)::int, COALESCE(sum(p.insurance_amount), 0)::text, NULL
FROM pending p`;
