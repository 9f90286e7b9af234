import { raiseStuckBacklogAlerts } from "../alerts/evaluate.ts";
import type { AppDeps } from "../deps.ts";
import { stuckCutoff } from "../domain/backlog.ts";
import { MARK_STUCK } from "./sql.ts";
import { LONG_TRANSACTION, prismaSession } from "../db/client.ts";

/**
 * Marks every claim pending documentation since at least
 * rules.timing.stuckAfterDays (at the clock's now) as stuck, and raises the
 * stuck_backlog alerts the newly stuck amounts call for, in one transaction.
 * Safe to run concurrently (a claim is marked by exactly one marking) and
 * from any runtime: the Node server's interval, the Worker's cron, or
 * POST /v1/jobs/mark-stuck.
 */
export async function markStuck(deps: Pick<AppDeps, "db" | "clock" | "rules">): Promise<{ marked: number }> {
  const now = deps.clock.now();
  const cutoff = stuckCutoff(now, deps.rules.timing.stuckAfterDays);
  return deps.db.prisma.$transaction(
    async (tx) => {
      const rows = await tx.$queryRawUnsafe<{ provinceCode: string; year: number; marked: number }[]>(MARK_STUCK, cutoff, now);
      await raiseStuckBacklogAlerts(prismaSession(tx), deps, rows.map((r) => ({ provinceCode: r.provinceCode, year: Number(r.year) })), now);
      return { marked: rows.reduce((n, r) => n + Number(r.marked), 0) };
    },
    LONG_TRANSACTION,
  );
}
