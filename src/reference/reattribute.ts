import { LOCK_FACILITY } from "../batches/sql.ts";
import type { SqlSession } from "../db/client.ts";
import type { AppDeps } from "../deps.ts";
import { Dec } from "../domain/money.ts";
import { addItems, type ItemSum, itemsOfStored } from "../costs/items.ts";
import { splitFromJson } from "../costs/split.ts";
import { addPendings, type PendingSum, pendingOf } from "../backlog/tally.ts";
import { addDelays, addTallies, type Tally, tallyOf } from "../reports/tally.ts";
import { addSplit } from "../spending/contribution.ts";
import type { ClaimStatus } from "../domain/claim-status.ts";
import { addCuts, type CutSum, cutsOf, type StoredFinding } from "../assessment/tally.ts";
import { moveMoney } from "../spending/move.ts";
import { MOVE_CLAIMS } from "./sql.ts";

/**
 * accountingProvince (src/domain/merger.ts) in SQL, over claim c, facility f
 * and f's province p. test/http/merger.test.ts holds the two together: claims
 * moved by it end where claims sent after the change are placed.
 */
interface Moved {
  from_code: string;
  to_code: string;
  year: number;
  month: number;
  facility_code: string;
  delay_months: number;
  spent: string;
  pending: string;
  counted_claims: number;
  claims: number;
  /** The moved claims' cost splits (null when none has one). */
  splits: Record<string, string>[] | null;
  /** The lines of the moved claims that count (null when none has any). */
  lines: unknown[] | null;
  /** What the reports count of each moved claim: [visit type, claimed insurance, flags, delay band]. */
  reported: [string, string, string[], number][];
  /** What the backlog counts of each moved pending claim: [pending since, stuck, missing, amount] (null: none). */
  pending_parts: [string, boolean, string[], string][] | null;
  /** The proposed cuts of each moved claim with findings: [findings, status] (null: none). */
  cut_parts: [StoredFinding[], ClaimStatus][] | null;
}

/** The moved claims' proposed cuts, summed. */
function cutSums(parts: Moved["cut_parts"]) {
  const sums = new Map<string, CutSum>();
  for (const [findings, status] of parts ?? []) addCuts(sums, cutsOf(findings, status));
  return sums;
}

/** The moved pending claims' part of the backlog, summed. */
function pendingSums(parts: Moved["pending_parts"]) {
  const sums = new Map<string, PendingSum>();
  for (const [since, stuck, missing, amount] of parts ?? [])
    addPendings(sums, pendingOf({ since: new Date(since), stuck, missing }, amount));
  return sums;
}

/** The moved claims' tallies and delays, summed. */
function reportedSums(reported: Moved["reported"]) {
  const tallies = new Map<string, Tally>();
  const delays = new Map<number, number>();
  for (const [visitType, claimed, flags, band] of reported) {
    addTallies(tallies, tallyOf(visitType, claimed, flags));
    addDelays(delays, new Map([[band, 1]]));
  }
  return { tallies, delays };
}

/**
 * After a province's merger or a facility's province was recorded or changed
 * (in the caller's transaction, after that write): moves the facilities'
 * stored claims to the province they count in now, their spending with them
 * (spending, its detail and the arrival triangle), and evaluates the alerts of
 * every province-year touched. A merger is often recorded after it took
 * effect, when claims discharged since are already counted under the old code.
 *
 * Locks in the order every writer takes them: the facilities' batch locks (so
 * no batch of theirs interleaves; a batch that waited re-reads its facility),
 * then the claims, then the spending rows. Returns how many claims moved.
 */
export async function reattributeClaims(
  tx: SqlSession,
  deps: Pick<AppDeps, "rules">,
  facilityCodes: readonly string[],
  at: Date,
): Promise<number> {
  const codes = [...new Set(facilityCodes)].sort();
  if (codes.length === 0) return 0;
  for (const code of codes) await tx.query(LOCK_FACILITY, [code]);
  const groups = await tx.query<Moved>(MOVE_CLAIMS, [codes, at]);
  if (groups.length === 0) return 0;
  const changes = groups.map((group) => {
    const moved = {
      year: Number(group.year),
      month: Number(group.month),
      facilityCode: group.facility_code,
      delayMonths: Number(group.delay_months),
      spent: new Dec(group.spent),
      pending: new Dec(group.pending),
      count: Number(group.counted_claims),
      groups: (group.splits ?? []).reduce((sum, split) => addSplit(sum, splitFromJson(split)), new Map<string, Dec>()),
      items: (group.lines ?? []).reduce<Map<string, ItemSum>>(
        (sum, lines) => addItems(sum, itemsOfStored(lines)),
        new Map(),
      ),
      ...reportedSums(group.reported),
      pendings: pendingSums(group.pending_parts),
      cuts: cutSums(group.cut_parts),
    };
    return { before: { ...moved, provinceCode: group.from_code }, after: { ...moved, provinceCode: group.to_code } };
  });
  await moveMoney(tx, deps, changes, at);
  return groups.reduce((n, g) => n + Number(g.claims), 0);
}
