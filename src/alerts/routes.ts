import { createRoute, z } from "@hono/zod-openapi";
import { callerOf, requireRole } from "../auth/caller.ts";
import type { AppDeps } from "../deps.ts";
import { ListQuery } from "../http/paging.ts";
import { router } from "../http/router.ts";
import { Text, ProvinceCode, Year, json, jsonBody, listOf, problems, readProblems } from "../http/schemas.ts";
import { listAlerts, transitionAlert } from "./service.ts";
import { AlertView, KINDS, STATUSES } from "./view.ts";
import { addWebhookRoutes } from "./webhooks.ts";

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
const IdParam = z.object({ id: Text.openapi({ example: "0b5e2a52-6a55-4c5e-9b8e-6f0f3b1e2f10" }) });

/** Alerts: listed within the caller's scope; acknowledged and resolved by central or the alert's province. */
export function alertsRoutes(deps: AppDeps) {
  const app = router();

  app.openapi(
    createRoute({
      operationId: "listAlerts",
      method: "get",
      path: "/",
      tags: ["Alerts"],
      summary: "List alerts, newest first (central: all; province: its own)",
      description:
        "Sorted by raisedAt descending, then id. A province key sees only its own province's alerts; a `province` " +
        "filter naming another province returns an empty list. Facility keys: 403.",
      request: { query: ListAlertsQuery },
      responses: { 200: json(listOf(AlertView, "AlertPage")), ...readProblems },
    }),
    async (c) => c.json(await listAlerts(deps, callerOf(c), c.req.valid("query")), 200),
  );

  addWebhookRoutes(app, deps);

  for (const step of ["acknowledge", "resolve"] as const) {
    app.openapi(
      createRoute({
        operationId: `${step}Alert`,
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
        request: { params: IdParam, body: jsonBody(StepBody, "AlertStepInput") },
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
