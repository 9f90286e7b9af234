import { createRoute, z } from "@hono/zod-openapi";
import { callerOf, requireRole } from "../auth/caller.ts";
import type { AppDeps } from "../deps.ts";
import { router } from "../http/router.ts";
import { Count, json, problems, readProblems } from "../http/schemas.ts";
import { Backlog, BacklogQuery } from "./contract.ts";
import { runMarking } from "./mark-stuck.ts";
import { backlogReport } from "./report.ts";

/**
 * The backlog of claims stuck on documentation (docs/api.md), and the
 * job that marks claims stuck.
 */
export function backlogRoutes(deps: AppDeps) {
  const app = router();

  app.openapi(
    createRoute({
      operationId: "getBacklog",
      method: "get",
      path: "/backlog",
      tags: ["Backlog"],
      summary:
        "Claims stuck on documentation: totals, by facility, by missing document and by age (central, or a province)",
      description: [
        "Covers the claims marked stuck (`stuck: true`): pending documentation for at least `stuckAfterDays`, as of " +
          "the last marking (POST /v1/jobs/mark-stuck, or the schedule). `pending` adds the count and amount of " +
          "every claim pending documentation, so the backlog still forming is visible too.",
        "Central keys see every province, or one with `?province=`; a province key sees its own, and naming another " +
          "province is 404. An unknown province is 404. Facility keys: 403 (a facility lists its own stuck claims " +
          "with GET /v1/claims?stuck=true).",
        "Amounts are insurance amounts (what the fund would pay) as decimal strings. Provinces are the accounting " +
          "province of each claim (a merged province's claims count for its successor from the merger on).",
      ].join("\n\n"),
      request: { query: BacklogQuery },
      responses: { 200: json(Backlog), ...readProblems },
    }),
    async (c) => c.json(await backlogReport(deps, callerOf(c), c.req.valid("query")), 200),
  );

  app.openapi(
    createRoute({
      operationId: "markStuckClaims",
      method: "post",
      path: "/jobs/mark-stuck",
      tags: ["Backlog"],
      summary: "Mark claims stuck now (central)",
      description:
        "Marks every claim pending documentation since at least rules.timing.stuckAfterDays (24-hour days; 0 = every " +
        "pending claim) as stuck, and raises a `stuck_backlog` alert for a province-year whose stuck amount reaches " +
        "rules.backlog.stuckShareOfEstimate of its estimate (one live alert per province-year). The same job runs " +
        "on the server's schedule. Concurrent runs mark each claim once. No body.",
      responses: {
        200: json(
          z
            .object({
              marked: Count.openapi({ description: "claims marked stuck by this run" }),
              referralsFlagged: Count.openapi({
                description: "referrals flagged referral_unconfirmed: no paper from their sender in the rules' days",
              }),
              referralsConfirmed: Count.openapi({ description: "referrals unflagged: their sender's paper arrived" }),
            })
            .openapi("MarkStuckResult"),
          "Done",
        ),
        ...problems,
      },
    }),
    async (ctx) => {
      requireRole(callerOf(ctx), "central");
      return ctx.json(await runMarking(deps), 200);
    },
  );

  return app;
}
