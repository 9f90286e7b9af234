import { Dec, type DecValue } from "../domain/money.ts";
import { VIETNAM_OFFSET_MS } from "../domain/period.ts";

/**
 * What the backlog report counts of claims pending documentation (issue #21),
 * kept by the one path that moves money so the report reads these instead of
 * the pending claims:
 * - pending_tally: by province, year, facility, stuck or not and the
 *   document types missing (by facility and by document, and the totals);
 * - pending_age: by province, year, the day (Vietnam time) they began
 *   pending and stuck or not (by age).
 * Neither grows with the claims: facilities x combinations of missing types,
 * provinces x days. Pure.
 */
export interface Pending {
  since: Date;
  stuck: boolean;
  /** Missing document types, in any order. */
  missing: readonly string[];
}

export interface PendingSum {
  /** The day (YYYY-MM-DD, Vietnam time) it began pending. */
  sinceDay: string;
  stuck: boolean;
  /** Sorted: part of the rows' key. */
  missing: string[];
  claims: number;
  /** Their insurance amounts (what a pending claim counts). */
  amount: Dec;
}

/** Key (day, stuck, missing) -> sum. */
export type Pendings = ReadonlyMap<string, PendingSum>;

export const NO_PENDINGS: Pendings = new Map();

/** The calendar day in Vietnam of an instant, YYYY-MM-DD. */
export const vietnamDay = (at: Date) => new Date(at.getTime() + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);

/** The part of the backlog of one pending claim (or of `claims` claims alike, their amounts summed). */
export function pendingOf(pending: Pending, amount: DecValue, claims = 1): Pendings {
  const sum = {
    sinceDay: vietnamDay(pending.since),
    stuck: pending.stuck,
    missing: [...pending.missing].sort(),
    claims,
    amount: new Dec(amount),
  };
  return new Map([[`${sum.sinceDay}|${sum.stuck ? 1 : 0}|${sum.missing.join(",")}`, sum]]);
}

/** Adds `sign` times each sum of `from` into `into` (a map of the caller's own). */
export function addPendings(into: Map<string, PendingSum>, from: Pendings, sign: 1 | -1 = 1): Map<string, PendingSum> {
  for (const [key, sum] of from) {
    const cur = into.get(key);
    if (cur) {
      cur.claims += sign * sum.claims;
      cur.amount = cur.amount.plus(sum.amount.times(sign));
    } else into.set(key, { ...sum, claims: sign * sum.claims, amount: sum.amount.times(sign) });
  }
  return into;
}

export const pendingIsZero = (sum: PendingSum) => sum.claims === 0 && sum.amount.isZero();
