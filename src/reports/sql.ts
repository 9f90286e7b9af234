/**
 * The reports' SQL, in one file so a reviewer reads every statement. Each
 * report is one set-based statement over the claims of one discharge year
 * (or reads stored aggregates: the projection). Money and hours come back as
 * text, never as JS numbers.
 */
import type { Database } from "../db/client.ts";

/** The settings of a large scan (see reportQuery), for this transaction only. */
export const REPORT_SETTINGS = `
SELECT set_config('jit', 'off', true), set_config('random_page_cost', '1.1', true),
       set_config('work_mem', '64MB', true)`;

/**
 * Runs one report statement in a transaction of its own with settings for a
 * large scan (measured with bench/reports.ts on 2 million claims):
 * - jit off: on a year of claims PostgreSQL's JIT spent 2.4 s compiling a
 *   plan that then ran in less;
 * - random_page_cost 1.1 (the usual value for SSDs and cached data): with the
 *   default 4 the planner prefers a parallel scan of the wide claim rows to an
 *   index-only scan of claim_reports_covering_idx that reads a sixth of the
 *   bytes and runs twice as fast;
 * - work_mem 64MB, so each facility's claims sort in memory for the percentiles.
 */
export function reportQuery<T>(db: Database, text: string, params: unknown[]): Promise<T[]> {
  return db.withSession(async (session) => {
    await session.query(REPORT_SETTINGS);
    return session.query<T>(text, params);
  });
}

export interface LateRow {
  provinceCode: string;
  facilityCode: string;
  name: string | null;
  claims: number;
  late: number;
  mismatches: number;
  medianHours: string;
  p90Hours: string;
}

/**
 * Late submissions by facility (and accounting province): claims, those
 * flagged late_submission and citizen_id_mismatch, and the median
 * (percentile_cont, interpolated) and 90th percentile (percentile_disc, an
 * observed claim's) of the time from discharge to first receipt, in hours.
 * A correction that moved the discharge after the first receipt counts as 0.
 * Every claim counts, denied ones included: lateness is about sending.
 * $1 year; $2 month, $3 province, $4 facility narrow it (null: all). Every
 * column read is in
 * claim_reports_covering_idx, whose order (year, province, facility) is the
 * grouping order, so the plan is an index-only scan feeding a GroupAggregate
 * with no sort but each facility's own for its percentiles. Names are joined
 * after grouping.
 */
export const LATE_SUBMISSIONS = `
SELECT u.province_code AS "provinceCode", u.facility_code AS "facilityCode", f.name AS "name",
       u.claims AS "claims", u.late AS "late", u.mismatches AS "mismatches", u.median::text AS "medianHours",
         u.p90::text AS "p90Hours"
FROM (
  SELECT c.province_code, c.facility_code, count(*)::int AS claims,
         count(*) FILTER (WHERE 'late_submission' = ANY(c.flags))::int AS late,
         count(*) FILTER (WHERE 'citizen_id_mismatch' = ANY(c.flags))::int AS mismatches,
         extract(epoch FROM percentile_cont(0.5) WITHIN GROUP (ORDER BY GREATEST(c.received_at - c.discharged_at,
           interval '0'))) / 3600 AS median,
         extract(epoch FROM percentile_disc(0.9) WITHIN GROUP (ORDER BY GREATEST(c.received_at - c.discharged_at,
           interval '0'))) / 3600 AS p90
  FROM claim c
  WHERE c.year = $1 AND ($2::int IS NULL OR c.month = $2::int)
    AND ($3::text IS NULL OR c.province_code = $3::text) AND ($4::text IS NULL OR c.facility_code = $4::text)
  GROUP BY c.province_code, c.facility_code
) u LEFT JOIN facility f ON f.code = u.facility_code`;

export interface OutlierUnitRow {
  provinceCode: string;
  facilityCode: string;
  name: string | null;
  visitType: string;
  claims: number;
  amount: string;
  duplicates: number;
}

/**
 * Every facility's claims of the year by accounting province and visit type:
 * count, claimed insurance amounts and claims flagged possible_duplicate.
 * Not narrowed by the caller's scope: peers are compared nationally, so the
 * caller filters the rows it may show afterwards. An index-only scan of the
 * year in claim_reports_covering_idx, already in grouping order. $1 year;
 * $2 a visit type (null: all).
 */
export const OUTLIER_UNITS = `
SELECT u.province_code AS "provinceCode", u.facility_code AS "facilityCode", f.name AS "name",
       u.visit_type AS "visitType", u.claims AS "claims", u.amount::text AS "amount", u.duplicates AS "duplicates"
FROM (
  SELECT c.province_code, c.facility_code, c.visit_type::text AS visit_type, count(*)::int AS claims,
         sum(c.insurance_amount) AS amount, count(*) FILTER (WHERE 'possible_duplicate' = ANY(c.flags))::int AS
           duplicates
  FROM claim c
  WHERE c.year = $1 AND ($2::text IS NULL OR c.visit_type = $2::text::"VisitType")
  GROUP BY c.province_code, c.facility_code, c.visit_type
) u LEFT JOIN facility f ON f.code = u.facility_code`;

/** A province's ($1) spending and estimate for year $2: the figures its projection starts from. */
export const PROVINCE_FIGURES = `
SELECT p.code AS "provinceCode", p.name AS "name", COALESCE(s.spent, 0)::text AS "spent",
       e.total_amount::text AS "estimate"
FROM province p
LEFT JOIN spending s ON s.province_code = p.code AND s.year = $2
LEFT JOIN estimate e ON e.province_code = p.code AND e.year = $2
WHERE p.code = $1`;
