import { Decimal } from "decimal.js";
import { Dec } from "../domain/money.ts";
import { UNSPECIFIED_GROUP } from "./rules.ts";

/** A claim's amount by cost group: group code -> amount. Pure. */
export type CostSplit = ReadonlyMap<string, Dec>;

const CENT = new Dec("0.01");
const byCode = (left: string, right: string) => (left < right ? -1 : left > right ? 1 : 0);

/**
 * Splits what a claim counts (`counted`) over its cost groups in the shares of `weights`, to the cent, so that the
 * parts add up to `counted` exactly: each part rounded down, then the cents left go one each to the parts that lost
 * most to rounding (ties by group code). Weights that already add up to `counted` come back as they are; a claim
 * without weights (no lines, or lines the fund pays nothing of) counts everything under `unspecified`. Zero parts
 * are left out, so a denied claim splits into nothing.
 */
export function splitCounted(counted: Dec, weights: CostSplit): Map<string, Dec> {
  const split = new Map<string, Dec>();
  if (counted.isZero()) return split;
  const groups = [...weights.entries()].filter(([, weight]) => weight.greaterThan(0)).sort(([a], [b]) => byCode(a, b));
  const total = groups.reduce((sum, [, weight]) => sum.plus(weight), new Dec(0));
  if (total.isZero()) return split.set(UNSPECIFIED_GROUP, counted);
  if (total.equals(counted)) return new Map(groups);
  const exact = groups.map(([group, weight]) => [group, counted.times(weight).dividedBy(total)] as const);
  const floors = exact.map(([group, share]) => [group, share.toDecimalPlaces(2, Decimal.ROUND_DOWN)] as const);
  let left = counted.minus(floors.reduce((sum, [, part]) => sum.plus(part), new Dec(0)));
  const byLoss = exact
    .map(([group, share], i) => ({ group, loss: share.minus(floors[i]![1]) }))
    .sort((a, b) => b.loss.comparedTo(a.loss) || byCode(a.group, b.group));
  const parts = new Map(floors);
  for (const { group } of byLoss) {
    if (left.lessThan(CENT)) break;
    parts.set(group, parts.get(group)!.plus(CENT));
    left = left.minus(CENT);
  }
  for (const [group, part] of parts) if (!part.isZero()) split.set(group, part);
  return split;
}

/** A split as stored on the claim (cost_split) and read back: group -> decimal string. */
export const splitToJson = (split: CostSplit): Record<string, string> =>
  Object.fromEntries(
    [...split.entries()].sort(([a], [b]) => byCode(a, b)).map(([group, part]) => [group, part.toString()]),
  );

export const splitFromJson = (stored: unknown): Map<string, Dec> =>
  new Map(Object.entries((stored ?? {}) as Record<string, string>).map(([group, part]) => [group, new Dec(part)]));
