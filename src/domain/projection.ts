/**
 * Year-end projection by the pace method: if spending goes on at the pace it
 * has had so far, the year ends at spent / elapsed. Pure decimal arithmetic.
 */
import type { Decimal } from "decimal.js";
import { Dec, fixed } from "./money.ts";
import { yearStart } from "./period.ts";

/**
 * The exact share of the Vietnam-time year that has passed at `now`, 0 to 1
 * (period.ts's elapsedRatio is this rounded to 4 decimals for display).
 */
export function elapsedFraction(year: number, now: Date): Dec {
  const start = yearStart(year).getTime();
  const end = yearStart(year + 1).getTime();
  const clamped = Math.min(Math.max(now.getTime(), start), end);
  // Millisecond counts are exact integers; the division is decimal.
  return new Dec(clamped - start).div(end - start);
}

/**
 * spent / elapsed / estimate, unrounded; null before the year starts (nothing
 * to extrapolate from) and without a positive estimate.
 */
export function projectedUsage(
  spent: Decimal.Value,
  estimate: Decimal.Value | null,
  elapsed: Decimal.Value,
): Dec | null {
  if (estimate === null) return null;
  const total = new Dec(estimate);
  const share = new Dec(elapsed);
  if (total.lte(0) || share.lte(0)) return null;
  return new Dec(spent).div(share).div(total);
}

/** The projected year-end ratio, 4 decimals rounded half up from the unrounded inputs, or null. */
export function projectedRatio(
  spent: Decimal.Value,
  estimate: Decimal.Value | null,
  year: number,
  now: Date,
): string | null {
  const projected = projectedUsage(spent, estimate, elapsedFraction(year, now));
  return projected === null ? null : fixed(projected, 4);
}

export interface OverrunRule {
  ratio: string;
  minElapsedRatio: string;
  severity: string;
}

/**
 * Whether a projected_overrun alert is due: the projection reaches the rule's
 * ratio and enough of the year has passed for the projection to mean something.
 * Returns the projected ratio (4 decimals) when due, else null.
 */
export function projectedOverrun(
  spent: Decimal.Value,
  estimate: Decimal.Value | null,
  elapsed: Decimal.Value,
  rule: OverrunRule,
): string | null {
  return overrunDue(projectedUsage(spent, estimate, elapsed), elapsed, rule);
}

/**
 * The same decision for a projected usage computed by any method (the
 * chain-ladder's projectedUsageOf): due when it reaches the rule's ratio and
 * enough of the year has passed. The projected ratio (4 decimals) or null.
 */
export function overrunDue(projected: Dec | null, elapsed: Decimal.Value, rule: OverrunRule): string | null {
  if (new Dec(elapsed).lt(rule.minElapsedRatio)) return null;
  if (projected === null || projected.lt(rule.ratio)) return null;
  return fixed(projected, 4);
}
