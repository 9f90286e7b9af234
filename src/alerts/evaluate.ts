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
  await tx.query(
    `SELECT 1 FROM spending s
     JOIN unnest($1::text[], $2::int[]) AS k(province_code, year) ON s.province_code = k.province_code AND s.year =
       k.year
     ORDER BY s.province_code, s.year
     FOR UPDATE OF s`,
    [pairs.map((k) => k.provinceCode), pairs.map((k) => k.year)],
  );
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
  const { thresholds, projectedOverrun: overrunRule } = deps.rules.usage;
  // Every (pair, threshold) whose resolved alert may be waiting to re-arm (see rearm below).
  const candidates = pairs.flatMap((k) =>
    thresholds.map((t) => ({ ...k, threshold: t.ratio, key: usageLiveKey(k.provinceCode, k.year, t.ratio) })),
  );
  const rows = await tx.query<{ provinceCode: string; year: number; spent: string; estimate: string; cells: unknown }>(
    `WITH rearm AS (
      -- A threshold alert resolved while its threshold was still reached keeps its live key, so
      -- more spending above the threshold raises nothing; once spending is seen below it again,
      -- the key is released and the next crossing raises a new alert (API.md: "a new crossing").
      UPDATE alert a SET live_key = NULL
      FROM unnest($1::text[], $2::text[], $3::int[], $4::numeric[]) AS c(live_key, province_code, year, threshold)
      JOIN estimate e ON e.province_code = c.province_code AND e.year = c.year
      LEFT JOIN spending s ON s.province_code = c.province_code AND s.year = c.year
      WHERE a.live_key = c.live_key AND a.status = 'resolved' AND COALESCE(s.spent, 0) < c.threshold * e.total_amount
      RETURNING a.id
    )
    SELECT k.province_code AS "provinceCode", k.year AS "year",
           COALESCE(s.spent, 0)::text AS "spent", e.total_amount::text AS "estimate",
           (SELECT json_agg(json_build_array(t.year, t.discharge_month, t.delay_months, t.amount::text))
              FROM arrival_triangle t
             WHERE t.province_code = k.province_code
               AND t.year * 12 + t.discharge_month - 1
                   BETWEEN LEAST($7::int, k.year * 12) AND GREATEST($8::int, k.year * 12 + 11)) AS "cells"
    FROM unnest($5::text[], $6::int[]) AS k(province_code, year)
    JOIN estimate e ON e.province_code = k.province_code AND e.year = k.year
    LEFT JOIN spending s ON s.province_code = k.province_code AND s.year = k.year`,
    [
      candidates.map((c) => c.key),
      candidates.map((c) => c.provinceCode),
      candidates.map((c) => c.year),
      candidates.map((c) => c.threshold),
      pairs.map((k) => k.provinceCode),
      pairs.map((k) => k.year),
      current - deps.rules.projection.historyMonths,
      current,
    ],
  );

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
  await insertAlerts(tx, raises, at);
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
  const [result] = await tx.query<{ inserted: number }>(
    `WITH inserted AS (
      INSERT INTO alert (id, kind, province_code, year, threshold, severity, ratio_at_raise, spent_at_raise,
        estimate_at_raise, raised_at, status, live_key)
      SELECT r.id, r.kind::"AlertKind", r.province_code, r.year, r.threshold, r.severity, r.ratio, r.spent, r.estimate,
        $11::timestamptz, 'open'::"AlertStatus", r.live_key
      FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::numeric[], $6::text[], $7::numeric[],
        $8::numeric[], $9::numeric[], $10::text[])
        AS r(id, kind, province_code, year, threshold, severity, ratio, spent, estimate, live_key)
      ORDER BY r.live_key
      ON CONFLICT (live_key) DO NOTHING
      RETURNING id, province_code
    ), queued AS (
      INSERT INTO alert_delivery (id, alert_id, webhook_id, url, status, attempts, next_attempt_at, created_at)
      SELECT gen_random_uuid(), i.id, w.id, w.url, 'pending'::"DeliveryStatus", 0, $11::timestamptz, $11::timestamptz
      FROM inserted i JOIN province_webhook w ON w.province_code = i.province_code OR w.province_code IS NULL
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM inserted)::int AS inserted`,
    [
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
    ],
  );
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
    `SELECT k.province_code AS "provinceCode", k.year AS "year", e.total_amount::text AS "estimate",
            COALESCE(s.spent, 0)::text AS "spent",
            (SELECT COALESCE(sum(c.insurance_amount), 0) FROM claim c
              WHERE c.province_code = k.province_code AND c.year = k.year
                AND c.status = 'pending_documentation' AND c.stuck)::text AS "stuck"
     FROM unnest($1::text[], $2::int[]) AS k(province_code, year)
     JOIN estimate e ON e.province_code = k.province_code AND e.year = k.year
     LEFT JOIN spending s ON s.province_code = k.province_code AND s.year = k.year`,
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
