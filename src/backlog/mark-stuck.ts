import { raiseStuckBacklogAlerts } from "../alerts/evaluate.ts";
import type { AppDeps } from "../deps.ts";
import { stuckCutoff } from "../domain/backlog.ts";
import { MARK_STUCK } from "./sql.ts";
import { LONG_TRANSACTION, prismaSession } from "../db/client.ts";
import { flagUnconfirmedReferrals } from "../claims/referrals.ts";

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
 * PGlite lets other requests run in between. Marking moves no money.
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
      const rows = await prismaSession(tx).query<{ provinceCode: string; year: number; marked: number }>(MARK_STUCK, [
        cutoff,
        now,
        chunk,
      ]);
      await raiseStuckBacklogAlerts(
        prismaSession(tx),
        deps,
        rows.map((r) => ({ provinceCode: r.provinceCode, year: Number(r.year) })),
        now,
      );
      return rows.reduce((sum, r) => sum + Number(r.marked), 0);
    }, LONG_TRANSACTION);
    marked += markedNow;
    if (markedNow < chunk) return { marked };
  }
}

/**
 * The periodic marking: stuck claims, then referrals whose paper has not appeared from their sender
 * (src/claims/referrals.ts). Flags only; neither moves money.
 */
export async function runMarking(deps: Pick<AppDeps, "db" | "clock" | "rules">) {
  const { marked } = await markStuck(deps);
  const referrals = await flagUnconfirmedReferrals(deps);
  return { marked, referralsFlagged: referrals.flagged, referralsConfirmed: referrals.confirmed };
}
