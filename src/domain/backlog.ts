/**
 * The backlog of claims stuck on documentation: when a pending claim becomes
 * stuck, and how the backlog is cut into age buckets. Pure: plain data in and
 * out, money in decimals.
 */
import { Dec, formatMoney } from "./money.ts";

const DAY_MS = 86_400_000;

/**
 * A claim pending since this instant or earlier is stuck at `now`: pending for
 * at least `stuckAfterDays` whole days of 24 hours (Vietnam time has no
 * daylight saving, so a day is always 24 hours). 0 makes every pending claim
 * stuck at the next marking.
 */
export function stuckCutoff(now: Date, stuckAfterDays: number): Date {
  return new Date(now.getTime() - stuckAfterDays * DAY_MS);
}

/** One age bucket: `fromDays` inclusive, `toDays` exclusive, null for the open-ended last one. */
export interface AgeBucket {
  fromDays: number;
  toDays: number | null;
}

/**
 * The buckets the rules' lower bounds describe, in order. Bounds are sorted
 * and de-duplicated, and a bucket from 0 is added when the rules start later,
 * so every claim falls in exactly one bucket and the buckets add up to the
 * backlog's totals.
 */
export function ageBuckets(lowerBounds: readonly number[]): AgeBucket[] {
  const bounds = [...new Set([0, ...lowerBounds])].sort((a, b) => a - b);
  return bounds.map((fromDays, i) => ({ fromDays, toDays: bounds[i + 1] ?? null }));
}

/** Claims grouped by whole days pending (what the SQL returns): count and amount of each day. */
export interface AgeGroup {
  days: number;
  count: number;
  amount: string;
}

export interface AgeBucketTotal extends AgeBucket {
  count: number;
  amount: string;
}

/**
 * Sums claims grouped by age in days into the rule's buckets. Every bucket is
 * returned, empty ones with 0 and "0"; a negative age (a pending-since after
 * the as-of time) counts as 0 days.
 */
export function bucketByAge(lowerBounds: readonly number[], groups: readonly AgeGroup[]): AgeBucketTotal[] {
  const buckets = ageBuckets(lowerBounds).map((b) => ({ ...b, count: 0, amount: new Dec(0) }));
  for (const group of groups) {
    const days = Math.max(0, group.days);
    const bucket = buckets.findLast((b) => b.fromDays <= days)!;
    bucket.count += group.count;
    bucket.amount = bucket.amount.plus(group.amount);
  }
  return buckets.map((b) => ({
    fromDays: b.fromDays,
    toDays: b.toDays,
    count: b.count,
    amount: formatMoney(b.amount),
  }));
}
