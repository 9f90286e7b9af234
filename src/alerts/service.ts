import { z } from "@hono/zod-openapi";
import { audit } from "../audit/audit.ts";
import { type Caller, canSeeProvince, provinceScope, requireRole } from "../auth/caller.ts";
import { prismaSession } from "../db/client.ts";
import type { AppDeps } from "../deps.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { CursorField, decodeCursor, page } from "../http/paging.ts";
import { conflict, notFound, unprocessable } from "../http/problem.ts";
import { lockSpending } from "./evaluate.ts";
import * as sql from "./sql.ts";
import { alertView, type KINDS, type Status } from "./view.ts";

const UUID = z.uuid();

/** The list's sort key is (raisedAt desc, id desc); its cursor is that of the page's last alert. */
function afterCursor(cursor: string | undefined): Prisma.AlertWhereInput | null {
  const key = decodeCursor(cursor, z.tuple([CursorField.instant, CursorField.uuid]));
  if (key === null) return null;
  const [raisedAt, id] = key;
  const at = new Date(raisedAt);
  return { OR: [{ raisedAt: { lt: at } }, { raisedAt: at, id: { lt: id } }] };
}

/**
 * Which step moves an alert from which status: acknowledge open -> acknowledged; resolve open|acknowledged -> resolved.
 */
const STEPS = {
  acknowledge: { from: ["open"] as Status[], to: "acknowledged" as const },
  resolve: { from: ["open", "acknowledged"] as Status[], to: "resolved" as const },
};
export type Step = keyof typeof STEPS;

export interface AlertFilters {
  province?: string | undefined;
  status?: Status | undefined;
  year?: number | undefined;
  kind?: (typeof KINDS)[number] | undefined;
  limit: number;
  cursor?: string | undefined;
}

/**
 * A page of alerts the caller may see (central: all; province: its own,
 * whatever `province` says; facility: 403), newest first.
 */
export async function listAlerts(deps: Pick<AppDeps, "db">, caller: Caller, filters: AlertFilters) {
  requireRole(caller, "central", "province");
  const { limit, cursor, province, status, year, kind } = filters;
  const scope = provinceScope(caller);
  const after = afterCursor(cursor);
  const where: Prisma.AlertWhereInput = {
    AND: [
      scope ? { provinceCode: { in: scope } } : {},
      province ? { provinceCode: province } : {},
      status ? { status } : {},
      year !== undefined ? { year } : {},
      kind ? { kind } : {},
      after ?? {},
    ],
  };
  const rows = await deps.db.prisma.alert.findMany({
    where,
    include: { notes: true },
    orderBy: [{ raisedAt: "desc" }, { id: "desc" }],
    take: limit + 1,
  });
  const { data, nextCursor } = page(rows, limit, (a) => [a.raisedAt.toISOString(), a.id]);
  return { data: data.map(alertView), nextCursor };
}

/**
 * Takes one step on an alert in one transaction: the alert row is locked, the
 * step checked against its status, the note and the audit row written with it.
 * Resolving clears the live key, so the next crossing raises a new alert; a
 * threshold alert resolved while its threshold is still reached is re-armed
 * only once spending is seen below it again. Central, or the alert's province
 * (another province: 404; facility: 403); out of order: 409 alert_state.
 */
export async function transitionAlert(
  deps: Pick<AppDeps, "db" | "clock">,
  caller: Caller,
  id: string,
  step: Step,
  note: string,
  requestId?: string,
) {
  requireRole(caller, "central", "province");
  if (!UUID.safeParse(id).success) throw notFound("alert");
  const text = note.trim();
  if (text.length < 1 || text.length > 2000)
    throw unprocessable("invalid body: note: must be 1 to 2000 characters", [
      {
        path: "note",
        code: text ? "too_big" : "too_small",
        message: "must be 1 to 2000 characters",
        params: { origin: "string", minimum: 1, maximum: 2000 },
      },
    ]);
  const at = deps.clock.now();
  return deps.db.prisma.$transaction(async (tx) => {
    const found = await tx.alert.findUnique({ where: { id }, select: { provinceCode: true, year: true } });
    if (!found || !canSeeProvince(caller, found.provinceCode)) throw notFound("alert");
    // Spending row first, then the alert: the order batches take them in, so the two cannot deadlock.
    const session = prismaSession(tx);
    await lockSpending(session, [found]);
    const locked = await session.query<{ status: Status; kind: string; reached: boolean }>(sql.LOCK_ALERT, [id]);
    const row = locked[0]!;
    const { from, to } = STEPS[step];
    if (!from.includes(row.status))
      throw conflict("alert_state", `cannot ${step} an alert that is ${row.status}`, { step, status: row.status });
    // A threshold alert resolved while the threshold is still reached stays latched (keeps its live key)
    // until spending is seen below it again: only a new crossing raises a new one (see raiseAlerts).
    const latched = row.kind === "usage_threshold" && row.reached;
    await tx.alert.update({
      where: { id },
      data:
        step === "acknowledge"
          ? { status: to, acknowledgedAt: at }
          : { status: to, resolvedAt: at, ...(latched ? {} : { liveKey: null }) },
    });
    await tx.alertNote.create({ data: { alertId: id, action: step, note: text, at, keyId: caller.keyId } });
    await audit(
      tx,
      { caller, requestId, at },
      {
        action: `alert.${step}`,
        entity: "alert",
        entityId: id,
        before: { status: row.status },
        after: { status: to, note: text },
      },
    );
    return alertView(await tx.alert.findUniqueOrThrow({ where: { id }, include: { notes: true } }));
  });
}
