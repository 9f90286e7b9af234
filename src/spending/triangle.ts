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
import { TRIANGLE_CELLS } from "./sql.ts";

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
