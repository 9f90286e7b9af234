import { createRoute, z } from "@hono/zod-openapi";
import { callerOf } from "../auth/caller.ts";
import type { AppDeps } from "../deps.ts";
import { router } from "../http/router.ts";
import { FacilityCode, ProvinceCode, json, jsonOrCsv, readProblems } from "../http/schemas.ts";
import { CSV_NOTE, csvResponse, toCsv, wantsCsv } from "../reports/csv.ts";
import { CostBreakdown, CostsQuery, ItemsQuery, ItemsReport } from "./contract.ts";
import { ITEMS_CSV, itemsReport } from "./items-report.ts";
import { facilityCosts, provinceCosts } from "./read.ts";

const DESCRIPTION =
  "Spending by cost group (MA_NHOM, rules/costs.json) for months 1 to `through` of the year, each group's share, " +
  "and the same months of the previous year with the change; claims sent without lines count as `unspecified`. " +
  "Read from the running totals kept with spending, never from the claims: the groups add up to the spending usage " +
  "shows for those months.";

const itemsRoute = createRoute({
  operationId: "listTopItems",
  method: "get",
  path: "/items",
  tags: ["Usage"],
  summary: "The top drugs, supplies and services by amount, quantity or growth (central; a province; a facility)",
  description: [
    "What the claims' lines (XML2 drugs, XML3 services and supplies) of months 1 to `through` added up to by " +
      "item: amount, the fund's part, quantity, claims and facilities, the average unit price and the spread of " +
      "the facilities' own average unit prices (lowest, median, highest), and the same months of the previous " +
      "year with the change of amount. Items used this year only; a denied claim's lines do not count. Read " +
      "from the items' running totals, never from the claims. A province key sees its province, a facility key " +
      "itself: naming another is 404.",
    CSV_NOTE,
  ].join("\n\n"),
  request: { query: ItemsQuery },
  responses: { 200: jsonOrCsv(ItemsReport, "one line per item"), ...readProblems },
});

/** Why a province or facility spends what it does (issue 20). */
export function costsRoutes(deps: AppDeps) {
  const app = router();

  app.openapi(
    createRoute({
      operationId: "getProvinceCosts",
      method: "get",
      path: "/provinces/{code}/costs",
      tags: ["Usage"],
      summary: "A province's spending by cost group, against the same months last year (central, or its province)",
      description: `${DESCRIPTION} Another province than a province key's own, or an unknown one: 404; facility 403.`,
      request: { params: z.object({ code: ProvinceCode }), query: CostsQuery },
      responses: {
        200: json(CostBreakdown.extend({ provinceCode: ProvinceCode }).openapi("ProvinceCosts")),
        ...readProblems,
      },
    }),
    async (c) => c.json(await provinceCosts(deps, callerOf(c), c.req.valid("param").code, c.req.valid("query")), 200),
  );

  app.openapi(
    createRoute({
      operationId: "getFacilityCosts",
      method: "get",
      path: "/facilities/{code}/costs",
      tags: ["Usage"],
      summary: "A facility's spending by cost group, against the same months last year (central, its province, itself)",
      description: `${DESCRIPTION} A facility another key may not see, or an unknown one, is 404.`,
      request: { params: z.object({ code: FacilityCode }), query: CostsQuery },
      responses: {
        200: json(CostBreakdown.extend({ facilityCode: FacilityCode }).openapi("FacilityCosts")),
        ...readProblems,
      },
    }),
    async (c) => c.json(await facilityCosts(deps, callerOf(c), c.req.valid("param").code, c.req.valid("query")), 200),
  );

  app.openapi(itemsRoute, async (ctx) => {
    const report = await itemsReport(deps, callerOf(ctx), ctx.req.valid("query"));
    if (wantsCsv(ctx.req.header("accept")))
      return csvResponse(toCsv(ITEMS_CSV, report.items), `items-${report.year}.csv`);
    return ctx.json(report, 200);
  });

  return app;
}
