import { createRoute, z } from "@hono/zod-openapi";
import { callerOf } from "../auth/caller.ts";
import type { AppDeps } from "../deps.ts";
import { router } from "../http/router.ts";
import { ProvinceCode, json, readProblems } from "../http/schemas.ts";
import { ProvinceUsageDetail, UsageList, UsageQuery } from "./contract.ts";
import { provinceUsageDetail, usageOverview } from "./overview.ts";

/** Spending against the estimate: every province (central) or the caller's own (province). */
export function usageRoutes(deps: AppDeps) {
  const app = router();

  app.openapi(
    createRoute({
      operationId: "listUsage",
      method: "get",
      path: "/usage",
      tags: ["Usage"],
      summary: "Usage of every province for a year (central: all; province: its own)",
      description:
        "Central keys get every province that has an estimate or spending for the year; a province key gets its own " +
        "province (always, with zeros when nothing was claimed). Facility keys: 403. Computed from the running " +
        "totals, so it is current as of the last committed batch.",
      request: { query: UsageQuery },
      responses: { 200: json(UsageList), ...readProblems },
    }),
    async (c) => c.json(await usageOverview(deps, callerOf(c), c.req.valid("query").year), 200),
  );

  app.openapi(
    createRoute({
      operationId: "getProvinceUsage",
      method: "get",
      path: "/provinces/{code}/usage",
      tags: ["Usage"],
      summary: "Usage of one province, by facility and by month (central, or its province)",
      description: "An unknown province, or another province than a province key's own, is 404. Facility keys: 403.",
      request: { params: z.object({ code: ProvinceCode }), query: UsageQuery },
      responses: { 200: json(ProvinceUsageDetail), ...readProblems },
    }),
    async (c) =>
      c.json(await provinceUsageDetail(deps, callerOf(c), c.req.valid("param").code, c.req.valid("query").year), 200),
  );

  return app;
}
