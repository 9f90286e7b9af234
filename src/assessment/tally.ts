import type { ClaimStatus } from "../domain/claim-status.ts";
import { isDecided } from "../domain/claim-status.ts";
import { Dec } from "../domain/money.ts";
import type { AssessmentAction, RuleCode } from "./rules.ts";

/**
 * What the proposed-cuts aggregate (assessment_cut) counts of claims, kept by the one path that moves money beside
 * spending: a claim's current findings summed by rule. Pure.
 */

/** A finding as the claim row keeps it (claim.findings) and the API shows it. */
export interface StoredFinding {
  code: RuleCode;
  action: AssessmentAction;
  /** The line's place in the claim's lines (from 0); null for the claim as a whole. */
  line: number | null;
  /** What it cuts, 2 decimals; "0.00" for a warning. */
  amount: string;
  vi: string;
  en: string;
}

export interface CutSum {
  /** Claims with at least one finding of the rule. */
  claims: number;
  findings: number;
  /** What the rule's findings cut, whatever the claims' status. */
  amount: Dec;
  /** The part of `amount` on claims not yet decided: what usage shows as proposed. */
  open: Dec;
}

/** Rule code -> sum. */
export type Cuts = ReadonlyMap<string, CutSum>;

export const NO_CUTS: Cuts = new Map();

/** The cuts of one claim's findings: open while the claim is undecided. */
export function cutsOf(findings: readonly Pick<StoredFinding, "code" | "amount">[], status: ClaimStatus): Cuts {
  if (findings.length === 0) return NO_CUTS;
  const open = !isDecided(status);
  const cuts = new Map<string, CutSum>();
  for (const finding of findings) {
    const amount = new Dec(finding.amount);
    const cur = cuts.get(finding.code);
    if (cur) {
      cur.findings += 1;
      cur.amount = cur.amount.plus(amount);
    } else cuts.set(finding.code, { claims: 1, findings: 1, amount, open: new Dec(0) });
  }
  if (open) for (const sum of cuts.values()) sum.open = sum.amount;
  return cuts;
}

/** Adds `sign` times each sum of `from` into `into` (a map of the caller's own). */
export function addCuts(into: Map<string, CutSum>, from: Cuts, sign: 1 | -1 = 1): Map<string, CutSum> {
  for (const [code, sum] of from) {
    const cur = into.get(code);
    if (cur) {
      cur.claims += sign * sum.claims;
      cur.findings += sign * sum.findings;
      cur.amount = cur.amount.plus(sum.amount.times(sign));
      cur.open = cur.open.plus(sum.open.times(sign));
    } else
      into.set(code, {
        claims: sign * sum.claims,
        findings: sign * sum.findings,
        amount: sum.amount.times(sign),
        open: sum.open.times(sign),
      });
  }
  return into;
}

export const cutIsZero = (sum: CutSum) =>
  sum.claims === 0 && sum.findings === 0 && sum.amount.isZero() && sum.open.isZero();
