/**
 * The reports' SQL, in one file so a reviewer reads every statement. Each
 * report is one set-based statement over the claims of one discharge year
 * (or reads stored aggregates: the projection). Money and hours come back as
 * text, never as JS numbers.
 */
import type { PrismaClient } from "../db/client.ts";
import { Prisma } from "#prisma";

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
export async function reportQuery<T>(prisma: PrismaClient, query: Prisma.Sql): Promise<T[]> {
  const [, rows] = await prisma.$transaction([
    prisma.$executeRawUnsafe(
      `SELECT set_config('jit', 'off', true), set_config('random_page_cost', '1.1', true), set_config('work_mem',
        '64MB', true)`,
    ),
    prisma.$queryRaw<T[]>(query),
  ]);
  return rows as T[];
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
 * `where` starts with c.year = ...: every column read is in
 * claim_reports_covering_idx, whose order (year, province, facility) is the
 * grouping order, so the plan is an index-only scan feeding a GroupAggregate
 * with no sort but each facility's own for its percentiles. Names are joined
 * after grouping.
 */
export function lateSubmissionsQuery(where: Prisma.Sql[]): Prisma.Sql {
  return Prisma.sql`
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
  WHERE ${Prisma.join(where, " AND ")}
  GROUP BY c.province_code, c.facility_code
) u LEFT JOIN facility f ON f.code = u.facility_code`;
}

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
 * year in claim_reports_covering_idx, already in grouping order.
 */
export function outlierUnitsQuery(year: number, visitType: string | undefined): Prisma.Sql {
  return Prisma.sql`
SELECT u.province_code AS "provinceCode", u.facility_code AS "facilityCode", f.name AS "name", u.visit_type AS
  "visitType",
       u.claims AS "claims", u.amount::text AS "amount", u.duplicates AS "duplicates"
FROM (
  SELECT c.province_code, c.facility_code, c.visit_type::text AS visit_type, count(*)::int AS claims,
         sum(c.insurance_amount) AS amount, count(*) FILTER (WHERE 'possible_duplicate' = ANY(c.flags))::int AS
           duplicates
  FROM claim c
  WHERE c.year =
    ${year}${visitType !== undefined ? Prisma.sql` AND c.visit_type = ${visitType}::"VisitType"` : Prisma.empty}
  GROUP BY c.province_code, c.facility_code, c.visit_type
) u LEFT JOIN facility f ON f.code = u.facility_code`;
}
