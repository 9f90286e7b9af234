import { raiseStuckBacklogAlerts } from "../alerts/evaluate.ts";
import type { AppDeps } from "../deps.ts";
import { stuckCutoff } from "../domain/backlog.ts";
import { DROP_EMPTY_PENDING, ensureYearPartitions, MARK_STUCK } from "./sql.ts";
import { vietnamYearMonth } from "../domain/period.ts";
import { LONG_TRANSACTION, prismaSession } from "../db/client.ts";
import { flagUnconfirmedReferrals } from "../claims/referrals.ts";
import { pendingOf } from "./tally.ts";
import { emptyContribution } from "../spending/contribution.ts";
import { type MoneyChange, moveMoney } from "../spending/move.ts";

interface Marked {
  provinceCode: string;
  year: number;
  month: number;
  facilityCode: string;
  since: Date;
  missing: string[];
  marked: number;
  amount: string;
}

/** What marking a group of claims stuck changes: their part of the backlog, from not stuck to stuck. */
function stuckChange(group: Marked): MoneyChange {
  const at = { ...group, year: Number(group.year), month: Number(group.month) };
  const part = (stuck: boolean) => ({
    ...emptyContribution(at),
    pendings: pendingOf({ since: new Date(group.since), stuck, missing: group.missing }, group.amount, group.marked),
  });
  return { before: part(false), after: part(true) };
}

/**
 * Marks every claim pending documentation since at least
 * rules.timing.stuckAfterDays (at the clock's now) as stuck, and raises the
 * stuck_backlog alerts the newly stuck amounts call for. Safe to run
 * concurrently (a claim is marked by exactly one marking) and from any
 * runtime: the Node server's interval, the Worker's cron, or
 * POST /v1/jobs/mark-stuck.
 *
 * `chunk` claims per transaction (marked, then their alerts raised): the
 * first marking of a large backlog (after an outage, or of imported history)
 * holds a few thousand claims' locks at a time, not all of them, and on
 * PGlite lets other requests run in between. Marking moves no money, but
 * the backlog's tally moves with it, through the one path (moveMoney).
 */
export async function markStuck(
  deps: Pick<AppDeps, "db" | "clock" | "rules">,
  { chunk = 5_000 }: { chunk?: number } = {},
): Promise<{ marked: number }> {
  const now = deps.clock.now();
  const cutoff = stuckCutoff(now, deps.rules.timing.stuckAfterDays);
  let marked = 0;
  for (;;) {
    const markedNow = await deps.db.prisma.$transaction(async (tx) => {
      const session = prismaSession(tx);
      const rows = await session.query<Marked>(MARK_STUCK, [cutoff, now, chunk]);
      // The marked claims move in the backlog's tally from not stuck to stuck, through the one path.
      await moveMoney(session, deps, rows.map(stuckChange), now);
      const provinceYears = new Map(rows.map((r) => [`${r.provinceCode}|${r.year}`, r]));
      await raiseStuckBacklogAlerts(
        session,
        deps,
        [...provinceYears.values()].map((r) => ({ provinceCode: r.provinceCode, year: Number(r.year) })),
        now,
      );
      return rows.reduce((sum, r) => sum + Number(r.marked), 0);
    }, LONG_TRANSACTION);
    marked += markedNow;
    if (markedNow < chunk) {
      await deps.db.sql.query(DROP_EMPTY_PENDING, []);
      return { marked };
    }
  }
}

/**
 * The periodic marking: this year's and next year's claim partitions made sure of, stuck claims, then referrals
 * whose paper has not appeared from their sender (src/claims/referrals.ts). Flags only; none moves money.
 */
export async function runMarking(deps: Pick<AppDeps, "db" | "clock" | "rules">) {
  const { year } = vietnamYearMonth(deps.clock.now());
  await deps.db.withSession((session) => session.exec(ensureYearPartitions(year, year + 1)));
  const { marked } = await markStuck(deps);
  const referrals = await flagUnconfirmedReferrals(deps);
  return { marked, referralsFlagged: referrals.flagged, referralsConfirmed: referrals.confirmed };
}
