import type { ProvinceYear } from "../domain/period.ts";
import { randomUUID } from "node:crypto";
import type { AppDeps } from "../deps.ts";
import { Dec } from "../domain/money.ts";
import { projectYear, projectedUsageOf } from "../domain/chain-ladder.ts";
import { overrunDue } from "../domain/projection.ts";
import { vietnamYearMonth } from "../domain/period.ts";
import { cellsFromJson } from "../spending/triangle.ts";
import { crossedThresholds, thresholdText, usageLiveKey } from "../domain/thresholds.ts";
import type { SqlSession } from "../db/client.ts";
import * as sql from "./sql.ts";

/** The live key of a province-year's projected_overrun alert: one while it is open or acknowledged. */
export const overrunLiveKey = (provinceCode: string, year: number) => `projected_overrun:${provinceCode}:${year}`;

/** An alert to raise: what was reached, and the figures at that moment. */
export interface NewAlert {
  kind: "usage_threshold" | "projected_overrun" | "stuck_backlog";
  provinceCode: string;
  year: number;
  threshold: string;
  severity: string;
  ratio: string;
  spent: string;
  estimate: string;
  liveKey: string;
}

/**
 * Locks the spending rows of these province-years (those that exist), in key
 * order so that transactions locking several never deadlock each other.
 * One statement whatever the number of pairs.
 */
export async function lockSpending(tx: SqlSession, keys: readonly ProvinceYear[]): Promise<void> {
  const pairs = distinct(keys);
  if (pairs.length === 0) return;
  await tx.query(sql.LOCK_SPENDING, [pairs.map((k) => k.provinceCode), pairs.map((k) => k.year)]);
}

/**
 * Raises the alerts that the current spending and estimates of these
 * province-years call for, in the caller's transaction, so whoever sees the
 * new spending also sees its alerts.
 *
 * - `usage_threshold`: one per threshold of the rules that spent / estimate
 *   has reached (see domain/thresholds.ts);
 * - `projected_overrun`: when the year-end projection (the chain-ladder on
 *   the arrival triangle, or the pace method on short history: see
 *   domain/chain-ladder.ts) reaches the rule's ratio and enough of the year
 *   has passed.
 *
 * An alert is inserted only if no alert with the same live key is open or
 * acknowledged (the unique index on live_key + ON CONFLICT DO NOTHING), so
 * repeated or concurrent crossings raise exactly one. Nothing is ever deleted
 * or resolved here: a raised estimate leaves the history as it is.
 *
 * THE CALLER MUST HOLD THE ROW LOCKS of the `spending` rows of these
 * province-years (SELECT ... FOR UPDATE via lockSpending, or the UPDATE /
 * INSERT ... ON CONFLICT DO UPDATE that moved spending), taken before this
 * call. Then transactions that move one province-year's spending evaluate one
 * after another, each seeing the spending the previous one committed, and the
 * values recorded at raise (spent, estimate, ratio) are those of the
 * transaction that actually crossed. Estimate changes lock their estimate row
 * and then the spending row; ingestion never locks estimate rows, so the two
 * orders cannot deadlock, and whichever commits last evaluates with both
 * changes visible (READ COMMITTED reads each statement afresh).
 *
 * Hot path: at most two statements per call, whatever the number of pairs and
 * thresholds (one read of spending and estimates, one set-based insert).
 */
export async function raiseAlerts(
  tx: SqlSession,
  deps: Pick<AppDeps, "rules">,
  keys: readonly ProvinceYear[],
  at: Date,
): Promise<void> {
  const pairs = distinct(keys);
  if (pairs.length === 0) return;

  // Province-years without an estimate have no ratio: the inner join drops them. The arrival-triangle
  // cells the projection needs (src/domain/chain-ladder.ts) come in the same statement, from the aggregate.
  const { year: cy, month: cm } = vietnamYearMonth(at);
  const current = cy * 12 + cm - 1;
  const { thresholds } = deps.rules.usage;
  // Every (pair, threshold) whose resolved alert may be waiting to re-arm (see rearm below).
  const candidates = pairs.flatMap((k) =>
    thresholds.map((t) => ({ ...k, threshold: t.ratio, key: usageLiveKey(k.provinceCode, k.year, t.ratio) })),
  );
  const rows = await tx.query<EvaluatedRow>(sql.EVALUATE_PROVINCE_YEARS, [
    candidates.map((c) => c.key),
    candidates.map((c) => c.provinceCode),
    candidates.map((c) => c.year),
    candidates.map((c) => c.threshold),
    pairs.map((k) => k.provinceCode),
    pairs.map((k) => k.year),
    current - deps.rules.projection.historyMonths,
    current,
  ]);
  await insertAlerts(tx, alertsDue(deps, rows, at), at);
}

interface EvaluatedRow {
  provinceCode: string;
  year: number;
  spent: string;
  estimate: string;
  cells: unknown;
}

/** The alerts the figures of each province-year call for: every threshold reached, and a projected overrun. */
function alertsDue(deps: Pick<AppDeps, "rules">, rows: EvaluatedRow[], at: Date): NewAlert[] {
  const { thresholds, projectedOverrun: overrunRule } = deps.rules.usage;
  const raises: NewAlert[] = [];
  for (const row of rows) {
    const base = { provinceCode: row.provinceCode, year: Number(row.year), spent: row.spent, estimate: row.estimate };
    for (const crossing of crossedThresholds(row.spent, row.estimate, thresholds))
      raises.push({
        ...base,
        kind: "usage_threshold",
        threshold: crossing.threshold,
        severity: crossing.severity,
        ratio: crossing.ratio,
        liveKey: usageLiveKey(base.provinceCode, base.year, crossing.threshold),
      });
    const projection = projectYear({
      year: base.year,
      now: at,
      spent: row.spent,
      cells: cellsFromJson(row.cells),
      rules: deps.rules.projection,
    });
    const projected = overrunDue(projectedUsageOf(projection, row.estimate), projection.elapsed, overrunRule);
    if (projected !== null)
      raises.push({
        ...base,
        kind: "projected_overrun",
        threshold: thresholdText(overrunRule.ratio),
        severity: overrunRule.severity,
        ratio: projected,
        liveKey: overrunLiveKey(base.provinceCode, base.year),
      });
  }
  return raises;
}

/**
 * Inserts alerts unless one with the same live key is open or acknowledged
 * (ON CONFLICT DO NOTHING on the unique live_key), and in the same statement
 * queues a webhook delivery of each inserted alert for every webhook of its
 * province or of all provinces (the outbox: sent later by deliver.ts, outside
 * any transaction, so ingestion never waits on a receiver). One statement
 * however many alerts; rows in live-key order so concurrent inserters take
 * index locks in one order. Returns how many alerts were inserted.
 */
export async function insertAlerts(tx: SqlSession, alerts: readonly NewAlert[], at: Date): Promise<number> {
  if (alerts.length === 0) return 0;
  const rows = [...alerts].sort((a, b) => (a.liveKey < b.liveKey ? -1 : a.liveKey > b.liveKey ? 1 : 0));
  const [result] = await tx.query<{ inserted: number }>(sql.INSERT_ALERTS, [
    rows.map(() => randomUUID()),
    rows.map((r) => r.kind),
    rows.map((r) => r.provinceCode),
    rows.map((r) => r.year),
    rows.map((r) => r.threshold),
    rows.map((r) => r.severity),
    rows.map((r) => storable(r.ratio)),
    rows.map((r) => r.spent),
    rows.map((r) => r.estimate),
    rows.map((r) => r.liveKey),
    at,
  ]);
  return Number(result?.inserted ?? 0);
}

function distinct(keys: readonly ProvinceYear[]): ProvinceYear[] {
  const seen = new Map<string, ProvinceYear>();
  for (const pair of keys)
    seen.set(`${pair.provinceCode}|${pair.year}`, { provinceCode: pair.provinceCode, year: pair.year });
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, k]) => k);
}

/**
 * ratio_at_raise is numeric(9,4). A ratio beyond it (spending 100,000 times a
 * mistyped estimate) is recorded as the largest storable value rather than
 * failing the batch that moved spending.
 */
const MAX_STORED_RATIO = "99999.9999";
const storable = (ratio: string) => (new Dec(ratio).gt(MAX_STORED_RATIO) ? MAX_STORED_RATIO : ratio);

/** The live key of a province-year's stuck_backlog alert: one while it is open or acknowledged. */
export const stuckBacklogLiveKey = (provinceCode: string, year: number) => `stuck_backlog:${provinceCode}:${year}`;

/**
 * Raises a `stuck_backlog` alert for each of these province-years whose stuck
 * amount (insurance amounts of its claims marked stuck) has reached
 * rules.backlog.stuckShareOfEstimate of its estimate total, compared exactly
 * (domain/thresholds.ts). Recorded: threshold = the share from the rules,
 * ratioAtRaise = stuck amount / estimate, spentAtRaise = the province-year's
 * spending, estimateAtRaise = the estimate total. One live alert per
 * province-year (live key + ON CONFLICT DO NOTHING); resolving it lets a later
 * marking raise a new one.
 *
 * Called by the stuck marking after it marked claims of these province-years,
 * in its transaction. It locks their spending rows first (lockSpending), so
 * two markings of one province-year evaluate one after the other and the
 * second sees the claims the first marked: a crossing that only the two
 * together make is not lost. Lock order is claims, then spending, as in every
 * other writer. Two statements besides the lock, whatever the number of pairs.
 */
export async function raiseStuckBacklogAlerts(
  tx: SqlSession,
  deps: Pick<AppDeps, "rules">,
  keys: readonly ProvinceYear[],
  at: Date,
): Promise<number> {
  const pairs = distinct(keys);
  if (pairs.length === 0) return 0;
  await lockSpending(tx, pairs);
  const rows = await tx.query<{ provinceCode: string; year: number; stuck: string; spent: string; estimate: string }>(
    sql.STUCK_BACKLOG_FIGURES,
    [pairs.map((k) => k.provinceCode), pairs.map((k) => k.year)],
  );

  const { stuckShareOfEstimate, severity } = deps.rules.backlog;
  const raises = rows.flatMap((r) =>
    crossedThresholds(r.stuck, r.estimate, [{ ratio: stuckShareOfEstimate, severity }]).map((c): NewAlert => ({
      kind: "stuck_backlog",
      provinceCode: r.provinceCode,
      year: Number(r.year),
      threshold: c.threshold,
      severity: c.severity,
      ratio: c.ratio,
      spent: r.spent,
      estimate: r.estimate,
      liveKey: stuckBacklogLiveKey(r.provinceCode, Number(r.year)),
    })),
  );
  return insertAlerts(tx, raises, at);
}
