import type { ClaimStatus } from "../domain/claim-status.ts";
import { Dec, type DecValue } from "../domain/money.ts";
import { vietnamYearMonth } from "../domain/period.ts";

/**
 * What one claim adds to its province's spending: its insurance amount unless
 * denied (the approved amount once approved), and the same amount as
 * "pending" while documents are missing.
 */
export interface Contribution {
  provinceCode: string;
  year: number;
  month: number;
  facilityCode: string;
  /** Months from discharge to first receipt (Vietnam time): the column of the arrival triangle it counts in. */
  delayMonths: number;
  spent: Dec;
  pending: Dec;
  count: number;
}

export interface CountedClaim {
  provinceCode: string;
  year: number;
  month: number;
  facilityCode: string;
  status: ClaimStatus;
  insurance: DecValue;
  approved?: DecValue | null;
  /** First receipt (a correction keeps it): with year and month, places the claim in the arrival triangle. */
  receivedAt: Date;
}

/**
 * Receipt month minus discharge month, in Vietnam time; never negative (a
 * correction may move the discharge after the first receipt). The SQL twin
 * is DELAY_MONTHS in triangle.ts.
 */
export function delayMonths(year: number, month: number, receivedAt: Date): number {
  const r = vietnamYearMonth(receivedAt);
  return Math.max(0, r.year * 12 + r.month - (year * 12 + month));
}

export function contributionOf(c: CountedClaim): Contribution {
  const counted =
    c.status === "denied"
      ? new Dec(0)
      : c.status === "approved" && c.approved != null
        ? new Dec(c.approved)
        : new Dec(c.insurance);
  return {
    provinceCode: c.provinceCode,
    year: c.year,
    month: c.month,
    facilityCode: c.facilityCode,
    delayMonths: delayMonths(c.year, c.month, c.receivedAt),
    spent: counted,
    pending: c.status === "pending_documentation" ? counted : new Dec(0),
    count: c.status === "denied" ? 0 : 1,
  };
}

const keyOf = (c: Contribution) =>
  `${c.provinceCode}|${c.year}|${String(c.month).padStart(2, "0")}|${c.facilityCode}|${String(c.delayMonths).padStart(4, "0")}`;

/**
 * Nets the changes of many claims (each: what it contributed before, what it
 * contributes now) into one delta per province, year, month, facility and
 * months of delay.
 * Sorted by key, so every transaction locks aggregate rows in the same order
 * and concurrent batches cannot deadlock.
 */
export function netDeltas(
  changes: readonly { before?: Contribution | null; after?: Contribution | null }[],
): Contribution[] {
  const sums = new Map<string, Contribution>();
  const add = (c: Contribution, sign: 1 | -1) => {
    const k = keyOf(c);
    const cur = sums.get(k) ?? { ...c, spent: new Dec(0), pending: new Dec(0), count: 0 };
    sums.set(k, {
      ...cur,
      spent: cur.spent.plus(c.spent.times(sign)),
      pending: cur.pending.plus(c.pending.times(sign)),
      count: cur.count + sign * c.count,
    });
  };
  for (const { before, after } of changes) {
    if (before) add(before, -1);
    if (after) add(after, 1);
  }
  return [...sums.entries()]
    .filter(([, d]) => !d.spent.isZero() || !d.pending.isZero() || d.count !== 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, d]) => d);
}
