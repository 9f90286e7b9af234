import { createRoute, z } from "@hono/zod-openapi";
import { audit } from "../audit/audit.ts";
import { type Caller, callerOf, canSeeProvince, provinceScope, requireRole } from "../auth/caller.ts";
import type { AppDeps } from "../deps.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { decodeCursor, ListQuery, page } from "../http/paging.ts";
import { conflict, notFound, unprocessable } from "../http/problem.ts";
import { router } from "../http/router.ts";
import { ProvinceCode, Year, json, jsonBody, listOf, problems } from "../http/schemas.ts";
import { AlertView, alertView, KINDS, STATUSES, type Status } from "./view.ts";
import { lockSpending } from "./evaluate.ts";
import { addWebhookRoutes } from "./webhooks.ts";
import { prismaSession } from "../db/client.ts";

const ListAlertsQuery = ListQuery.extend({
  province: ProvinceCode.optional().openapi({
    description: "a province key sees only its own province whatever this says",
  }),
  status: z.enum(STATUSES).optional(),
  year: Year.optional(),
  kind: z.enum(KINDS).optional(),
});

const StepBody = z
  .object({ note: z.string().trim().min(1).max(2000).openapi({ example: "Discussed with the department of health" }) })
  .strict();
const IdParam = z.object({ id: z.string().openapi({ example: "0b5e2a52-6a55-4c5e-9b8e-6f0f3b1e2f10" }) });

const UUID = z.uuid();
const badCursor = () =>
  unprocessable("invalid query: cursor is not one this service issued", [
    { path: "cursor", code: "invalid_cursor", message: "not a cursor this service issued" },
  ]);

/** The list's sort key is (raisedAt desc, id desc); its cursor is that of the page's last alert. */
function afterCursor(cursor: string | undefined): Prisma.AlertWhereInput | null {
  const key = decodeCursor(cursor);
  if (key === null) return null;
  const [raisedAt, id] = key;
  const at = typeof raisedAt === "string" ? new Date(raisedAt) : null;
  if (!at || Number.isNaN(at.getTime()) || !UUID.safeParse(id).success) throw badCursor();
  return { OR: [{ raisedAt: { lt: at } }, { raisedAt: at, id: { lt: id as string } }] };
}

/**
 * Which step moves an alert from which status: acknowledge open -> acknowledged; resolve open|acknowledged -> resolved.
 */
const STEPS = {
  acknowledge: { from: ["open"] as Status[], to: "acknowledged" as const },
  resolve: { from: ["open", "acknowledged"] as Status[], to: "resolved" as const },
};
type Step = keyof typeof STEPS;

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
      { path: "note", code: text ? "too_big" : "too_small", message: "must be 1 to 2000 characters" },
    ]);
  const at = deps.clock.now();
  return deps.db.prisma.$transaction(async (tx) => {
    const found = await tx.alert.findUnique({ where: { id }, select: { provinceCode: true, year: true } });
    if (!found || !canSeeProvince(caller, found.provinceCode)) throw notFound("alert");
    // Spending row first, then the alert: the order batches take them in, so the two cannot deadlock.
    await lockSpending(prismaSession(tx), [found]);
    const locked = await tx.$queryRaw<{ status: Status; kind: string; reached: boolean }[]>`
      SELECT a.status::text AS status, a.kind::text AS kind,
             COALESCE(COALESCE(s.spent, 0) >= a.threshold * e.total_amount, false) AS reached
      FROM alert a
      LEFT JOIN estimate e ON e.province_code = a.province_code AND e.year = a.year
      LEFT JOIN spending s ON s.province_code = a.province_code AND s.year = a.year
      WHERE a.id = ${id}::uuid FOR UPDATE OF a`;
    const row = locked[0]!;
    const { from, to } = STEPS[step];
    if (!from.includes(row.status)) throw conflict("alert_state", `cannot ${step} an alert that is ${row.status}`);
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

/** Alerts: listed within the caller's scope; acknowledged and resolved by central or the alert's province. */
export function alertsRoutes(deps: AppDeps) {
  const app = router();

  app.openapi(
    createRoute({
      method: "get",
      path: "/",
      tags: ["Alerts"],
      summary: "List alerts, newest first (central: all; province: its own)",
      description:
        "Sorted by raisedAt descending, then id. A province key sees only its own province's alerts; a `province` " +
        "filter naming another province returns an empty list. Facility keys: 403.",
      request: { query: ListAlertsQuery },
      responses: { 200: json(listOf(AlertView)), ...problems },
    }),
    async (c) => c.json(await listAlerts(deps, callerOf(c), c.req.valid("query")), 200),
  );

  addWebhookRoutes(app, deps);

  for (const step of ["acknowledge", "resolve"] as const) {
    app.openapi(
      createRoute({
        method: "post",
        path: `/{id}/${step}`,
        tags: ["Alerts"],
        summary:
          step === "acknowledge"
            ? "Acknowledge an open alert (central, or its province)"
            : "Resolve an open or acknowledged alert (central, or its province)",
        description:
          step === "acknowledge"
            ? "open -> acknowledged. The alert stays live: no second alert is raised for the same crossing. " +
              "Acknowledging an alert that is not open is 409 `alert_state`. The note is kept with the alert and the " +
              "step is audited."
            : "open|acknowledged -> resolved. Resolving twice is 409 `alert_state`. Once resolved, the next time " +
              "spending or an estimate change finds the threshold reached a new alert is raised, so resolve when the " +
              "situation is dealt with. The note is kept with the alert and the step is audited.",
        request: { params: IdParam, body: jsonBody(StepBody) },
        responses: { 200: json(AlertView, "The alert after the step"), ...problems },
      }),
      async (ctx) => {
        const caller = callerOf(ctx);
        requireRole(caller, "central", "province");
        const { id } = ctx.req.valid("param");
        const { note } = ctx.req.valid("json");
        return ctx.json(await transitionAlert(deps, caller, id, step, note, ctx.get("requestId")), 200);
      },
    );
  }

  return app;
}
