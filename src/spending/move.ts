import { raiseAlerts } from "../alerts/evaluate.ts";
import type { SqlSession } from "../db/client.ts";
import type { AppDeps } from "../deps.ts";
import type { ProvinceYear } from "../domain/period.ts";
import { type Contribution, type CountedClaim, contributionOf, netDeltas } from "./contribution.ts";
import { applySpending } from "./store.ts";

/** What one claim (or a group of claims moved together) counted before a write, and counts after it. */
export interface MoneyChange {
  before?: Contribution | null;
  after?: Contribution | null;
}

/** The change of one claim from its counted state before to after (null: it did not count, or no longer exists). */
export const claimChange = (before: CountedClaim | null, after: CountedClaim | null): MoneyChange => ({
  before: before && contributionOf(before),
  after: after && contributionOf(after),
});

/**
 * The one path that moves money. Every write that changes what claims count
 * (a batch, a decision, a document, a merger or a facility's move) passes its
 * changes here, inside its own transaction: they are netted, added to
 * `spending`, its detail, cost groups and items, the reports' tallies and
 * delays, and the arrival triangle in set-based statements (seven at most),
 * and the alerts the new figures call for are raised.
 *
 * Lock order, held here so no caller has to remember it: the `spending` rows
 * are locked by the upsert that moves them, in key order, and stay locked to
 * commit; raiseAlerts then reads them under that lock (its contract in
 * alerts/evaluate.ts). Callers lock their claims (and a batch its facility)
 * before calling, never a spending row. Call it last in the transaction: every
 * writer of the province-year waits on its spending row from here to commit.
 *
 * Returns the province-years touched, in lock order.
 */
export async function moveMoney(
  tx: SqlSession,
  deps: Pick<AppDeps, "rules">,
  changes: readonly MoneyChange[],
  at: Date,
): Promise<ProvinceYear[]> {
  const touched = await applySpending(tx, netDeltas(changes));
  if (touched.length) await raiseAlerts(tx, deps, touched, at);
  return touched;
}
