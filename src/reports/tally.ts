import { Dec, type DecValue } from "../domain/money.ts";
import { claimDelayBand } from "../domain/receipt-delay.ts";

/**
 * What the inspection reports count of claims (issue #21): every claim,
 * whatever its status (lateness and billing are about what was sent), by
 * visit type (claim_tally) and by band of delay from discharge to first
 * receipt (receipt_delay). Kept per province, year, month and facility by the
 * one path that moves money, so the late-submission and outlier reports read
 * these instead of a year of claims. Pure.
 */
export interface Tally {
  claims: number;
  /** The claimed insurance amount (T_BHTT as sent), what the outlier report compares. */
  claimed: Dec;
  late: number;
  mismatches: number;
  duplicates: number;
}

/** Visit type -> its tally. */
export type Tallies = ReadonlyMap<string, Tally>;
/** Band (its index, domain/receipt-delay.ts) -> claims. */
export type Delays = ReadonlyMap<number, number>;

/** What a claim is as the reports see it. */
export interface Reported {
  visitType: string;
  claimed: DecValue;
  flags: readonly string[];
  dischargedAt: Date;
}

export const NO_TALLIES: Tallies = new Map();
export const NO_DELAYS: Delays = new Map();

/** One claim's tally, under its visit type. */
export function tallyOf(visitType: string, claimed: DecValue, flags: readonly string[]): Tallies {
  const has = (flag: string) => (flags.includes(flag) ? 1 : 0);
  return new Map([
    [
      visitType,
      {
        claims: 1,
        claimed: new Dec(claimed),
        late: has("late_submission"),
        mismatches: has("citizen_id_mismatch"),
        duplicates: has("possible_duplicate"),
      },
    ],
  ]);
}

/** One claim's tally and delay band; a claim received before it was discharged counts in the first band. */
export function reportedOf(claim: Reported, receivedAt: Date): { tallies: Tallies; delays: Delays } {
  return {
    tallies: tallyOf(claim.visitType, claim.claimed, claim.flags),
    delays: new Map([[claimDelayBand(claim.dischargedAt, receivedAt), 1]]),
  };
}

/** Adds `sign` times each tally of `from` into `into` (a map of the caller's own). */
export function addTallies(into: Map<string, Tally>, from: Tallies, sign: 1 | -1 = 1): Map<string, Tally> {
  for (const [visitType, tally] of from) {
    const cur = into.get(visitType);
    if (!cur) {
      into.set(visitType, {
        claims: sign * tally.claims,
        claimed: tally.claimed.times(sign),
        late: sign * tally.late,
        mismatches: sign * tally.mismatches,
        duplicates: sign * tally.duplicates,
      });
      continue;
    }
    cur.claims += sign * tally.claims;
    cur.claimed = cur.claimed.plus(tally.claimed.times(sign));
    cur.late += sign * tally.late;
    cur.mismatches += sign * tally.mismatches;
    cur.duplicates += sign * tally.duplicates;
  }
  return into;
}

/** Adds `sign` times each band's claims of `from` into `into`. */
export function addDelays(into: Map<number, number>, from: Delays, sign: 1 | -1 = 1): Map<number, number> {
  for (const [band, claims] of from) into.set(band, (into.get(band) ?? 0) + sign * claims);
  return into;
}

export const tallyIsZero = (tally: Tally) =>
  tally.claims === 0 && tally.claimed.isZero() && tally.late === 0 && tally.mismatches === 0 && tally.duplicates === 0;
