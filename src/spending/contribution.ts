import type { ClaimStatus } from "../domain/claim-status.ts";
import { Dec, type DecValue } from "../domain/money.ts";
import { vietnamYearMonth } from "../domain/period.ts";
import { addItems, type ItemSum, type ItemSums, itemIsZero, NO_ITEMS } from "../costs/items.ts";
import { type CostSplit, splitCounted } from "../costs/split.ts";
import {
  addPendings,
  NO_PENDINGS,
  type Pending,
  type PendingSum,
  pendingIsZero,
  pendingOf,
  type Pendings,
} from "../backlog/tally.ts";
import {
  addCuts,
  type CutSum,
  cutIsZero,
  type Cuts,
  cutsOf,
  NO_CUTS,
  type StoredFinding,
} from "../assessment/tally.ts";
import {
  addDelays,
  addTallies,
  type Delays,
  NO_DELAYS,
  NO_TALLIES,
  type Reported,
  reportedOf,
  type Tallies,
  type Tally,
  tallyIsZero,
} from "../reports/tally.ts";

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
  /** `spent` by cost group: its parts add up to it exactly. */
  groups: CostSplit;
  /** Its lines by item, while it counts (a denied claim's lines count nothing). */
  items: ItemSums;
  /** What the inspection reports count of it, whatever its status: by visit type, and by band of receipt delay. */
  tallies: Tallies;
  delays: Delays;
  /** Its part of the backlog while it is pending documentation. */
  pendings: Pendings;
  /** What assessment proposes to cut of it, by rule, whatever its status (open while undecided). */
  cuts: Cuts;
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
  /**
   * The shares its counted amount is split by: its lines' insurance amounts by cost group when it is written, its
   * stored split (cost_split) after that.
   */
  weights: CostSplit;
  /** Its lines by item (none: it has no lines, or this change does not move them, as a document does not). */
  items?: ItemSums | undefined;
  /** What the reports count of it (none: this change does not move it, as a decision or a document does not). */
  reported?: Reported | undefined;
  /**
   * Since when it is pending, whether stuck, what it misses: counted in the backlog while its status is
   * pending_documentation (none: this change does not move it, as a decision, which never meets a pending claim).
   */
  pending?: Pending | null | undefined;
  /** Its current findings (none: it has none, or this change does not move them, as a document does not). */
  findings?: readonly Pick<StoredFinding, "code" | "amount">[] | undefined;
}

/**
 * Receipt month minus discharge month, in Vietnam time; never negative (a
 * correction may move the discharge after the first receipt). The SQL twin
 * is DELAY_MONTHS in triangle.ts.
 */
export function delayMonths(year: number, month: number, receivedAt: Date): number {
  const received = vietnamYearMonth(receivedAt);
  return Math.max(0, received.year * 12 + received.month - (year * 12 + month));
}

export function contributionOf(claim: CountedClaim): Contribution {
  const counted =
    claim.status === "denied"
      ? new Dec(0)
      : claim.status === "approved" && claim.approved != null
        ? new Dec(claim.approved)
        : new Dec(claim.insurance);
  return {
    provinceCode: claim.provinceCode,
    year: claim.year,
    month: claim.month,
    facilityCode: claim.facilityCode,
    delayMonths: delayMonths(claim.year, claim.month, claim.receivedAt),
    spent: counted,
    pending: claim.status === "pending_documentation" ? counted : new Dec(0),
    count: claim.status === "denied" ? 0 : 1,
    groups: splitCounted(counted, claim.weights),
    items: claim.status === "denied" ? NO_ITEMS : (claim.items ?? NO_ITEMS),
    ...(claim.reported ? reportedOf(claim.reported, claim.receivedAt) : { tallies: NO_TALLIES, delays: NO_DELAYS }),
    pendings:
      claim.status === "pending_documentation" && claim.pending ? pendingOf(claim.pending, counted) : NO_PENDINGS,
    cuts: claim.findings ? cutsOf(claim.findings, claim.status) : NO_CUTS,
  };
}

/** What a change that moves no money but one of the parts starts from: zero everywhere, at this key. */
export function emptyContribution(
  at: Pick<Contribution, "provinceCode" | "year" | "month" | "facilityCode">,
): Contribution {
  return {
    ...at,
    delayMonths: 0,
    spent: new Dec(0),
    pending: new Dec(0),
    count: 0,
    groups: new Map(),
    items: NO_ITEMS,
    tallies: NO_TALLIES,
    delays: NO_DELAYS,
    pendings: NO_PENDINGS,
    cuts: NO_CUTS,
  };
}

/** Adds `sign` times each part of `split` into `into`. */
export function addSplit(into: Map<string, Dec>, split: CostSplit, sign: 1 | -1 = 1): Map<string, Dec> {
  for (const [group, part] of split) into.set(group, (into.get(group) ?? new Dec(0)).plus(part.times(sign)));
  return into;
}

const keyOf = (c: Contribution) =>
  [
    c.provinceCode,
    c.year,
    String(c.month).padStart(2, "0"),
    c.facilityCode,
    String(c.delayMonths).padStart(4, "0"),
  ].join("|");

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
  const add = (contribution: Contribution, sign: 1 | -1) => {
    const groupKey = keyOf(contribution);
    const cur = sums.get(groupKey) ?? {
      ...contribution,
      spent: new Dec(0),
      pending: new Dec(0),
      count: 0,
      groups: new Map<string, Dec>(),
      items: new Map<string, ItemSum>(),
      tallies: new Map<string, Tally>(),
      delays: new Map<number, number>(),
      pendings: new Map<string, PendingSum>(),
      cuts: new Map<string, CutSum>(),
    };
    sums.set(groupKey, {
      ...cur,
      spent: cur.spent.plus(contribution.spent.times(sign)),
      pending: cur.pending.plus(contribution.pending.times(sign)),
      count: cur.count + sign * contribution.count,
      // cur's map is this netting's own (made fresh below), so it is added to in place.
      groups: addSplit(cur.groups as Map<string, Dec>, contribution.groups, sign),
      items: addItems(cur.items as Map<string, ItemSum>, contribution.items, sign),
      tallies: addTallies(cur.tallies as Map<string, Tally>, contribution.tallies, sign),
      delays: addDelays(cur.delays as Map<number, number>, contribution.delays, sign),
      pendings: addPendings(cur.pendings as Map<string, PendingSum>, contribution.pendings, sign),
      cuts: addCuts(cur.cuts as Map<string, CutSum>, contribution.cuts, sign),
    });
  };
  for (const { before, after } of changes) {
    if (before) add(before, -1);
    if (after) add(after, 1);
  }
  return [...sums.entries()]
    .filter(
      ([, d]) =>
        !d.spent.isZero() ||
        !d.pending.isZero() ||
        d.count !== 0 ||
        [...d.groups.values()].some((p) => !p.isZero()) ||
        [...d.items.values()].some((item) => !itemIsZero(item)) ||
        [...d.tallies.values()].some((tally) => !tallyIsZero(tally)) ||
        [...d.delays.values()].some((claims) => claims !== 0) ||
        [...d.pendings.values()].some((sum) => !pendingIsZero(sum)) ||
        [...d.cuts.values()].some((sum) => !cutIsZero(sum)),
    )
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, d]) => d);
}
