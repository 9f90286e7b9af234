/**
 * The arrival triangle: counted amounts (as spending counts them) by
 * province, discharge month and months of delay. applySpending (store.ts)
 * keeps the stored table current in the transactions that move spending;
 * this file reads it, and holds the set-based query that builds the same
 * cells from the claims themselves (the migration's backfill, the
 * benchmark's loader and the test that proves the two agree).
 */
import type { ChainLadderRules, TriangleCell } from "../domain/chain-ladder.ts";
import { triangleWindow } from "../domain/chain-ladder.ts";
import type { SqlSession } from "../db/client.ts";

/** Receipt month minus discharge month in Vietnam time, never negative (contribution.ts delayMonths). */
export const DELAY_MONTHS = `GREATEST(0,
  (EXTRACT(YEAR FROM (c.received_at AT TIME ZONE 'UTC') + INTERVAL '7 hours')::int * 12
    + EXTRACT(MONTH FROM (c.received_at AT TIME ZONE 'UTC') + INTERVAL '7 hours')::int)
  - (c.year * 12 + c.month))`;

/**
 * What a claim counts in spending: nothing when denied, the approved amount once approved, else the insurance amount.
 */
export const COUNTED_AMOUNT = `CASE WHEN c.status = 'denied' THEN 0
  WHEN c.status = 'approved' AND c.approved_amount IS NOT NULL THEN c.approved_amount
  ELSE c.insurance_amount END`;

/** The stored cells of these provinces ($1) in the window of months $4 to $5 (years $2 to $3, for the index). */
export const TRIANGLE_CELLS = `
SELECT province_code AS "provinceCode", year, discharge_month AS "month", delay_months AS "delay",
       amount::text AS "amount"
FROM arrival_triangle
WHERE province_code = ANY($1::text[])
  AND year BETWEEN $2 AND $3
  AND year * 12 + discharge_month - 1 BETWEEN $4 AND $5`;

/** Every cell of the triangle computed from the stored claims: one GROUP BY over the claims. */
export const TRIANGLE_FROM_CLAIMS = `
SELECT c.province_code, c.year, c.month AS discharge_month, ${DELAY_MONTHS} AS delay_months,
       sum(${COUNTED_AMOUNT}) AS amount, count(*) FILTER (WHERE c.status <> 'denied')::int AS claim_count
FROM claim c
GROUP BY 1, 2, 3, 4`;

/**
 * The stored cells a projection of `year` at `now` reads, for each of these
 * provinces: one statement on the aggregate (never the claims).
 */
export async function loadTriangles(
  db: SqlSession,
  provinceCodes: readonly string[],
  year: number,
  now: Date,
  rules: Pick<ChainLadderRules, "historyMonths">,
): Promise<Map<string, TriangleCell[]>> {
  const out = new Map<string, TriangleCell[]>(provinceCodes.map((p) => [p, []]));
  if (provinceCodes.length === 0) return out;
  const { from, to } = triangleWindow(year, now, rules);
  const rows = await db.query<{ provinceCode: string; year: number; month: number; delay: number; amount: string }>(
    TRIANGLE_CELLS,
    [[...provinceCodes], Math.floor(from / 12), Math.floor(to / 12), from, to],
  );
  for (const row of rows)
    out
      .get(row.provinceCode)
      ?.push({ year: Number(row.year), month: Number(row.month), delay: Number(row.delay), amount: row.amount });
  return out;
}

/** Cells as the alerts' read returns them: json_build_array(year, month, delay, amount::text), aggregated. */
export function cellsFromJson(value: unknown): TriangleCell[] {
  const rows = (typeof value === "string" ? JSON.parse(value) : value) as [number, number, number, string][] | null;
  return (rows ?? []).map(([year, month, delay, amount]) => ({
    year: Number(year),
    month: Number(month),
    delay: Number(delay),
    amount: String(amount),
  }));
}
